"""The bot in a terminal: try everything without a Telegram or Zalo token (`nhacviec chat`)."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bot.channels.numbered import choice_for, render
from handlers.dispatcher import Dispatcher
from locales import _
from models.chat import FileTooBig, FileUnavailable, Incoming, IncomingFile, Reply, Sent

log = logging.getLogger(__name__)

QUIT = {"/quit", "/exit", "/thoat"}


class ConsoleChannel:
    channel = "console"

    def __init__(self, handlers: Dispatcher, *, user_id: str, name: str,
                 read: Callable[[str], str] = input, write: Callable[[str], None] = print) -> None:
        self.handlers = handlers
        self.user_id = user_id
        self.name = name
        self.read = read
        self.write = write
        self.last: Reply | None = None

    async def say(self, text: str) -> list[str]:
        """Handle one line as the console person; returns what the bot answered."""
        choice = choice_for(text, self.last)
        attachment = _attachment(text) if choice is None else None
        incoming = Incoming(channel="console", chat_id=self.user_id, user_id=self.user_id, display_name=self.name,
                            text="" if choice or attachment else text, choice=choice, attachment=attachment,
                            at=datetime.now(UTC))
        outcome = await self.handlers.handle(incoming, files=self)
        self.last = outcome.replies[-1] if outcome.replies else None
        return [self._show(reply) for reply in outcome.replies]

    async def fetch(self, file: IncomingFile, limit: int) -> bytes:
        """The file at the path typed after /dinhkem."""
        def read() -> bytes:
            path = Path(file.file_id)
            try:
                if path.stat().st_size > limit:
                    raise FileTooBig(file.name)
                return path.read_bytes()
            except OSError as error:
                raise FileUnavailable(type(error).__name__) from None
        return await asyncio.to_thread(read)

    def _show(self, reply: Reply) -> str:
        text = render(reply)
        if reply.attachment is not None:  # a terminal shows files by saving them
            path = Path.cwd() / reply.attachment.filename
            path.write_bytes(reply.attachment.content)
            text += ("\n" if text else "") + _("📎 Đã lưu tệp: {path}").format(path=path)
        return text

    async def run(self) -> None:
        self.write(_("Nhắc việc — thử trên console với tư cách “{name}” (console:{id}). Gõ /trogiup để xem lệnh, "
                     "/thoat để thoát.").format(name=self.name, id=self.user_id))
        while True:
            try:
                line = await asyncio.to_thread(self.read, "> ")
            except (EOFError, KeyboardInterrupt):
                self.write("")
                return
            if line.strip().lower() in QUIT:
                return
            if not line.strip():
                continue
            for answer in await self.say(line):
                self.write(answer)
                self.write("")


def _attachment(text: str) -> IncomingFile | None:
    """`/dinhkem PATH`: the terminal's way to send a file (a chat app's is its attach button)."""
    head, _sep, rest = text.strip().partition(" ")
    if head.lower() not in ("/dinhkem", "/attach") or not rest.strip():
        return None
    path = Path(rest.strip().strip("\"'")).expanduser()
    try:
        size: int | None = path.stat().st_size
    except OSError:
        size = None  # said when the bot fetches it: "không tải được tệp"
    return IncomingFile(file_id=str(path), name=path.name, size=size)


class ConsoleLog:
    """The console as a channel that the bot writes to by itself: `nhacviec run` has no terminal chat, so
    what the outbox sends to console accounts (people who tried the bot with `nhacviec chat`) is written to
    the log, one line per message. With it running, "console" counts as a channel that can deliver, and
    reminders to those accounts are claimed and sent like any other."""

    channel = "console"

    def __init__(self) -> None:
        self._ids = itertools.count(1)

    async def deliver(self, chat_id: str, reply: Reply) -> Sent:
        text = " ⏎ ".join(line.strip() for line in render(reply).splitlines() if line.strip())
        if reply.attachment is not None:
            text += (" ⏎ " if text else "") + f"[{reply.attachment.filename}]"
        log.info("console:%s ← %s", chat_id, text)
        return Sent(f"console-{next(self._ids)}")
