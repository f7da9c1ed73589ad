"""Turning one Incoming into replies: who is writing, which command, button or flow it is, may they.

Composes the feature routers (as aiogram's Dispatcher does). The rules every update passes here,
before any feature sees it:

- what a person typed is cleaned of characters no reader can use (models.rules.text.clean);
- an update the platform delivers again (same update id) is handled once: its id is recorded in the
  same transaction as its handling, so a failed handling is not remembered either;
- in a group chat only commands and buttons declared for groups work; flows and plain text never
  (a report is never taken in a group);
- a button is pressed by the person it was made for, with a role its route accepts;
- one message is one database transaction: everything it changes (a report, a registration, an
  audit entry for a refusal) is committed together, or not at all if handling fails.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import Table, bindparam
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.core import (
    ANYONE,
    ButtonRoute,
    Command,
    Context,
    Exports,
    Fallback,
    FileRoute,
    FlowChoice,
    FlowHandler,
    HandlerConfig,
    Router,
)
from handlers.turns import Turn, Turns
from locales import _, use_locale
from models.callbacks import BadButton, Button
from models.catalog import Catalog, CatalogCache
from models.chat import FileSource, Incoming, Outcome, Reply
from models.obligation_cache import ObligationCache, Obligations
from models.people import Identity, IdentityCache, ensure_account, identify
from models.rules.text import clean, fold
from models.store import revisions
from models.store.audit import record
from models.store.base import utcnow
from models.store.db import insert_new_on, outage, pool_width
from models.store.prepared import Prepared
from models.store.tables import ChannelAccount, InboundSeen

log = logging.getLogger(__name__)

_SEEN_TABLE: Table = InboundSeen.__table__  # type: ignore[attr-defined]  # SQLModel does not declare it
_SEEN = Prepared(lambda dialect: insert_new_on(dialect, _SEEN_TABLE, ["channel", "message_id"]).values(
    channel=bindparam("channel"), message_id=bindparam("message_id"), seen_at=bindparam("seen_at")))
MAX_TEXT = 10_000  # longer messages are answered, not processed
ATTEMPTS = 3  # a message that loses a race on a unique key is handled again

# (channel, handled without error, seconds taken): told after every message, e.g. for the metrics; the
# composition root supplies it, so this layer never imports the metrics library.
HandledHook = Callable[[str, bool, float], None]


class Dispatcher:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], config: HandlerConfig,
                 routers: Sequence[Router], clock: Callable[[], datetime] = utcnow, *,
                 exports: Exports | None = None, on_handled: HandledHook | None = None) -> None:
        self.sessions = sessions
        self.on_handled = on_handled
        self.config = config
        self.clock = clock
        self.exports = exports
        self.catalogs = CatalogCache()
        self.people = IdentityCache()
        self.obligations = ObligationCache()
        self._database_down = False  # said once per outage, not once per message
        self.turns = Turns(pool_width(sessions))  # see handlers/turns.py
        self.commands: dict[str, Command] = {}
        self.ordered: list[Command] = []
        self.flows: dict[str, FlowHandler] = {}
        self.buttons: dict[type[Button], ButtonRoute] = {}
        self.fallbacks: list[Fallback] = []
        self.files: FileRoute | None = None
        for router in routers:
            for command in router.commands:
                for name in (command.name, *command.aliases):
                    if name in self.commands:
                        raise ValueError(f"command /{name} is declared twice")
                    self.commands[name] = command
                self.ordered.append(command)
            self.flows.update(router.flows)
            self.buttons.update(router.buttons)
            self.fallbacks.extend(router.fallbacks)
            self.files = router.files or self.files

    def commands_for(self, roles: frozenset[str], *, in_group: bool = False) -> list[Command]:
        return [c for c in self.ordered if c.menu and (ANYONE in c.roles or c.roles & roles)
                and (c.in_groups or not in_group)]

    async def handle(self, incoming: Incoming, *, files: FileSource | None = None) -> Outcome:
        """`files`: the channel's way to fetch a file the message carries (incoming.attachment)."""
        started = time.monotonic()
        outcome, ok = await self._answer(incoming, files)
        if self.on_handled is not None:
            self.on_handled(incoming.channel, ok, time.monotonic() - started)
        return outcome

    async def _answer(self, incoming: Incoming, files: FileSource | None) -> tuple[Outcome, bool]:
        """The outcome, and False when it is the apology for a message that could not be handled."""
        incoming = replace(incoming, text=clean(incoming.text),
                           choice=clean(incoming.choice) if incoming.choice is not None else None,
                           display_name=clean(incoming.display_name), username=clean(incoming.username),
                           attachment=replace(incoming.attachment, name=clean(incoming.attachment.name))
                           if incoming.attachment is not None else None)
        locale = self.config.default_locale
        async with self.turns.take() as turn, self.sessions() as session:
            for attempt in range(1, ATTEMPTS + 1):
                try:
                    if incoming.update_id and not await self._first_time(session, incoming):
                        await session.rollback()
                        log.info("%s update %s was delivered again; already handled", incoming.channel,
                                 incoming.update_id)
                        return Outcome(), True
                    # One small statement tells whether the cached catalog and who-is-who still hold.
                    revision = await revisions.read(session)
                    identity = await self.people.identify(session, incoming.channel, incoming.user_id,
                                                          revision=revision.people, admins=self.config.admins)
                    if identity.member is not None and identity.member.locale:
                        locale = identity.member.locale
                    with use_locale(locale):
                        outcome = await self._handle(session, incoming, identity,
                                                     await self.catalogs.get(session, revision.catalog), files,
                                                     self.obligations.at(revision), turn)
                    await session.commit()
                    self._database_back()
                    return outcome, True
                except IntegrityError:
                    # Two messages raced for one unique key (e.g. the same report version): nothing was
                    # written; handle the message again on fresh data.
                    await session.rollback()
                    if attempt == ATTEMPTS:
                        log.error("a %s message lost a race on a unique key %d times; not handled", incoming.channel,
                                  ATTEMPTS)
                except (DBAPIError, OSError) as error:
                    await session.rollback()
                    reason = outage(error)
                    if reason is None:
                        log.exception("handling a %s message failed", incoming.channel)
                    elif not self._database_down:
                        self._database_down = True
                        log.error("database unavailable while handling a %s message: %s", incoming.channel, reason)
                    break
                except Exception:
                    log.exception("handling a %s message failed", incoming.channel)
                    await session.rollback()
                    break
        with use_locale(locale):
            return Outcome([Reply(_("Xin lỗi, bot gặp lỗi khi xử lý tin nhắn này; chưa có gì được ghi. "
                                    "Vui lòng thử lại sau ít phút."))]), False

    def _database_back(self) -> None:
        if self._database_down:
            self._database_down = False
            log.warning("database reachable again")

    async def _first_time(self, session: AsyncSession, incoming: Incoming) -> bool:
        """Record the update's id in this message's transaction; False if it was handled before."""
        return bool(await _SEEN.run(session, {"channel": incoming.channel, "message_id": incoming.update_id,
                                              "seen_at": self.clock()}))

    async def _handle(self, session: AsyncSession, incoming: Incoming, identity: Identity, catalog: Catalog,
                      files: FileSource | None, obligations: Obligations, turn: Turn) -> Outcome:
        now = self.clock()
        if identity.admin and identity.member is None:
            # Admins are configured, not invited: give them a member row on first contact.
            await ensure_account(session, channel=incoming.channel, user_id=incoming.user_id,
                                 chat_id=incoming.chat_id, display_name=incoming.display_name,
                                 username=incoming.username)
            identity = await identify(session, incoming.channel, incoming.user_id, admins=self.config.admins)
        elif identity.account is not None and incoming.chat_type == "private" and \
                identity.account.chat_id != incoming.chat_id:
            account = await session.get(ChannelAccount, identity.account.id)
            if account is not None:
                account.chat_id = incoming.chat_id
        ctx = Context(incoming=incoming, session=session, config=self.config, identity=identity, now=now,
                      catalog=catalog, obligations=obligations, exports=self.exports, files=files,
                      plain=self.plain, give_back=turn.give_back,
                      commands=lambda roles, group: self.commands_for(roles, in_group=group))
        replies = await self._route(ctx)
        menu = None
        if ctx.menu_changed:
            locale = ctx.identity.member.locale if ctx.identity.member and ctx.identity.member.locale else None
            with use_locale(locale or self.config.default_locale):
                menu = tuple((c.name, _(c.help)) for c in self.commands_for(ctx.identity.roles))
        return Outcome(replies, menu)

    async def _route(self, ctx: Context) -> list[Reply]:
        incoming = ctx.incoming
        if len(incoming.text) > MAX_TEXT:
            return [Reply(_("Tin nhắn dài quá ({n} ký tự), bot chưa xử lý. Vui lòng gửi ngắn gọn hơn "
                            "(dưới {limit} ký tự).").format(n=len(incoming.text), limit=MAX_TEXT))]
        if incoming.attachment is not None:
            caption = incoming.text.strip()
            if caption.startswith("/") and not ctx.in_group:
                # "/bc IV.2.a 80%" typed as the file's caption: the report first, so that the file goes onto it.
                return [*await self._command(ctx, caption), *await self._file(ctx)]
            return await self._file(ctx)  # any other caption describes the file
        if incoming.choice is not None:
            return await self._button(ctx, incoming.choice)
        text = incoming.text.strip()
        if text.startswith("/"):
            return await self._command(ctx, text)
        if ctx.in_group:
            return []  # group chatter is not addressed to the bot, and no flow runs in a group
        conversation = await ctx.load_conversation()
        if conversation is not None and conversation.flow in self.flows:
            return await self.flows[conversation.flow](ctx, text, None)
        return await self.plain(ctx, text)

    async def plain(self, ctx: Context, text: str) -> list[Reply]:
        """Plain text outside any flow (also what a flow hands back when a message is not its answer)."""
        for fallback in self.fallbacks:
            replies = await fallback(ctx, text)
            if replies is not None:
                return replies
        return [Reply(_("Bot chưa hiểu tin nhắn này. Gõ /trogiup để xem các lệnh anh/chị dùng được."))]

    async def _command(self, ctx: Context, text: str) -> list[Reply]:
        head, _sep, args = text[1:].partition(" ")
        name = fold(head.split("@", 1)[0])
        command = self.commands.get(name)
        if command is None:
            if ctx.in_group:
                return []  # another bot's command, or a typo in a busy group: not ours to answer
            return [Reply(_("Không có lệnh /{name}. Gõ /trogiup để xem các lệnh anh/chị dùng được.")
                          .format(name=head[:30]))]
        if ctx.in_group and not command.in_groups:
            return [Reply(await self.private_only(ctx, command.name))]
        if not command.allows(ctx.identity):
            return await self.refuse(ctx, command.name, command.roles)
        return await command.handler(ctx, args.strip())

    async def _file(self, ctx: Context) -> list[Reply]:
        """A file or photo: evidence for a report, taken in private chats only (a group's files are not ours)."""
        assert ctx.incoming.attachment is not None
        if ctx.in_group:
            return []
        route = self.files
        if route is None:
            return [Reply(_("Bot chưa nhận tệp. Vui lòng gõ nội dung, ví dụ /baocao hoặc /trogiup."))]
        if not route.allows(ctx.identity):
            return await self.refuse(ctx, "file", route.roles)
        return await route.handler(ctx, ctx.incoming.attachment)

    async def _button(self, ctx: Context, data: str) -> list[Reply]:
        try:
            button = Button.unpack(data)
        except BadButton:
            return [Reply(_("Lựa chọn không hợp lệ hoặc đã cũ. Gõ /trogiup để xem các lệnh."))]
        if button.owner and button.owner != ctx.member_id:
            await record(ctx.session, ctx.actor, "access.denied", "button", button.PREFIX,
                         {"owner": button.owner}, member_id=ctx.member_id)
            return [Reply(_("Nút này dành cho người khác; anh/chị gõ lệnh của mình, ví dụ /trogiup."))]
        if isinstance(button, FlowChoice):
            if ctx.in_group:
                return [Reply(await self.private_only(ctx, "baocao"))]
            return await self._flow_choice(ctx, button)
        route = self.buttons.get(type(button))
        if route is None:
            return [Reply(_("Lựa chọn không hợp lệ hoặc đã cũ. Gõ /trogiup để xem các lệnh."))]
        if ctx.in_group and not route.in_groups:
            return [Reply(_("Nút này chỉ dùng trong tin nhắn riêng với bot."))]
        if not route.allows(ctx.identity):
            return await self.refuse(ctx, button.PREFIX, route.roles)
        return await route.handler(ctx, button)

    async def _flow_choice(self, ctx: Context, button: FlowChoice) -> list[Reply]:
        conversation = await ctx.load_conversation()
        current = conversation is not None and conversation.id == button.conversation and \
            int(conversation.data.get("_seq", 0)) == button.seq
        if not current:
            if conversation is not None and conversation.flow in self.flows:
                replies = await self.flows[conversation.flow](ctx, "", None)  # re-ask the current step
                return [Reply(_("Lựa chọn đó thuộc một bước đã qua.")), *replies]
            return [Reply(_("Lựa chọn đó đã hết hiệu lực. Gõ /baocao để bắt đầu lại, hoặc /trogiup."))]
        assert conversation is not None
        return await self.flows[conversation.flow](ctx, "", button.value)

    async def private_only(self, ctx: Context, name: str) -> str:
        link = await ctx.bot_link()
        return _("Lệnh /{name} chỉ dùng trong tin nhắn riêng với bot, để báo cáo của đơn vị không hiện cho "
                 "người khác trong nhóm.{link}").format(name=name, link=f" {link}" if link else "")

    async def refuse(self, ctx: Context, what: str, roles: frozenset[str]) -> list[Reply]:
        """A polite no that says who to ask; every refusal is audited."""
        await record(ctx.session, ctx.actor, "access.denied", "command", what,
                     {"roles": sorted(ctx.identity.roles)}, member_id=ctx.member_id)
        who = await ctx.who_to_ask()
        if not ctx.identity.registered:
            return [Reply(_("Anh/chị chưa đăng ký sử dụng bot. Vui lòng liên hệ {who} để nhận mã mời, "
                            "rồi gửi: /start MÃ-MỜI").format(who=who))]
        if roles <= {"focal", "coordinator"} and ctx.identity.roles <= {"leader", "admin"}:
            return [Reply(_("Tài khoản của anh/chị chỉ xem tình hình, không gửi báo cáo. Nếu cần báo cáo thay "
                            "một đơn vị, vui lòng liên hệ {who} để được cấp quyền đầu mối.").format(who=who))]
        return [Reply(_("Xin lỗi, lệnh này dành cho cán bộ điều phối của {who}. Nếu anh/chị cần dùng, "
                        "vui lòng liên hệ {who}.").format(who=who))]

