"""A fake Zalo Bot Platform API on loopback HTTP (shared/research/zalo.md §1.7).

`POST /bot{token}/{method}` with JSON bodies; answers `{ok, result}` or `{ok: false, error_code,
description}`. `getUpdates` holds until an update is queued or its `timeout` passes, then answers one
update or error 408. `sendMessage` refuses more than 2,000 characters. Faults: 429, transient 403,
timeouts. Webhook mode: updates are POSTed to the bot with `X-Bot-Api-Secret-Token`, wrapped or flat.

Images people send arrive as `message.image.received` with a plain URL (`photo_url`, or `photo` in some
reports) and an optional `caption`; there is no getFile: the bot GETs the URL, which on Zalo points at its
CDN and needs no token. Here the URL points at this server, `GET /_files/<id>`.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Literal

import aiohttp
from aiohttp import web

from tests.fakes import serve_locally


@dataclass
class Sent:
    method: str
    chat_id: str
    text: str
    message_id: str
    params: dict[str, Any]
    at: float


@dataclass
class HostedFile:
    content: bytes
    mime_type: str


# Stands in for a JPEG when a test does not care about an image's bytes (not decodable).
PLACEHOLDER_JPEG = b"\xff\xd8\xff\xe0 fake photo \xff\xd9"
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp"}


@dataclass
class FakeZalo:
    token: str = "1234567890:zalo-secret-part"
    bot_id: str = "b0t1d0000000000000000"
    updates: deque = field(default_factory=deque)
    sent: list[Sent] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    webhook_url: str = ""
    webhook_secret: str = ""
    faults: list[tuple[str, int, int]] = field(default_factory=list)  # (method, error code, how many)
    status_counts: dict[int, int] = field(default_factory=dict)
    files: dict[str, HostedFile] = field(default_factory=dict)  # by the name in /_files/<name>

    def __post_init__(self) -> None:
        self._queued = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.sent_event = asyncio.Event()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> FakeZalo:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._dispatch)
        app.router.add_get("/_files/{name}", self._download)
        self._runner, self.port = await serve_locally(app)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what tests do ----------------------------------------------------------------------------

    def text(self, user_id: str, text: str, *, name: str = "Nguyễn Văn An", event: str = "message.text.received",
             message_id: str | None = None, is_bot: bool = False, chat_type: str = "PRIVATE") -> dict[str, Any]:
        """Queue a message (for polling); returns the update, e.g. to push it to a webhook."""
        update = self._envelope(user_id, event, name, message_id, is_bot, chat_type)
        if event == "message.text.received":
            update["message"]["text"] = text
        elif event == "message.image.received":
            update["message"]["photo_url"] = self.host(PLACEHOLDER_JPEG, "image/jpeg")
        return self._queue(update)

    def image(self, user_id: str, content: bytes, *, caption: str = "",
              name: str = "Nguyễn Văn An", spelling: Literal["photo_url", "photo"] = "photo_url",
              mime_type: str = "image/jpeg", message_id: str | None = None,
              chat_type: str = "PRIVATE") -> dict[str, Any]:
        """Queue an image a person sent; returns the update.

        `message.image.received` with the image's URL under `photo_url` or `photo` (both spellings are
        reported; research note §1.4) and `caption` when there is one. The URL serves `content`."""
        update = self._envelope(user_id, "message.image.received", name, message_id, False, chat_type)
        update["message"][spelling] = self.host(content, mime_type)
        if caption:
            update["message"]["caption"] = caption
        return self._queue(update)

    def host(self, content: bytes, mime_type: str = "application/octet-stream") -> str:
        """Serve `content` at a fresh URL on this server, as Zalo's CDN serves what people send."""
        name = secrets.token_hex(16) + EXTENSIONS.get(mime_type, "")
        self.files[name] = HostedFile(content, mime_type)
        return f"{self.base_url}/_files/{name}"

    def to_chat(self, chat_id: str) -> list[Sent]:
        return [s for s in self.sent if s.chat_id == chat_id]

    async def wait_sent(self, count: int, chat_id: str | None = None, within: float = 10.0) -> list[Sent]:
        deadline = time.monotonic() + within
        while True:
            found = self.to_chat(chat_id) if chat_id else self.sent
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} messages, got {[s.text[:60] for s in found]}")
            self.sent_event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.sent_event.wait(), timeout=0.2)

    async def push(self, body: Any, url: str, secret: str | None, *, raw: bytes | None = None) -> int:
        headers = {"X-Bot-Api-Secret-Token": secret} if secret is not None else {}
        async with aiohttp.ClientSession() as session:
            if raw is not None:
                async with session.post(url, data=raw, headers=headers) as response:
                    return response.status
            async with session.post(url, json=body, headers=headers) as response:
                return response.status

    def _envelope(self, user_id: str, event: str, name: str, message_id: str | None, is_bot: bool,
                  chat_type: str) -> dict[str, Any]:
        return {"event_name": event, "message": {
            "message_id": message_id or secrets.token_hex(10), "date": int(time.time() * 1000),
            "from": {"id": user_id, "display_name": name, "is_bot": is_bot},
            "chat": {"id": user_id, "chat_type": chat_type}}}

    def _queue(self, update: dict[str, Any]) -> dict[str, Any]:
        self.updates.append(update)
        self._queued.set()
        return update

    # -- the API ----------------------------------------------------------------------------------

    def _answer(self, result: Any = True, code: int = 0, description: str = "") -> web.Response:
        status = 200 if code == 0 else code
        self.status_counts[status] = self.status_counts.get(status, 0) + 1
        if code:
            return web.json_response({"ok": False, "error_code": code, "description": description})
        return web.json_response({"ok": True, "result": result})

    async def _dispatch(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._answer(code=401, description="Unauthorized")
        method = request.match_info["method"]
        try:
            params = await request.json()
        except ValueError:
            return self._answer(code=400, description="Bad Request: body is not JSON")
        self.calls.append((method, params))
        for index, (name, code, count) in enumerate(self.faults):
            if name == method and count > 0:
                self.faults[index] = (name, code, count - 1)
                return self._answer(code=code, description="Quota exceeded" if code == 429 else "Internal error")
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return self._answer(code=404, description="Not found")
        return await handler(params)

    async def _download(self, request: web.Request) -> web.Response:
        """`GET /_files/<name>`: a hosted file's bytes, no token needed (a CDN link). Recorded in
        `calls` as ("download", {"name": …})."""
        name = request.match_info["name"]
        self.calls.append(("download", {"name": name}))
        hosted = self.files.get(name)
        status = 200 if hosted is not None else 404
        self.status_counts[status] = self.status_counts.get(status, 0) + 1
        if hosted is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=hosted.content, content_type=hosted.mime_type)

    async def _m_getMe(self, params: dict[str, Any]) -> web.Response:
        return self._answer({"id": self.bot_id, "account_name": "bot.nhacviec", "account_type": "BASIC",
                             "can_join_groups": False})

    async def _m_getUpdates(self, params: dict[str, Any]) -> web.Response:
        if self.webhook_url:
            return self._answer(code=409, description="Conflict: webhook is active")
        hold = float(params.get("timeout") or 30)
        deadline = time.monotonic() + hold
        while not self.updates and time.monotonic() < deadline:
            self._queued.clear()
            try:
                await asyncio.wait_for(self._queued.wait(), timeout=max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                break
        if not self.updates:
            return self._answer(code=408, description="Request timeout")
        return self._answer(self.updates.popleft())  # one update per call

    async def _m_sendMessage(self, params: dict[str, Any]) -> web.Response:
        text = str(params.get("text", ""))
        if not text or len(text) > 2000:
            return self._answer(code=400, description="Bad Request: text must be 1-2000 characters")
        return self._record("sendMessage", params, text)

    async def _m_sendPhoto(self, params: dict[str, Any]) -> web.Response:
        if not str(params.get("photo", "")).startswith(("http://", "https://")):
            return self._answer(code=400, description="Bad Request: photo must be a URL")
        return self._record("sendPhoto", params, str(params.get("caption", "")))

    def _record(self, method: str, params: dict[str, Any], text: str) -> web.Response:
        message_id = secrets.token_hex(10)
        self.sent.append(Sent(method, str(params.get("chat_id")), text, message_id, params, time.monotonic()))
        self.sent_event.set()
        return self._answer({"message_id": message_id, "date": int(time.time() * 1000)})

    async def _m_sendChatAction(self, params: dict[str, Any]) -> web.Response:
        return self._answer(True)

    async def _m_setWebhook(self, params: dict[str, Any]) -> web.Response:
        url, secret = str(params.get("url", "")), str(params.get("secret_token", ""))
        if not url.startswith("https://") or not 8 <= len(secret) <= 256:
            return self._answer(code=400, description="Bad Request: https url and 8-256 character secret needed")
        self.webhook_url, self.webhook_secret = url, secret
        return self._answer({"url": url, "updated_at": int(time.time() * 1000)})

    async def _m_deleteWebhook(self, params: dict[str, Any]) -> web.Response:
        self.webhook_url = self.webhook_secret = ""
        return self._answer({"url": "", "updated_at": int(time.time() * 1000)})

    async def _m_getWebhookInfo(self, params: dict[str, Any]) -> web.Response:
        return self._answer({"url": self.webhook_url, "updated_at": int(time.time() * 1000)})
