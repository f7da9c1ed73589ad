"""Talking to the handlers the way a person does, and checking the answers read right."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from handlers.dispatcher import Dispatcher
from models.chat import Incoming, Reply


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Person:
    def __init__(self, bot: Dispatcher, clock: Clock, *, user_id: str = "100", name: str = "Nguyễn Văn An",
                 channel: str = "telegram", chat_type: str = "private", chat_id: str | None = None) -> None:
        self.bot, self.clock = bot, clock
        self.user_id, self.name, self.channel, self.chat_type = user_id, name, channel, chat_type
        self.chat_id = chat_id or user_id
        self.last: list[Reply] = []
        self.menu: tuple[tuple[str, str], ...] | None = None

    async def _send(self, **kwargs) -> list[Reply]:
        incoming = Incoming(channel=self.channel, chat_id=self.chat_id, user_id=self.user_id,
                            display_name=self.name, chat_type=self.chat_type, at=self.clock(), **kwargs)
        outcome = await self.bot.handle(incoming)
        self.last = outcome.replies
        if outcome.menu is not None:
            self.menu = outcome.menu
        return self.last

    async def say(self, text: str, *, reply_to: str | None = None) -> str:
        await self._send(text=text, reply_to_message_id=reply_to)
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
