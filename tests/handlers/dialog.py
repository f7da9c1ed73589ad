"""Talking to the handlers the way a person does, and checking the answers read right."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from handlers.dispatcher import Dispatcher
from models.chat import FileTooBig, FileUnavailable, Incoming, IncomingFile, Reply


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class MemoryFiles:
    """A channel's file source, in memory: the bytes of what people sent, by file id (the FileSource port)."""

    def __init__(self) -> None:
        self.content: dict[str, bytes] = {}
        self.fetched: list[str] = []

    async def fetch(self, file: IncomingFile, limit: int) -> bytes:
        self.fetched.append(file.file_id)
        data = self.content.get(file.file_id)
        if data is None:
            raise FileUnavailable(file.file_id)
        if len(data) > limit:
            raise FileTooBig(file.file_id)
        return data


class Person:
    def __init__(self, bot: Dispatcher, clock: Clock, *, user_id: str = "100", name: str = "Nguyễn Văn An",
                 channel: str = "telegram", chat_type: str = "private", chat_id: str | None = None) -> None:
        self.bot, self.clock = bot, clock
        self.user_id, self.name, self.channel, self.chat_type = user_id, name, channel, chat_type
        self.chat_id = chat_id or user_id
        self.last: list[Reply] = []
        self.menu: tuple[tuple[str, str], ...] | None = None
        self.files = MemoryFiles()

    async def _send(self, **kwargs) -> list[Reply]:
        incoming = Incoming(channel=self.channel, chat_id=self.chat_id, user_id=self.user_id,
                            display_name=self.name, chat_type=self.chat_type, at=self.clock(), **kwargs)
        outcome = await self.bot.handle(incoming, files=self.files)
        self.last = outcome.replies
        if outcome.menu is not None:
            self.menu = outcome.menu
        return self.last

    async def say(self, text: str, *, reply_to: str | None = None) -> str:
        await self._send(text=text, reply_to_message_id=reply_to)
        return self.text

    async def send_file(self, name: str, content: bytes, *, mime: str = "", size: int | None = None) -> str:
        """Send a file as a chat app does: its description (`size`: what the platform says, default the real
        size) in the message, its bytes fetched through the channel when the bot asks."""
        file_id = f"f{len(self.files.content) + 1}"
        self.files.content[file_id] = content
        await self._send(attachment=IncomingFile(file_id=file_id, name=name, mime=mime,
                                                 size=len(content) if size is None else size))
        return self.text

    async def press(self, label: str) -> str:
        """Press the option whose label contains `label` among the last replies."""
        for reply in self.last:
            for option in reply.options:
                if label in option.label:
                    await self._send(choice=option.value)
                    return self.text
        raise AssertionError(f"no option {label!r} in {[o.label for r in self.last for o in r.options]}")

    async def press_value(self, value: str) -> str:
        await self._send(choice=value)
        return self.text

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.last)

    @property
    def options(self) -> list[str]:
        return [o.label for r in self.last for o in r.options]


async def verify_dialog(person: Person, steps: Sequence[tuple[str, str | Sequence[str]]]) -> None:
    """Each step: what the person types (or "[label]" to press a button) and text the answer must contain."""
    for request, expected in steps:
        if request.startswith("[") and request.endswith("]"):
            answer = await person.press(request[1:-1])
        else:
            answer = await person.say(request)
        for fragment in [expected] if isinstance(expected, str) else expected:
            assert fragment in answer, f"after {request!r} expected {fragment!r} in:\n{answer}"
