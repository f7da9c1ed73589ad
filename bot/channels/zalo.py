"""Zalo through its Bot Platform: a small httpx client of our own, polling or webhook.

What is known of the API and where sources disagree is in shared/research/zalo.md. The code
tolerates each uncertainty rather than betting on one reading:
- updates arrive wrapped (`{ok, result: {…}}`) or flat (`{event_name, message}`), with or without
  `event_name`; the sender's name as `display_name`, `first_name` or `name`;
- `getUpdates` returns one update per call; error 408 means "nothing yet", not a failure;
- ids are strings, dates milliseconds; there are no buttons, so options become a numbered list;
- messages are limited to 2,000 characters; no rate limits are published: 429 is retried;
  403 ("internal server error") is transient by the docs' word and retried too;
- redelivery is possible: a message id is processed once (the dispatcher remembers it, in the database).
The token is in every URL, so no URL or httpx error text ever reaches a log.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.channels import ChannelRejected, Reconnecting, Unreachable, chunks
from bot.channels.numbered import choice_for, render
from handlers.dispatcher import Dispatcher
from locales import _
from models.chat import (
    DeliveryRefused,
    DeliveryRetry,
    DeliveryUnknown,
    FileTooBig,
    FileUnavailable,
    Incoming,
    IncomingFile,
    Option,
    Reply,
    Sent,
)
from models.store import kv

log = logging.getLogger(__name__)

MAX_TEXT = 2000
TEXT_EVENT = "message.text.received"
IMAGE_EVENT = "message.image.received"  # the image as a link (`photo_url`, or `photo`): fetched like any file
IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
OTHER_EVENTS = {IMAGE_EVENT, "message.sticker.received", "message.unsupported.received",
                "message.voice.received", "message.file.received", "message.link.received"}


class ZaloError(Exception):
    """An `ok: false` answer (or a failed request), without the token."""

    def __init__(self, method: str, code: int | None, description: str) -> None:
        super().__init__(f"zalo {method}: {code} {description}")
        self.method, self.code, self.description = method, code, description


# Zalo's limit bound in: the outbox and the tests split with it.
split_text = partial(chunks.split_text, limit=MAX_TEXT)


class ZaloClient:
    def __init__(self, token: str, api_url: str, *, timeout: float = 15.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._base = f"{api_url.rstrip('/')}/bot{token}"
        self._client = httpx.AsyncClient(timeout=timeout, transport=transport)

    async def close(self) -> None:
        await self._client.aclose()

    async def call(self, method: str, payload: dict[str, Any] | None = None, *, read_seconds: float | None = None
                   ) -> Any:
        try:
            response = await self._client.post(f"{self._base}/{method}", json=payload or {},
                                               timeout=read_seconds or httpx.USE_CLIENT_DEFAULT)
        except httpx.TimeoutException:  # `from None`: httpx errors carry the URL, and so the token
            raise ZaloError(method, None, "timeout") from None
        except httpx.HTTPError as error:
            raise ZaloError(method, None, f"network error ({type(error).__name__})") from None
        try:
            body = response.json()
        except ValueError:
            raise ZaloError(method, response.status_code, "answer is not JSON") from None
        if not isinstance(body, dict):
            raise ZaloError(method, response.status_code, "unexpected answer")
        if body.get("ok") is True:
            return body.get("result")
        # Two error shapes are seen in the wild: {ok, error_code, description} and {error, message}.
        code = body.get("error_code") or body.get("error") or response.status_code
        description = body.get("description") or body.get("message") or ""
        raise ZaloError(method, int(code) if str(code).lstrip("-").isdigit() else None, str(description))

    async def get_me(self) -> dict[str, Any]:
        return await self.call("getMe")

    async def get_update(self, hold_seconds: int = 30) -> dict[str, Any] | None:
        """One update, or None when the long poll ends empty (error 408)."""
        try:
            # The docs type `timeout` as a string; openclaw sends it so.
            return await self.call("getUpdates", {"timeout": str(hold_seconds)}, read_seconds=hold_seconds + 10)
        except ZaloError as error:
            if error.code == 408:
                return None
            raise

    async def send_message(self, chat_id: str, text: str) -> dict[str, Any]:
        return await self.call("sendMessage", {"chat_id": chat_id, "text": text})

    async def send_photo(self, chat_id: str, url: str, caption: str = "") -> dict[str, Any]:
        payload = {"chat_id": chat_id, "photo": url}
        if caption:
            payload["caption"] = caption[:MAX_TEXT]
        return await self.call("sendPhoto", payload)

    async def set_webhook(self, url: str, secret: str) -> Any:
        return await self.call("setWebhook", {"url": url, "secret_token": secret})

    async def download(self, url: str, limit: int) -> bytes:
        """An image a person sent, from the link Zalo gave (its CDN: no token in it). Stops past `limit` bytes."""
        try:
            async with self._client.stream("GET", url, follow_redirects=True) as response:
                if response.status_code != 200:
                    raise FileUnavailable(f"HTTP {response.status_code}")
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise FileTooBig(url)
                content = bytearray()
                async for chunk in response.aiter_bytes():
                    content += chunk
                    if len(content) > limit:
                        raise FileTooBig(url)
        except httpx.HTTPError as error:
            raise FileUnavailable(type(error).__name__) from None
        return bytes(content)

    async def delete_webhook(self) -> Any:
        return await self.call("deleteWebhook")



def unwrap(body: Any) -> dict[str, Any] | None:
    """The update inside either body shape, or None if it is not an update at all."""
    if not isinstance(body, dict):
        return None
    if "result" in body and isinstance(body["result"], dict):
        body = body["result"]
    if isinstance(body.get("message"), dict):
        return body
    return None


class ZaloChannel:
    channel = "zalo"

    def __init__(self, token: str, api_url: str, handlers: Dispatcher, sessions: async_sessionmaker[AsyncSession], *,
                 webhook: bool = False, poll_timeout: int = 30, public_files: Callable[[bytes, str], str] | None = None,
                 client: ZaloClient | None = None) -> None:
        self.client = client or ZaloClient(token, api_url)
        self.handlers = handlers
        self.sessions = sessions
        self.webhook = webhook
        self.poll_timeout = poll_timeout
        self.public_files = public_files  # stores a file where Zalo can fetch it, returns its https URL
        self.bot_id: str | None = None
        self._last: dict[str, Reply] = {}  # per chat: the options a bare number may pick (cache of the database)
        self._locks: dict[str, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task] = set()
        self._poller: asyncio.Task | None = None
        self._stopping = asyncio.Event()
        self._receive = True
        self.connection = Reconnecting("Zalo", self._connect)

    # -- lifecycle --------------------------------------------------------------------------------

    async def start(self, *, receive: bool = True) -> None:
        """Connect (getMe) and start polling. A refused token raises ChannelRejected; an API that cannot be
        reached is retried in the background while the other channels run."""
        self._receive = receive
        await self.connection.start()

    async def _connect(self) -> None:
        try:
            me = await self.client.get_me()
        except ZaloError as error:
            if error.code in (401, 404):
                raise ChannelRejected(_("Zalo từ chối token ({code}) — kiểm tra NHACVIEC_ZALO_TOKEN").format(
                    code=error.code)) from None
            raise Unreachable(f"{error.code or ''} {error.description}".strip()) from None
        self.bot_id = str(me.get("id")) if isinstance(me, dict) and me.get("id") is not None else None
        log.info("zalo: connected as %s (%s mode)", (me or {}).get("account_name", "?"),
                 "webhook" if self.webhook else "polling")
        if self._receive and not self.webhook:
            with contextlib.suppress(ZaloError):  # polling and a webhook exclude each other
                await self.client.delete_webhook()
            self._poller = asyncio.create_task(self._poll())

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.client.set_webhook(url, secret)

    async def stop(self) -> None:
        self._stopping.set()
        await self.connection.stop()
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=10)
        await self.client.close()

    async def _poll(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            try:
                update = await self.client.get_update(self.poll_timeout)
                failures = 0
                self.connection.recovered()
            except ZaloError as error:  # transient trouble: back off, never stop polling; said once
                failures += 1
                self.connection.trouble(f"getUpdates {error.code or ''} {error.description}".strip())
                await asyncio.sleep(min(60.0, 2.0 ** min(failures, 6)))
                continue
            if update is not None:
                try:
                    await self.feed(update)
                except ValueError:  # getUpdates answered something else: skip it, keep polling
                    log.warning("zalo: getUpdates returned something that is not an update; skipped")

    # -- incoming ---------------------------------------------------------------------------------

    async def feed(self, body: Any) -> None:
        """An update from polling or from the webhook: handled in the background, in order per chat.
        ValueError if the body is not an update (the webhook answers 400)."""
        update = unwrap(body)
        if update is None:
            event = (result if isinstance(result := body.get("result"), dict) else body).get("event_name") \
                if isinstance(body, dict) else None
            if isinstance(event, str):  # an event of a kind that carries no message (a reaction…): not ours
                log.info("zalo: ignored event %r without a message", event[:60])
                return
            raise ValueError("not a Zalo update")
        task = asyncio.create_task(self._process(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _process(self, update: dict[str, Any]) -> None:
        message = update["message"]
        event = update.get("event_name") or (TEXT_EVENT if isinstance(message.get("text"), str) else "")
        sender = message.get("from") if isinstance(message.get("from"), dict) else {}
        chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
        user_id = str(sender.get("id") or "")
        chat_id = str(chat.get("id") or user_id)
        if not user_id or sender.get("is_bot") or (self.bot_id and user_id == self.bot_id):
            return  # our own messages echoed back, or nobody
        message_id = str(message.get("message_id") or "")
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        async with lock:
            attachment = _image(message) if event == IMAGE_EVENT else None
            if event != TEXT_EVENT and attachment is None:
                if event not in OTHER_EVENTS:
                    log.info("zalo: ignored event %r", event)
                    return
                if str(chat.get("chat_type", "PRIVATE")).upper() == "PRIVATE":
                    await self._send_all(chat_id, [Reply(_(
                        "Bot chỉ nhận tin nhắn văn bản và ảnh. Vui lòng gõ nội dung, ví dụ /baocao hoặc /trogiup."))])
                return
            text = message["text"] if isinstance(message.get("text"), str) else ""  # a number, a list: not text
            choice = choice_for(text, await self._options(chat_id)) if text.strip().rstrip(".").isdigit() else None
            incoming = Incoming(
                channel="zalo", chat_id=chat_id, user_id=user_id,
                display_name=str(sender.get("display_name") or sender.get("first_name") or sender.get("name") or ""),
                text="" if choice or attachment else text, choice=choice, attachment=attachment,
                message_id=message_id or None,
                update_id=message_id or None,
                chat_type="private" if str(chat.get("chat_type", "PRIVATE")).upper() == "PRIVATE" else "group",
                at=_moment(message.get("date")))
            outcome = await self.handlers.handle(incoming, files=self)
            await self._send_all(chat_id, outcome.replies)

    async def fetch(self, file: IncomingFile, limit: int) -> bytes:
        """An image a person sent: Zalo gives only its link."""
        return await self.client.download(file.file_id, limit)

    # -- outgoing ---------------------------------------------------------------------------------

    async def _send_all(self, chat_id: str, replies: list[Reply]) -> None:
        for reply in replies:
            try:
                await self.send(chat_id, reply)
            except (DeliveryRefused, DeliveryRetry, DeliveryUnknown) as error:
                log.warning("zalo: reply to %s not delivered: %s", chat_id, error)
                return

    async def send(self, chat_id: str, reply: Reply) -> Sent:
        """Replies: one attempt each (Sender protocol shape, used by the outbox too)."""
        return await self.deliver(chat_id, reply)

    async def deliver(self, chat_id: str, reply: Reply) -> Sent:
        if not self.connection.connected:
            raise DeliveryRetry("zalo: not connected")
        text = render(reply)
        attachment = reply.attachment
        if attachment is not None:
            if attachment.mime == "image/png" and self.public_files is not None:
                url = self.public_files(attachment.content, attachment.filename)
                result = await self._call(self.client.send_photo, chat_id, url, attachment.caption or text)
                return Sent(str((result or {}).get("message_id", "")))
            if not text:  # workbooks (and charts without a public address) are Telegram and console features
                text = _("📎 {name}: tệp này chỉ gửi được trên Telegram (hoặc lấy bằng `nhacviec digest`).").format(
                    name=attachment.filename)
        message_id = ""
        for chunk in split_text(text):
            result = await self._call(self.client.send_message, chat_id, chunk)
            message_id = message_id or str((result or {}).get("message_id", ""))
        await self._remember(chat_id, reply)
        return Sent(message_id)

    async def _remember(self, chat_id: str, reply: Reply) -> None:
        """The latest numbered list sent to a chat, so that "1" tomorrow still means its first option."""
        numbered = reply if reply.options and reply.numbered else None
        if self._last.get(chat_id) == numbered:
            return
        value = json.dumps([[o.label, o.value] for o in numbered.options]) if numbered else "[]"
        async with self.sessions() as session:
            await kv.put(session, f"zalo.options.{chat_id}", value)
            await session.commit()
        if numbered:
            self._last[chat_id] = numbered
        else:
            self._last.pop(chat_id, None)

    async def _options(self, chat_id: str) -> Reply | None:
        if chat_id in self._last:
            return self._last[chat_id]
        async with self.sessions() as session:
            stored = await kv.get(session, f"zalo.options.{chat_id}")
        options = tuple(Option(label, value) for label, value in json.loads(stored or "[]"))
        return Reply("", options) if options else None

    async def _call(self, method: Callable[..., Awaitable[Any]], *args: Any) -> Any:
        try:
            return await method(*args)
        except ZaloError as error:
            if error.description == "timeout":
                raise DeliveryUnknown(f"zalo {error.method} timed out") from None
            if error.code in (None, 403, 429) or (error.code or 0) >= 500:
                raise DeliveryRetry(f"zalo {error.method}: {error.code} {error.description}") from None
            if error.code in (401, 404):  # unknown chat, or the token was revoked: retrying will not help
                raise DeliveryRefused(f"zalo {error.method}: {error.code} {error.description}") from None
            raise DeliveryRetry(f"zalo {error.method}: {error.code} {error.description}") from None


def _image(message: dict[str, Any]) -> IncomingFile | None:
    """The image of a `message.image.received`: its link (under either spelling), named after it."""
    url = message.get("photo_url") or message.get("photo")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        return None
    suffix = "." + urlsplit(url).path.rsplit(".", 1)[-1].lower() if "." in urlsplit(url).path else ""
    mime = IMAGE_TYPES.get(suffix, "image/jpeg")  # Zalo's images are JPEG unless the link says otherwise
    name = "anh-" + _moment(message.get("date")).strftime("%Y%m%d-%H%M%S") + (".png" if mime == "image/png" else ".jpg")
    return IncomingFile(file_id=url, name=name, mime=mime, size=None)


def _moment(value: Any) -> datetime:
    """Zalo dates are epoch milliseconds (sometimes as a string)."""
    try:
        milliseconds = int(value)
    except (TypeError, ValueError):
        return datetime.now(UTC)
    if milliseconds < 10_000_000_000:  # seconds, despite the docs
        milliseconds *= 1000
    try:
        return datetime.fromtimestamp(milliseconds / 1000, tz=UTC)
    except (OverflowError, ValueError, OSError):  # a date no calendar has (1e20): the moment it arrived
        return datetime.now(UTC)
