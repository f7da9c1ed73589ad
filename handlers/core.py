"""How a feature declares its commands, and what a handler receives.

Each feature module owns a `Router`; `handlers/dispatcher.py` composes them. A handler gets a `Context`
(the message, the person's identity, a database session inside the message's transaction, the
clock) and returns replies. It never sees a transport.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from locales import _
from models.callbacks import Button
from models.catalog import Catalog
from models.chat import Attachment, FileSource, Incoming, IncomingFile, Option, Reply
from models.obligation_cache import Obligations
from models.people import Identity
from models.registry import unit_name
from models.rules.workdays import WorkCalendar
from models.store import kv
from models.store.tables import Conversation, Plan, Role, Unit

ANYONE = "anyone"
REGISTERED = frozenset({Role.focal, Role.coordinator, Role.leader, Role.admin})
STAFF = frozenset({Role.coordinator, Role.admin})
READERS = frozenset({Role.coordinator, Role.leader, Role.admin})
REPORTERS = frozenset({Role.focal, Role.coordinator})


@dataclass(frozen=True, kw_only=True)
class HandlerConfig:
    admins: tuple[str, ...] = ()
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"))
    invite_days: int = 14
    conversation_hours: int = 24
    default_locale: str = "vi"
    # Channels that can deliver messages the bot starts (a coordinator's /nhacnho goes through them).
    channels: frozenset[str] = frozenset({"telegram", "zalo"})
    # Where people open the web view (NHACVIEC_PUBLIC_URL, or the listener's own address); None: no web view.
    web_url: str | None = None
    # Where evidence files are kept (NHACVIEC_FILES_DIR); None: files are not taken.
    files_dir: Path | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class FlowChoice(Button, prefix="c"):
    """An option inside a guided flow; pressed after the flow moved on, it is recognised as stale."""

    conversation: int
    seq: int
    value: str


class Exports(Protocol):
    """Files built from the data (the composition root gives the implementation, in jobs/): handlers ask
    for them through this port, never importing jobs."""

    async def workbook(self, session: AsyncSession, plan: Plan, now: datetime, year: int) -> Attachment:
        """Every obligation whose data window ends in `year`, with its latest report (an .xlsx)."""
        ...

    async def draft(self, session: AsyncSession, plan: Plan, year: int, now: datetime) -> Attachment:
        """The consolidated report of `year`, drafted from what the units sent (a .docx)."""
        ...


@dataclass(kw_only=True)
class Context:
    incoming: Incoming
    session: AsyncSession
    config: HandlerConfig
    identity: Identity
    now: datetime
    catalog: Catalog  # what the province follows (plans, tasks, units), cached per process
    # Who owes which report when, cached per process at this message's revisions (None: read from the database).
    obligations: Obligations | None = None
    exports: Exports | None = None
    files: FileSource | None = None  # the channel's way to fetch a file the person sent
    # Plain text handled as if no flow were open: a flow whose optional step is not being answered hands the
    # message back here rather than ask again (the evidence step after a report).
    plain: Callable[[Context, str], Awaitable[list[Reply]]] | None = None
    commands: Callable[[frozenset[str], bool], list[Command]] | None = None  # commands open to some roles
    give_back: Callable[[], None] = lambda: None  # the message's turn for the database (handlers/turns.py)
    menu_changed: bool = False
    conversation: Conversation | None = None
    conversation_loaded: bool = False
    memo: dict[str, Any] = field(default_factory=dict)  # computed once per message, reused by later steps

    @property
    def plans(self) -> list[Plan]:
        """The plans followed (none loaded yet: empty)."""
        return self.catalog.followed()

    @property
    def today(self) -> date:
        return self.now.astimezone(self.config.tz).date()

    @property
    def actor(self) -> str:
        return f"{self.incoming.channel}:{self.incoming.user_id}"

    def name_of(self, unit: Unit | None) -> str:
        """The unit as it is called today (models.registry.unit_name: a rename applies from its date only)."""
        return unit_name(unit, self.today) if unit is not None else "?"

    @property
    def member_id(self) -> int | None:
        return self.identity.member.id if self.identity.member else None

    @property
    def in_group(self) -> bool:
        return self.incoming.chat_type != "private"

    @property
    def calendar(self) -> WorkCalendar:
        return self.catalog.calendar

    async def bot_link(self, start: str | None = None) -> str:
        """The bot's t.me address (with a start parameter), once Telegram has told us the bot's name; "" before."""
        if "bot_username" not in self.memo:
            self.memo["bot_username"] = await kv.get(self.session, kv.TELEGRAM_USERNAME) or ""
        username = self.memo["bot_username"]
        if not username:
            return ""
        return f"https://t.me/{username}" + (f"?start={start}" if start else "")

    async def who_to_ask(self) -> str:
        unit = self.catalog.coordinator
        return self.name_of(unit) if unit else _("đơn vị điều phối kế hoạch")

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

    async def release(self) -> None:
        """Commit what this message did so far and give the database connection back, before a long wait (a
        file made on its own connection): on SQLite the bot has one connection, and holding it would hold every
        other chat. The message goes on in a new transaction."""
        await self.session.commit()
        self.give_back()

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
            col(Conversation.channel) == self.incoming.channel, col(Conversation.chat_id) == self.incoming.chat_id,
            col(Conversation.user_id) == self.incoming.user_id))
        self.conversation, self.conversation_loaded = None, True
        return bool(result.rowcount)

    def option(self, label: str, value: str) -> Option:
        """A choice inside the current flow; pressing it later than this step is recognised as stale."""
        conversation = self.conversation
        assert conversation is not None and conversation.id is not None
        return self.button(label, FlowChoice(conversation=conversation.id, seq=int(conversation.data.get("_seq", 0)),
                                             value=value))

    def button(self, label: str, data: Button) -> Option:
        """An option for the person writing: only they may press it (in a group, others see it too)."""
        return Option(label, dataclasses.replace(data, owner=self.member_id or 0).pack())


Handler = Callable[[Context, str], Awaitable[list[Reply]]]
FlowHandler = Callable[[Context, str, str | None], Awaitable[list[Reply]]]  # (ctx, text, choice)
ButtonHandler = Callable[[Context, Any], Awaitable[list[Reply]]]  # (ctx, the pressed button's data)
Fallback = Callable[[Context, str], Awaitable[list[Reply] | None]]  # plain text; None: not mine
FileHandler = Callable[[Context, IncomingFile], Awaitable[list[Reply]]]  # a file or photo a person sent


@dataclass(frozen=True, kw_only=True)
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


@dataclass(frozen=True, kw_only=True)
class ButtonRoute:
    """Who may press a kind of button, and where: the same rule as for commands."""

    kind: type[Button]
    roles: frozenset[str]
    handler: ButtonHandler
    in_groups: bool = False

    def allows(self, identity: Identity) -> bool:
        return ANYONE in self.roles or bool(self.roles & identity.roles)


@dataclass(frozen=True, kw_only=True)
class FileRoute:
    """Who may send the bot a file (never in a group: files are evidence for reports)."""

    roles: frozenset[str]
    handler: FileHandler

    def allows(self, identity: Identity) -> bool:
        return ANYONE in self.roles or bool(self.roles & identity.roles)


class Router:
    def __init__(self) -> None:
        self.commands: list[Command] = []
        self.flows: dict[str, FlowHandler] = {}
        self.buttons: dict[type[Button], ButtonRoute] = {}
        self.fallbacks: list[Fallback] = []
        self.files: FileRoute | None = None

    def command(self, name: str, *aliases: str, roles: frozenset[str] | str, help: str, in_groups: bool = False,
                menu: bool = True) -> Callable[[Handler], Handler]:
        allowed = frozenset({roles}) if isinstance(roles, str) else roles

        def register(handler: Handler) -> Handler:
            self.commands.append(Command(name=name, aliases=aliases, roles=allowed, help=help, handler=handler,
                                         in_groups=in_groups, menu=menu))
            return handler
        return register

    def flow(self, name: str) -> Callable[[FlowHandler], FlowHandler]:
        def register(handler: FlowHandler) -> FlowHandler:
            self.flows[name] = handler
            return handler
        return register

    def button(self, kind: type[Button], *, roles: frozenset[str] | str, in_groups: bool = False
               ) -> Callable[[ButtonHandler], ButtonHandler]:
        """A button that works outside any flow (e.g. "Báo cáo ngay" under a reminder)."""
        allowed = frozenset({roles}) if isinstance(roles, str) else roles

        def register(handler: ButtonHandler) -> ButtonHandler:
            self.buttons[kind] = ButtonRoute(kind=kind, roles=allowed, handler=handler, in_groups=in_groups)
            return handler
        return register

    def fallback(self, handler: Fallback) -> Fallback:
        """Plain text that is not a command and not part of a flow (tried in router order)."""
        self.fallbacks.append(handler)
        return handler

    def file(self, *, roles: frozenset[str] | str) -> Callable[[FileHandler], FileHandler]:
        """What a file or photo sent in a private chat does (one router takes files)."""
        allowed = frozenset({roles}) if isinstance(roles, str) else roles

        def register(handler: FileHandler) -> FileHandler:
            self.files = FileRoute(roles=allowed, handler=handler)
            return handler
        return register
