"""Telegram through python-telegram-bot: updates in, replies out, nothing else.

Updates become `Incoming`; `Reply` objects become messages, with options as inline keyboards
(callback data ≤ 64 bytes), text split at 4096 characters on line boundaries, attachments as
documents. Polling and webhook modes; in webhook mode the shared aiohttp server (bot/webhook.py)
verifies the secret header and feeds the update queue. Network errors are retried or logged,
never allowed to stop the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Sequence
from datetime import UTC, datetime
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    ContextTypes,
    TypeHandler,
)
from telegram.request import HTTPXRequest

from bot.channels import ChannelRejected, Reconnecting, Unreachable
from bot.channels.chunks import split_text
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
    Outcome,
    Reply,
    Sent,
)

log = logging.getLogger(__name__)

MAX_TEXT = 4096
MAX_CALLBACK = 64
SEND_ATTEMPTS = 3
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.options:
        return None
    buttons = []
    for option in reply.options:
        if len(option.value.encode()) > MAX_CALLBACK:
            raise ValueError(f"callback data over {MAX_CALLBACK} bytes: {option.value!r}")
        buttons.append(InlineKeyboardButton(option.label[:60], callback_data=option.value))
    columns = max(1, reply.columns)
    return InlineKeyboardMarkup([buttons[i:i + columns] for i in range(0, len(buttons), columns)])


# Updates of different chats handled at once, and the HTTP connections their replies share. Sixteen
# connections carry far more than Telegram's 30 messages/s at a few hundred ms a call; more made
# httpcore rescan every open connection for each request: with 64, the same echo bot swung between
# 420 and 630 updates/s from run to run, with 16 it holds ~600 (bench/updates.py).
CONCURRENT_UPDATES = 64
CONNECTIONS = 16


def _delivery_error(error: TelegramError) -> Exception:
    """What a Bot API error means for a message: refused for good (blocked, chat gone, user deactivated),
    to retry later (rate limit, 5xx, connection), of unknown outcome (timed out), or a bug (the rest)."""
    if isinstance(error, Forbidden) or (isinstance(error, BadRequest) and _gone(error)):
        return DeliveryRefused(str(error))
    if isinstance(error, RetryAfter):
        return DeliveryRetry("rate limited", _seconds(error.retry_after))
    if isinstance(error, TimedOut):
        return DeliveryUnknown(str(error))
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):  # 5xx, connection trouble
        return DeliveryRetry(str(error) or type(error).__name__)
    return error


class TelegramChannel:
    channel = "telegram"

    def __init__(self, token: str, api_url: str, handlers: Dispatcher, *, webhook: bool = False,
                 read_timeout: float = 10.0, poll_timeout: int = 20, rate_limit: bool = True) -> None:
        self.handlers = handlers
        self.connection = Reconnecting("Telegram", self._connect)
        self.webhook = webhook
        self.poll_timeout = poll_timeout
        builder: ApplicationBuilder = (
            Application.builder().token(token).base_url(api_url)
            .base_file_url(api_url.replace("/bot", "/file/bot"))
            .request(HTTPXRequest(connection_pool_size=CONNECTIONS, read_timeout=read_timeout,
                                  write_timeout=read_timeout, connect_timeout=5.0, pool_timeout=5.0))
            .get_updates_request(HTTPXRequest(read_timeout=poll_timeout + 10, connect_timeout=5.0))
            # Updates of different chats are handled concurrently, those of one chat in order.
            .concurrent_updates(PerChatOrder(CONCURRENT_UPDATES))
        )
        if rate_limit:  # Telegram's own limits; only a benchmark of our handling cost turns this off
            builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
        if webhook:
            builder = builder.updater(None)
        self.application = builder.build()
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)

    @property
    def bot(self):
        return self.application.bot

    @property
    def username(self) -> str | None:
        return self.application.bot.username if self.connection.connected else None

    async def start(self, *, receive: bool = True) -> None:
        """Connect (getMe), publish the default command menu, start receiving updates (polling mode).
        With `receive=False` only sending works: another process may be the one polling.

        A token the platform refuses raises ChannelRejected. An API that cannot be reached is retried in
        the background (said once per change of state); the other channels do not wait for it."""
        self._receive = receive
        await self.connection.start()

    async def _connect(self) -> None:
        try:
            await self.application.initialize()
        except InvalidToken:
            raise ChannelRejected(_("Telegram từ chối token (401) — kiểm tra NHACVIEC_TELEGRAM_TOKEN")) from None
        except NetworkError as error:  # TimedOut included; `from None`: PTB's errors may quote the URL
            raise Unreachable(type(error).__name__) from None
        if not self._receive:
            return
        await self.set_default_menu()
        await self.application.start()
        if not self.webhook and self.application.updater is not None:
            await self.application.updater.start_polling(
                timeout=self.poll_timeout, allowed_updates=["message", "callback_query"], drop_pending_updates=False,
                error_callback=self._polling_error)
        log.info("telegram: connected as @%s (%s mode)", self.application.bot.username,
                 "webhook" if self.webhook else "polling")

    def _polling_error(self, error: TelegramError) -> None:
        """PTB's own retry loop keeps polling; one line per kind of trouble, no traceback."""
        self.connection.trouble(f"getUpdates: {type(error).__name__}")

    async def stop(self) -> None:
        await self.connection.stop()
        with contextlib.suppress(Exception):
            if self.application.updater is not None and self.application.updater.running:
                await self.application.updater.stop()
        with contextlib.suppress(Exception):
            if self.application.running:
                await self.application.stop()
        await self.application.shutdown()

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.application.bot.set_webhook(url=url, secret_token=secret,
                                               allowed_updates=["message", "callback_query"])

    async def feed(self, data: object) -> None:
        """An update received by the webhook server; ValueError if the body is not one."""
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            raise ValueError("not a Telegram update")
        try:
            update = Update.de_json(data, self.application.bot)
        except (TypeError, KeyError, AttributeError, ValueError, OverflowError) as error:  # e.g. a date of 1e20
            raise ValueError(f"not a Telegram update ({type(error).__name__})") from None
        await self.application.update_queue.put(update)

    # -- incoming --------------------------------------------------------------------------------

    async def _on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        incoming, query_message = self.to_incoming(update)
        if incoming is None:
            if update.effective_message is not None and update.effective_chat is not None \
                    and update.effective_chat.type == "private":
                await self._send_all(str(update.effective_chat.id), [Reply(_(
                    "Bot chỉ nhận tin nhắn văn bản, tệp và ảnh. Vui lòng gõ nội dung, ví dụ /baocao hoặc /trogiup."))])
            return
        if update.callback_query is not None:
            with contextlib.suppress(TelegramError):
                await update.callback_query.answer()
            if query_message is not None:  # a pressed keyboard is spent: remove it
                with contextlib.suppress(TelegramError):
                    await query_message.edit_reply_markup(reply_markup=None)
        outcome = await self.handlers.handle(incoming, files=self)
        await self._send_all(incoming.chat_id, outcome.replies)
        await self._update_menu(incoming.chat_id, outcome)

    def to_incoming(self, update: Update) -> tuple[Incoming | None, Message | None]:
        query = update.callback_query
        if query is not None:
            message = query.message if isinstance(query.message, Message) else None
            chat = message.chat if message else None
            user = query.from_user
            return Incoming(
                channel="telegram", chat_id=str(chat.id if chat else user.id), user_id=str(user.id),
                display_name=user.full_name, username=user.username or "", choice=query.data or "",
                chat_type="private" if chat is None or chat.type == "private" else "group",
                at=datetime.now(UTC), message_id=str(message.message_id) if message else None,
                update_id=str(update.update_id)), message
        message = update.message
        if message is None or message.from_user is None:
            return None, None
        attachment = _attachment(message)
        if message.text is None and attachment is None:
            return None, None
        # A file's caption is what the person typed with it (the dispatcher runs a command written there).
        text = message.text if message.text is not None else (message.caption or "") if attachment else ""
        if message.from_user.is_bot or not self._addressed_to_us(text):
            return None, None
        reply_to = message.reply_to_message
        return Incoming(
            channel="telegram", chat_id=str(message.chat.id), user_id=str(message.from_user.id),
            display_name=message.from_user.full_name, username=message.from_user.username or "",
            text=text, attachment=attachment,
            chat_type="private" if message.chat.type == "private" else "group",
            at=message.date.astimezone(UTC) if message.date else datetime.now(UTC),
            message_id=str(message.message_id), update_id=str(update.update_id),
            reply_to_message_id=str(reply_to.message_id) if reply_to is not None else None), None

    async def fetch(self, file: IncomingFile, limit: int) -> bytes:
        """A file a person sent: getFile (which refuses past Telegram's 20 MB), then the download."""
        try:
            info = await self.application.bot.get_file(file.file_id)
            if info.file_size is not None and info.file_size > limit:
                raise FileTooBig(file.name)
            content = bytes(await info.download_as_bytearray())
        except BadRequest as error:
            if "too big" in str(error).lower():
                raise FileTooBig(file.name) from None
            raise FileUnavailable(type(error).__name__) from None
        except TelegramError as error:  # `from None`: PTB's errors may quote the URL, and so the token
            raise FileUnavailable(type(error).__name__) from None
        if len(content) > limit:
            raise FileTooBig(file.name)
        return content

    def _addressed_to_us(self, text: str) -> bool:
        """`/bc@OtherBot …` in a group is another bot's command, not ours."""
        head = text.split(maxsplit=1)[0] if text.startswith("/") else ""
        if "@" not in head:
            return True
        mention = head.split("@", 1)[1]
        return bool(self.username) and mention.lower() == (self.username or "").lower()

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.warning("telegram: error while processing an update: %r", context.error,
                    exc_info=not isinstance(context.error, NetworkError))

    # -- outgoing --------------------------------------------------------------------------------

    async def send(self, chat_id: str, reply: Reply) -> Sent:
        """Send one reply, retrying what surely did not arrive; returns the id of the message that
        carries the buttons (the one a person replies to)."""
        return await self._send(chat_id, reply, self._retrying)

    async def deliver(self, chat_id: str, reply: Reply) -> Sent:
        """For the outbox: one attempt; the dispatcher decides about retries (Sender protocol)."""
        return await self._send(chat_id, reply, self._once)

    async def _send(self, chat_id: str, reply: Reply, call) -> Sent:
        if not self.connection.connected:
            raise DeliveryRetry("telegram: not connected")
        anchor: Message | None = None
        if reply.text:
            chunks = split_text(reply.text, MAX_TEXT)
            preview = None if reply.link_preview else NO_PREVIEW
            for index, chunk in enumerate(chunks):
                markup = keyboard(reply) if index == len(chunks) - 1 else None
                anchor = await call(self.application.bot.send_message, chat_id=chat_id, text=chunk,
                                    reply_markup=markup, link_preview_options=preview)
        if reply.attachment is not None:
            attachment = reply.attachment
            caption = attachment.caption[:1000] or None
            if attachment.mime == "image/png" and not attachment.as_file:
                sent = await call(self.application.bot.send_photo, chat_id=chat_id, photo=attachment.content,
                                  caption=caption)
            else:
                sent = await call(self.application.bot.send_document, chat_id=chat_id, document=attachment.content,
                                  filename=attachment.filename, caption=caption)
            anchor = anchor or sent
        assert anchor is not None
        return Sent(str(anchor.message_id))

    @staticmethod
    async def _once(method, **kwargs):
        """One attempt, its failure said in the outbox's terms (models.chat Delivery*)."""
        try:
            return await method(**kwargs)
        except TelegramError as error:
            mapped = _delivery_error(error)
            if mapped is error:
                raise
            raise mapped from error

    async def _send_all(self, chat_id: str, replies: Sequence[Reply]) -> None:
        for reply in replies:
            try:
                await self.send(chat_id, reply)
            except DeliveryRefused:
                log.info("telegram: chat %s cannot be written to", chat_id)
                return
            except TelegramError as error:
                log.warning("telegram: reply to %s not delivered: %r", chat_id, error)
                return

    async def _retrying(self, method, **kwargs):
        """Retry what surely did not arrive (connection failures, 5xx); a timeout may have arrived, so
        it is not repeated for replies. RetryAfter is handled by the rate limiter."""
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                return await method(**kwargs)
            except (Forbidden, BadRequest) as error:  # the same refusals as one attempt (_delivery_error)
                mapped = _delivery_error(error)
                if isinstance(mapped, DeliveryRefused):
                    raise mapped from error
                raise
            except RetryAfter as error:
                if attempt == SEND_ATTEMPTS:
                    raise
                await asyncio.sleep(_seconds(error.retry_after))
            except TimedOut:
                raise
            except NetworkError:
                if attempt == SEND_ATTEMPTS:
                    raise
                await asyncio.sleep(0.5 * 2 ** (attempt - 1))
        raise AssertionError("unreachable")

    async def set_default_menu(self) -> None:
        """The menu strangers see; registered people get their own (per chat) when they join."""
        commands = [(c.name, c.help) for c in self.handlers.commands_for(frozenset())]
        try:
            await self.application.bot.set_my_commands(
                [BotCommand(name, _(description)[:256]) for name, description in commands],
                scope=BotCommandScopeAllPrivateChats())
        except TelegramError as error:  # a menu is a convenience: never fatal
            log.warning("telegram: setMyCommands (default) failed: %r", error)

    async def _update_menu(self, chat_id: str, outcome: Outcome) -> None:
        if outcome.menu is None:
            return
        try:
            await self.application.bot.set_my_commands(
                [BotCommand(name, description[:256]) for name, description in outcome.menu],
                scope=BotCommandScopeChat(int(chat_id)))
        except (TelegramError, ValueError) as error:
            log.warning("telegram: setMyCommands for %s failed: %r", chat_id, error)


