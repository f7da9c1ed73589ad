"""How a feature declares its commands, and what a handler receives.

Each feature module owns a `Router`; `handlers/app.py` composes them. A handler gets a `Context`
(the message, the person's identity, a database session inside the message's transaction, the
clock) and returns replies. It never sees a transport.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from locales import _
from models.catalog import PlanCatalog
from models.chat import Incoming, Option, Reply
from models.people import Identity
from models.rules.workdays import WorkCalendar
from models.store.tables import Conversation, Plan, Role

ANYONE = "anyone"
REGISTERED = frozenset({Role.focal, Role.coordinator, Role.leader, Role.admin})
STAFF = frozenset({Role.coordinator, Role.admin})
READERS = frozenset({Role.coordinator, Role.leader, Role.admin})
REPORTERS = frozenset({Role.focal, Role.coordinator})


@dataclass(frozen=True)
class HandlerConfig:
    admins: tuple[str, ...] = ()
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"))
    invite_days: int = 14
    bot_username: str | None = None  # for t.me deep links
    conversation_hours: int = 24
    plan_code: str | None = None
    default_locale: str = "vi"
    # The plan row is re-read at most this often; a `nhacviec plan load` shows within this bound.
    plan_recheck_seconds: float = 5.0


@dataclass
class Context:
    incoming: Incoming
    session: AsyncSession
    config: HandlerConfig
    identity: Identity
    plan: Plan | None
    now: datetime
    catalog: PlanCatalog | None = None  # the plan's static part, cached per process
    commands: Callable[[frozenset[str], bool], list[Command]] | None = None  # commands open to some roles
    menu_changed: bool = False
    conversation: Conversation | None = None
    conversation_loaded: bool = False
    memo: dict[str, Any] = field(default_factory=dict)  # computed once per message, reused by later steps

    @property
    def today(self) -> date:
        return self.now.astimezone(self.config.tz).date()

    @property
    def actor(self) -> str:
        return f"{self.incoming.channel}:{self.incoming.user_id}"

    @property
    def member_id(self) -> int | None:
        return self.identity.member.id if self.identity.member else None

    @property
    def in_group(self) -> bool:
        return self.incoming.chat_type != "private"

    @property
    def calendar(self) -> WorkCalendar:
        return self.catalog.calendar if self.catalog else WorkCalendar()

    async def who_to_ask(self) -> str:
        unit = self.catalog.coordinator if self.catalog else None
        return unit.name if unit else _("đơn vị điều phối kế hoạch")

    # -- conversations -----------------------------------------------------------------------

    async def load_conversation(self) -> Conversation | None:
        """The flow in progress in this chat, if any (read once per message, and only when needed)."""
        if not self.conversation_loaded:
            self.conversation_loaded = True
            conversation = (await self.session.exec(select(Conversation).where(
                Conversation.channel == self.incoming.channel, Conversation.chat_id == self.incoming.chat_id,
                Conversation.user_id == self.incoming.user_id))).first()
            if conversation is not None and conversation.expires_at <= self.now:
                await self.session.delete(conversation)
                conversation = None
            self.conversation = conversation
        return self.conversation

    async def start_flow(self, flow: str, step: str, data: dict[str, Any]) -> Conversation:
        await self.end_flow()
        conversation = Conversation(
            channel=self.incoming.channel, chat_id=self.incoming.chat_id, user_id=self.incoming.user_id,
            flow=flow, step=step, data={**data, "_seq": 0}, updated_at=self.now,
            expires_at=self.now + timedelta(hours=self.config.conversation_hours))
        self.session.add(conversation)
        await self.session.flush()
        self.conversation, self.conversation_loaded = conversation, True
        return conversation

    def save_flow(self, step: str, data: dict[str, Any]) -> None:
        conversation = self.conversation
        assert conversation is not None
        conversation.step = step
        conversation.data = {**data, "_seq": int(conversation.data.get("_seq", 0)) + 1}  # new dict: JSON change seen
        conversation.updated_at = self.now
        conversation.expires_at = self.now + timedelta(hours=self.config.conversation_hours)

    async def end_flow(self) -> bool:
        if self.conversation_loaded and self.conversation is None:
            return False
        result = await self.session.exec(delete(Conversation).where(
            Conversation.channel == self.incoming.channel, Conversation.chat_id == self.incoming.chat_id,
            Conversation.user_id == self.incoming.user_id))
        self.conversation, self.conversation_loaded = None, True
        return bool(result.rowcount)

    def option(self, label: str, value: str) -> Option:
        """A choice inside the current flow; pressing it later than this step is recognised as stale."""
        conversation = self.conversation
        assert conversation is not None and conversation.id is not None
        return Option(label, f"c:{conversation.id}:{conversation.data.get('_seq', 0)}:{value}")


Handler = Callable[[Context, str], Awaitable[list[Reply]]]
FlowHandler = Callable[[Context, str, str | None], Awaitable[list[Reply]]]  # (ctx, text, choice)
ChoiceHandler = Callable[[Context, str], Awaitable[list[Reply]]]  # (ctx, value after the prefix)
Fallback = Callable[[Context, str], Awaitable[list[Reply] | None]]  # plain text; None: not mine


@dataclass(frozen=True)
class Command:
    name: str
    aliases: tuple[str, ...]
    roles: frozenset[str]
    help: str  # msgid, translated when shown
    handler: Handler
    in_groups: bool = False
    menu: bool = True

    def allows(self, identity: Identity) -> bool:
        return ANYONE in self.roles or bool(self.roles & identity.roles)


class Router:
    def __init__(self) -> None:
        self.commands: list[Command] = []
        self.flows: dict[str, FlowHandler] = {}
        self.choices: dict[str, tuple[frozenset[str], ChoiceHandler]] = {}
        self.fallbacks: list[Fallback] = []

    def command(self, name: str, *aliases: str, roles: frozenset[str] | str, help: str, in_groups: bool = False,
                menu: bool = True) -> Callable[[Handler], Handler]:
        allowed = frozenset({roles}) if isinstance(roles, str) else roles

        def register(handler: Handler) -> Handler:
            self.commands.append(Command(name, aliases, allowed, help, handler, in_groups, menu))
            return handler
        return register

    def flow(self, name: str) -> Callable[[FlowHandler], FlowHandler]:
        def register(handler: FlowHandler) -> FlowHandler:
            self.flows[name] = handler
            return handler
        return register

    def choice(self, prefix: str, *, roles: frozenset[str]) -> Callable[[ChoiceHandler], ChoiceHandler]:
        """A button that works outside any flow (e.g. "Báo cáo ngay" under a reminder)."""
        def register(handler: ChoiceHandler) -> ChoiceHandler:
            self.choices[prefix] = (roles, handler)
            return handler
        return register


    def fallback(self, handler: Fallback) -> Fallback:
        """Plain text that is not a command and not part of a flow (tried in router order)."""
        self.fallbacks.append(handler)
        return handler


def text_reply(text: str, *options: Option, columns: int = 1) -> list[Reply]:
    return [Reply(text, tuple(options), columns=columns)]
