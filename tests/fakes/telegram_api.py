"""A fake Telegram Bot API on loopback HTTP, for end-to-end tests and benchmarks.

It speaks the wire format: python-telegram-bot posts form-encoded bodies (JSON-encoded values for
objects such as reply_markup) or multipart for files; replies are `{"ok": true, "result": …}`
shaped like the real objects. It keeps an update queue (long-polled by getUpdates, or pushed to a
webhook with the secret header), a log of everything the bot sent, and can inject 429 with
retry_after, 5xx, timeouts, "bot was blocked" and rate limits (global and per chat).

Files people send (documents, photos) are held as Telegram's servers hold them: a message carries only
`file_id`s; `getFile` answers a `file_path` (or refuses files over the 20 MB download limit), and the
bytes are then fetched with `GET /file/bot<token>/<file_path>`.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import random
import re
import time
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from tests.fakes import serve_locally

JSON_FIELDS = {"reply_markup", "commands", "scope", "allowed_updates", "entities", "link_preview_options",
               "reply_parameters", "caption_entities"}


# Bots may download files of up to 20 MB; telegram-bot-api's Client.h has MAX_DOWNLOAD_FILE_SIZE = 20 << 20.
MAX_DOWNLOAD = 20 << 20
# The longest side of each smaller copy Telegram makes of a photo, smallest first (its s, m, x, y sizes).
PHOTO_BOXES = (90, 320, 800, 1280)
# Stands in for a JPEG when a test does not care about a photo's bytes: JPEG's start and end markers
# around a label, enough for a magic-number check but not decodable.
PLACEHOLDER_JPEG = b"\xff\xd8\xff\xe0 fake photo \xff\xd9"
WELL_FORMED_TOKEN = re.compile(r"\d+:[\w-]+")


@dataclass
class StoredFile:
    """A file held for a `file_id`. `size` is what Telegram reports and may exceed `len(content)`, so a
    "21 MB" file costs a few bytes; `file_path` is handed out by the first getFile, as Telegram does."""
    file_id: str
    file_unique_id: str
    content: bytes
    size: int
    folder: str  # documents | photos
    extension: str
    file_path: str = ""


@dataclass
class Sent:
    method: str
    chat_id: str
    text: str
    message_id: int
    params: dict[str, Any]
    at: float

    @property
    def buttons(self) -> list[tuple[str, str]]:
        markup = self.params.get("reply_markup") or {}
        return [(b["text"], b.get("callback_data", "")) for row in markup.get("inline_keyboard", []) for b in row]


@dataclass
class Fault:
    method: str
    kind: str  # 429 | 500 | 502 | timeout | blocked
    count: int = 1
    retry_after: int = 1


@dataclass
class FakeTelegram:
    token: str = "123456:TEST-token"
    bot_id: int = 123456
    username: str = "nhacviec_test_bot"
    updates: list[dict[str, Any]] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    commands: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    webhook_url: str = ""
    webhook_secret: str = ""
    faults: list[Fault] = field(default_factory=list)
    error_rate: float = 0.0  # share of send calls answered 5xx
    timeout_rate: float = 0.0  # share of send calls that hang past the client's timeout (after delivering)
    timeout_seconds: float = 30.0
    timeout_delivers: bool = True  # a timed-out send did arrive: the worst case for duplicates
    global_rate: float | None = None  # messages per second, enforced with 429
    per_chat_interval: float | None = None  # seconds between messages to one chat, enforced with 429
    blocked_chats: set[str] = field(default_factory=set)
    status_counts: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    seed: int = 7
    files: dict[str, StoredFile] = field(default_factory=dict)  # by file_id

    def __post_init__(self) -> None:
        self._next_update = 1
        self._next_message = 1000
        self._new_update = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._random = random.Random(self.seed)
        self._window: deque[float] = deque()
        self._last_to_chat: dict[str, float] = {}
        self.port = 0
        self.sent_event = asyncio.Event()
        self._queued_at: list[tuple[str, float]] = []
        self.timed_out: list[int] = []  # message ids of sends the bot saw time out
        self._current_params: dict[str, Any] = {}
        self._scripts: dict[str, deque[str]] = {}
        self._next_file = 0
        self._by_path: dict[str, StoredFile] = {}

    # -- server ---------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """What the bot is configured with (NHACVIEC_TELEGRAM_API_URL)."""
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> FakeTelegram:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._dispatch)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._download)
        # Control from another process (benchmarks run the fake apart from the bot under test).
        app.router.add_post("/_fake/messages", self._admin_messages)
        app.router.add_post("/_fake/script", self._admin_script)
        app.router.add_get("/_fake/stats", self._admin_stats)
        app.router.add_post("/_fake/reset", self._admin_reset)
        self._runner, self.port = await serve_locally(app)
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- what tests do --------------------------------------------------------------------------

    def message(self, user_id: int, text: str, *, chat_id: int | None = None, name: str = "Nguyễn Văn An",
                reply_to: int | None = None, chat_type: str = "private") -> dict[str, Any]:
        """Queue a text message from a person; returns the update."""
        message = self._from_person(user_id, chat_id, name, reply_to, chat_type)
        message["text"] = text
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return self._queue({"message": message})

    def document(self, user_id: int, content: bytes, *, file_name: str, mime_type: str, caption: str | None = None,
                 chat_id: int | None = None, reply_to: int | None = None, size: int | None = None,
                 name: str = "Nguyễn Văn An", chat_type: str = "private") -> dict[str, Any]:
        """Queue a file sent as a document (PDF, docx, xlsx, or a photo sent "as file"); returns the update.

        The message carries `document {file_id, file_unique_id, file_name, mime_type, file_size}` and,
        when given, `caption`; the bytes are fetched with getFile and the download route. `size`
        overrides the reported size, e.g. to test the 20 MB download limit without allocating it."""
        stored = self._store(content, "documents", _extension(file_name), "document", size)
        message = self._from_person(user_id, chat_id, name, reply_to, chat_type)
        message["document"] = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                               "file_name": file_name, "mime_type": mime_type, "file_size": stored.size}
        if caption is not None:
            message["caption"] = caption
        return self._queue({"message": message})

    def photo(self, user_id: int, content: bytes = PLACEHOLDER_JPEG, *, width: int = 1280, height: int = 960,
              caption: str | None = None, chat_id: int | None = None, reply_to: int | None = None,
              size: int | None = None, name: str = "Nguyễn Văn An", chat_type: str = "private") -> dict[str, Any]:
        """Queue a photo (sent compressed, not as a file); returns the update.

        Telegram keeps a photo as several JPEG sizes and the message lists them all as `PhotoSize
        {file_id, file_unique_id, width, height, file_size}`, smallest first: 90, 320, 800 and 1280 px on
        the longest side where the photo is bigger than that, then the photo itself. `content` is what
        the last (largest) one downloads; each smaller one downloads its own stand-in bytes, so a bot
        that takes `photo[0]` gets something else. `width`/`height` are the largest size's."""
        longest = max(width, height)
        # Each smaller copy's bytes name the original, so the same photo sent twice has the same copies.
        digest = hashlib.sha256(content).hexdigest()[:16]
        sizes = []
        for box in PHOTO_BOXES:
            if longest > box:
                w, h = max(1, round(width * box / longest)), max(1, round(height * box / longest))
                copy = PLACEHOLDER_JPEG[:4] + f" {w}x{h} copy of {digest} ".encode() + PLACEHOLDER_JPEG[-2:]
                sizes.append((self._store(copy, "photos", ".jpg", f"photo:{w}x{h}"), w, h))
        sizes.append((self._store(content, "photos", ".jpg", f"photo:{width}x{height}", size), width, height))
        message = self._from_person(user_id, chat_id, name, reply_to, chat_type)
        message["photo"] = [{"file_id": s.file_id, "file_unique_id": s.file_unique_id, "width": w, "height": h,
                             "file_size": s.size} for s, w, h in sizes]
        if caption is not None:
            message["caption"] = caption
        return self._queue({"message": message})

    def press(self, user_id: int, data: str, *, message_id: int, chat_id: int | None = None,
              chat_type: str = "private") -> dict[str, Any]:
        """Queue a button press (callback query) on one of the bot's messages. Telegram does not sign
        `data`: a client can send any string, on any message it can see (in a group, everyone's)."""
        chat = chat_id if chat_id is not None else user_id
        return self._queue({"callback_query": {
            "id": str(self._message_id()), "chat_instance": "1", "data": data,
            "from": {"id": user_id, "is_bot": False, "first_name": "x"},
            "message": {"message_id": message_id, "date": int(time.time()), "text": "…",
                        "chat": {"id": chat, "type": chat_type,
                                 **({"first_name": "x"} if chat_type == "private" else {"title": "Nhóm"})},
                        "from": {"id": self.bot_id, "is_bot": True, "first_name": "Bot"}}}})

    def to_chat(self, chat_id: int | str) -> list[Sent]:
        return [s for s in self.sent if s.chat_id == str(chat_id)]

    async def wait_sent(self, count: int, within: float = 10.0, chat_id: int | str | None = None) -> list[Sent]:
        """Wait until `count` messages have been sent (to `chat_id`, if given)."""
        deadline = time.monotonic() + within
        while True:
            found = self.to_chat(chat_id) if chat_id is not None else self.sent
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} messages, got {len(found)}: {[s.text[:60] for s in found]}")
            self.sent_event.clear()
            with _suppress_timeout():
                await asyncio.wait_for(self.sent_event.wait(), timeout=0.2)

    async def push_to_webhook(self, update: dict[str, Any], url: str, secret: str | None = None) -> int:
        """Deliver one update the way Telegram does in webhook mode; returns the HTTP status."""
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        async with aiohttp.ClientSession() as session, session.post(url, json=update, headers=headers) as response:
            return response.status

    def latencies(self) -> list[float]:
        """Seconds from each queued message to the bot's reply, pairing them in order per chat."""
        queued: dict[str, list[float]] = defaultdict(list)
        for chat_id, at in self._queued_at:
            queued[chat_id].append(at)
        replies: dict[str, list[float]] = defaultdict(list)
        for sent in self.sent:
            replies[sent.chat_id].append(sent.at)
        return [r - q for chat, times in queued.items() for q, r in zip(times, replies.get(chat, []), strict=False)]

    async def _admin_messages(self, request: web.Request) -> web.Response:
        """Queue many text messages at once: [{"user_id": 1, "text": "…"}, …]."""
        for item in await request.json():
            self.message(int(item["user_id"]), item["text"], name=item.get("name", "Người dùng"))
        return web.json_response({"queued": len(self._queued_at)})

    async def _admin_script(self, request: web.Request) -> web.Response:
        """Closed-loop users: {"<user id>": ["first text", "second text", …]}. Each user's next text is
        queued when the bot answers the previous one, as a person waiting for the reply would."""
        script = await request.json()
        for user_id, texts in script.items():
            self._scripts[str(user_id)] = deque(texts)
        for user_id in script:
            self._next_scripted(str(user_id))
        return web.json_response({"users": len(script)})

    def _next_scripted(self, chat_id: str) -> None:
        texts = self._scripts.get(chat_id)
        if texts:
            self.message(int(chat_id), texts.popleft())

    async def _admin_stats(self, request: web.Request) -> web.Response:
        times = [s.at for s in self.sent]
        return web.json_response({
            "sent": len(self.sent), "first_queued": self._queued_at[0][1] if self._queued_at else None,
            "last_sent": max(times) if times else None, "latencies": self.latencies(),
            "statuses": dict(self.status_counts), "texts": [s.text[:80] for s in self.sent[:3]],
            "calls": Counter(method for method, _params in self.calls),
            "first_lines": Counter(s.text.split("\n")[0][:50] for s in self.sent).most_common(8)})

    async def _admin_reset(self, request: web.Request) -> web.Response:
        self.calls.clear()
        self.sent.clear()
        self.updates.clear()
        self._queued_at.clear()
        self._scripts.clear()
        self.status_counts.clear()
        self.files.clear()
        self._by_path.clear()
        return web.json_response({"ok": True})

    # -- internals ------------------------------------------------------------------------------

    def _message_id(self) -> int:
        self._next_message += 1
        return self._next_message

    def _from_person(self, user_id: int, chat_id: int | None, name: str, reply_to: int | None,
                     chat_type: str) -> dict[str, Any]:
        """What every message a person sends has: ids, date, chat, sender, and the message it answers."""
        chat = chat_id if chat_id is not None else user_id
        self._queued_at.append((str(chat), time.monotonic()))
        message: dict[str, Any] = {
            "message_id": self._message_id(), "date": int(time.time()),
            "chat": {"id": chat, "type": chat_type, **({"first_name": name} if chat_type == "private"
                                                       else {"title": "Nhóm"})},
            "from": {"id": user_id, "is_bot": False, "first_name": name},
        }
        if reply_to is not None:
            message["reply_to_message"] = {"message_id": reply_to, "date": int(time.time()),
                                           "chat": message["chat"], "text": "…",
                                           "from": {"id": self.bot_id, "is_bot": True, "first_name": "Bot"}}
        return message

    def _store(self, content: bytes, folder: str, extension: str, kind: str, size: int | None = None) -> StoredFile:
        """Hold `content` under a fresh file_id. Its file_unique_id depends only on the content and on
        what Telegram made of it (`kind`: a document, or one size of a photo): the same file sent twice
        has one file_unique_id and two file_ids, which is what lets a bot spot duplicates."""
        self._next_file += 1
        unique = "AgAD" + _b64(hashlib.sha256(kind.encode() + b"\0" + content).digest())[:12]
        prefix = "BQACAgIAAxkB" if folder == "documents" else "AgACAgIAAxkB"  # as real ids of each kind begin
        file_id = prefix + _b64(hashlib.sha256(f"{self._next_file}:{unique}".encode()).digest())[:48]
        stored = StoredFile(file_id, unique, content, len(content) if size is None else size, folder, extension)
        self.files[file_id] = stored
        return stored

    def _queue(self, body: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": self._next_update, **body}
        self._next_update += 1
        self.updates.append(update)
        self._new_update.set()
        return update

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return await request.json()
        if request.content_type.startswith("multipart/"):
            params: dict[str, Any] = {}
            async for part in await request.multipart():
                if part.filename:  # the bytes too, so that a test can open the workbook the bot sent
                    content = bytes(await part.read())
                    params[part.name] = {"filename": part.filename, "size": len(content), "content": content}
                else:
                    params[part.name] = await part.text()
        else:
            params = dict(await request.post())
        for key in list(params):
            if key in JSON_FIELDS and isinstance(params[key], str):
                params[key] = json.loads(params[key])
        return params

    def _answer(self, result: Any = True, status: int = 200, **extra: Any) -> web.Response:
        self.status_counts[status] += 1
        body = {"ok": True, "result": result} if status == 200 else {"ok": False, "error_code": status, **extra}
        return web.json_response(body, status=status)

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return self._answer(status=401, description="Unauthorized")
        method = request.match_info["method"]
        params = await self._params(request)
        self.calls.append((method, params))
        self._current_params = params
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return self._answer(status=404, description=f"Not Found: method {method} not emulated")
        chat_id = str(params.get("chat_id"))
        for fault in self.faults:
            if fault.method in (method, "*") and fault.count > 0:
                fault.count -= 1
                return await self._fault(fault.kind, fault.retry_after, method, chat_id)
        if method in ("sendMessage", "sendDocument", "sendPhoto"):
            refused = await self._inject(method, chat_id)
            if refused is not None:
                return refused
        return await handler(params)

    async def _inject(self, method: str, chat_id: str) -> web.StreamResponse | None:
        """The platform's limits and random trouble, for sends."""
        if chat_id in self.blocked_chats:
            return self._answer(status=403, description="Forbidden: bot was blocked by the user")
        now = time.monotonic()
        if self.per_chat_interval is not None:
            last = self._last_to_chat.get(chat_id)
            if last is not None and now - last < self.per_chat_interval:
                return self._answer(status=429, description="Too Many Requests: retry after 1",
                                    parameters={"retry_after": 1})
        if self.global_rate is not None:
            while self._window and now - self._window[0] > 1.0:
                self._window.popleft()
            if len(self._window) >= self.global_rate:
                return self._answer(status=429, description="Too Many Requests: retry after 1",
                                    parameters={"retry_after": 1})
        roll = self._random.random()
        if roll < self.error_rate:
            return self._answer(status=502, description="Bad Gateway")
        if roll < self.error_rate + self.timeout_rate:
            return await self._fault("timeout", 0, method, chat_id)
        return None

    async def _fault(self, kind: str, retry_after: int, method: str, chat_id: str) -> web.StreamResponse:
        if kind == "429":
            return self._answer(status=429, description=f"Too Many Requests: retry after {retry_after}",
                                parameters={"retry_after": retry_after})
        if kind == "blocked":
            return self._answer(status=403, description="Forbidden: bot was blocked by the user")
        if kind == "timeout":
            if self.timeout_delivers and method == "sendMessage":
                params = self._current_params
                self.timed_out.append(self._record(method, params, str(params.get("text", "")))["message_id"])
            await asyncio.sleep(self.timeout_seconds)
            return self._answer(status=504, description="Gateway Timeout")
        return self._answer(status=int(kind), description="Internal Server Error")

    def _record(self, method: str, params: dict[str, Any], text: str) -> dict[str, Any]:
        chat_id = str(params.get("chat_id"))
        now = time.monotonic()
        self._window.append(now)
        self._last_to_chat[chat_id] = now
        message_id = self._message_id()
        self.sent.append(Sent(method, chat_id, text, message_id, params, now))
        self.sent_event.set()
        self._next_scripted(chat_id)
        chat_type = "private" if not chat_id.startswith("-") else "group"
        return {"message_id": message_id, "date": int(time.time()), "text": text,
                "chat": {"id": int(chat_id), "type": chat_type},
                "from": {"id": self.bot_id, "is_bot": True, "first_name": "Nhắc việc", "username": self.username}}

    # -- methods --------------------------------------------------------------------------------

    async def _m_getMe(self, params: dict[str, Any]) -> web.Response:
        return self._answer({"id": self.bot_id, "is_bot": True, "first_name": "Nhắc việc", "username": self.username,
                             "can_join_groups": True, "can_read_all_group_messages": False,
                             "supports_inline_queries": False})

    async def _m_getUpdates(self, params: dict[str, Any]) -> web.Response:
        if self.webhook_url:
            return self._answer(status=409, description="Conflict: can't use getUpdates method while webhook is "
                                                        "active; use deleteWebhook to delete the webhook first")
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        while not self.updates and time.monotonic() < deadline:
            self._new_update.clear()
            with _suppress_timeout():
                await asyncio.wait_for(self._new_update.wait(), timeout=max(0.0, deadline - time.monotonic()))
        limit = int(params.get("limit") or 100)
        return self._answer(self.updates[:limit])

    async def _m_sendMessage(self, params: dict[str, Any]) -> web.Response:
        text = str(params.get("text", ""))
        if not text.strip():
            return self._answer(status=400, description="Bad Request: message text is empty")
        if len(text) > 4096:
            return self._answer(status=400, description="Bad Request: message is too long")
        for row in (params.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                if len(button.get("callback_data", "").encode()) > 64:
                    return self._answer(status=400, description="Bad Request: BUTTON_DATA_INVALID")
        return self._answer(self._record("sendMessage", params, text))

    async def _m_sendDocument(self, params: dict[str, Any]) -> web.Response:
        result = self._record("sendDocument", params, str(params.get("caption", "")))
        document = params.get("document") or {}
        result["document"] = {"file_id": "doc", "file_unique_id": "doc",
                              "file_name": document.get("filename", "") if isinstance(document, dict) else ""}
        return self._answer(result)

    async def _m_sendPhoto(self, params: dict[str, Any]) -> web.Response:
        result = self._record("sendPhoto", params, str(params.get("caption", "")))
        result["photo"] = [{"file_id": "ph", "file_unique_id": "ph", "width": 10, "height": 10}]
        return self._answer(result)

    async def _m_sendChatAction(self, params: dict[str, Any]) -> web.Response:
        return self._answer(True)

    async def _m_answerCallbackQuery(self, params: dict[str, Any]) -> web.Response:
        return self._answer(True)

    async def _m_editMessageReplyMarkup(self, params: dict[str, Any]) -> web.Response:
        return self._answer(True)

    async def _m_setMyCommands(self, params: dict[str, Any]) -> web.Response:
        scope = params.get("scope") or {"type": "default"}
        key = scope["type"] + (f":{scope['chat_id']}" if "chat_id" in scope else "")
        self.commands[key] = params.get("commands") or []
        return self._answer(True)

    async def _m_deleteMyCommands(self, params: dict[str, Any]) -> web.Response:
        return self._answer(True)

    async def _m_setWebhook(self, params: dict[str, Any]) -> web.Response:
        self.webhook_url = str(params.get("url", ""))
        self.webhook_secret = str(params.get("secret_token", ""))
        return self._answer(True)

    async def _m_deleteWebhook(self, params: dict[str, Any]) -> web.Response:
        self.webhook_url = self.webhook_secret = ""
        return self._answer(True)

    async def _m_getWebhookInfo(self, params: dict[str, Any]) -> web.Response:
        return self._answer({"url": self.webhook_url, "has_custom_certificate": False, "pending_update_count": 0})

    async def _m_close(self, params: dict[str, Any]) -> web.Response:
        return self._answer(True)

    async def _m_getFile(self, params: dict[str, Any]) -> web.Response:
        """File info and a `file_path` to download it from; refused over the 20 MB download limit."""
        stored = self.files.get(str(params.get("file_id") or ""))
        if stored is None:
            return self._answer(status=400, description="Bad Request: invalid file_id")
        if stored.size > MAX_DOWNLOAD:
            return self._answer(status=400, description="Bad Request: file is too big")
        if not stored.file_path:  # numbered per bot in the order asked for, e.g. documents/file_108.pdf
            stored.file_path = f"{stored.folder}/file_{len(self._by_path)}{stored.extension}"
            self._by_path[stored.file_path] = stored
        return self._answer({"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                             "file_size": stored.size, "file_path": stored.file_path})

    async def _download(self, request: web.Request) -> web.Response:
        """`GET /file/bot<token>/<file_path>`: the bytes of a file whose path getFile handed out.
        Recorded in `calls` as ("download", {"file_path": …})."""
        token, path = request.match_info["token"], request.match_info["file_path"]
        if token != self.token:
            # Telegram answers 404 to a malformed token and 401 to a well-formed one it does not know.
            if WELL_FORMED_TOKEN.fullmatch(token):
                return self._answer(status=401, description="Unauthorized")
            return self._answer(status=404, description="Not Found")
        self.calls.append(("download", {"file_path": path}))
        stored = self._by_path.get(path)
        if stored is None:
            return self._answer(status=404, description="Not Found")
        self.status_counts[200] += 1
        return web.Response(body=stored.content, content_type="application/octet-stream")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _extension(file_name: str) -> str:
    """Telegram keeps a document's extension in its file_path (documents/file_3.pdf)."""
    suffix = file_name.rsplit(".", 1)[-1] if "." in file_name else ""
    return f".{suffix}" if suffix.isalnum() else ""


class _suppress_timeout:
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, value, traceback) -> bool:
        return kind is not None and issubclass(kind, asyncio.TimeoutError)