class PerChatOrder(BaseUpdateProcessor):
    """Up to `limit` updates at once, but one at a time per chat, so that a person's answers are
    handled in the order they were typed."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self._locks: dict[object, asyncio.Lock] = {}
        self._waiting: dict[object, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = update.effective_chat.id if isinstance(update, Update) and update.effective_chat else None
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:  # forget idle chats
                del self._waiting[key]
                self._locks.pop(key, None)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


def _attachment(message: Message) -> IncomingFile | None:
    """A document, or the largest size of a photo (Telegram lists a photo's sizes smallest first)."""
    if message.document is not None:
        document = message.document
        return IncomingFile(file_id=document.file_id, name=document.file_name or "tep", mime=document.mime_type or "",
                            size=document.file_size)
    if message.photo:
        photo = message.photo[-1]
        moment = message.date.astimezone(UTC) if message.date else datetime.now(UTC)
        return IncomingFile(file_id=photo.file_id, name=f"anh-{moment:%Y%m%d-%H%M%S}.jpg", mime="image/jpeg",
                            size=photo.file_size)
    return None


def _gone(error: BadRequest) -> bool:
    """The chat cannot be written to any more (one mapping for replies and the outbox alike)."""
    text = str(error).lower()
    return "chat not found" in text or "user is deactivated" in text


def _seconds(delay: Any) -> float:
    return delay.total_seconds() if hasattr(delay, "total_seconds") else float(delay)
