"""Revoking a person's roles when they leave (/thuhoi, `nhacviec revoke`).

What goes: every role they hold (their grants are marked revoked, not deleted: the history of who held
what stays), the report they were drafting (in any chat), messages still waiting for them in the outbox,
their web sessions and unused sign-in links. What stays: their reports, and their member row, so a report
still reads "sent by …". They are told, through the outbox (one message, never twice). From their next
message they are a stranger: /start with a new invite, and help, is all they can do.

Refused: revoking oneself, an administrator named in NHACVIEC_ADMINS (the setting, not the bot, makes
them one), and the last administrator.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, func, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from locales import _, use_locale
from models.evidence import drop_drafts
from models.members import configured_accounts
from models.outbox import Action, Recipients, claim
from models.store.audit import record
from models.store.tables import (
    ChannelAccount,
    Conversation,
    Delivery,
    DeliveryStatus,
    GrantStatus,
    KeyValue,
    Member,
    Role,
    RoleGrant,
    Unit,
    WebLink,
    WebSession,
)
from models.wording import role_label

REVOKE_ACTION = "member.revoke"


class RevokeRefused(Exception):
    """reason: nothing (no role left to revoke) | self | configured_admin | last_admin."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Revoked:
    member: Member
    roles: list[tuple[str, Unit | None]]  # what they held
    drafts: int
    cancelled: int  # messages to them that were still waiting
    told: bool  # a message telling them was queued
    not_told: str  # why not, when not told
    orphaned: list[Unit]  # units left with no focal point
    files: tuple[str, ...] = ()  # contents of their dropped draft attachments (bytes the caller may remove)


@dataclass(frozen=True, kw_only=True)
class Revoker:
    """Who revokes, and what the refusals and the message need to know."""

    actor: str  # as in the audit log: "telegram:300", "cli"
    member_id: int | None  # None: the operator (CLI)
    admins: Collection[str]  # NHACVIEC_ADMINS
    channels: frozenset[str]  # the channels that can deliver the message telling them
    default_locale: str
    contact: str  # who to ask, in the message (the coordinating unit's name)


async def drop_dialogues(session: AsyncSession, accounts: Collection[ChannelAccount]) -> int:
    """End the person's half-finished dialogues on every account, and forget the numbered lists Zalo chats were
    last sent (no answer to an old list may act for them); how many dialogues there were."""
    if not accounts:
        return 0
    drafts = (await session.exec(delete(Conversation).where(or_(*(
        and_(col(Conversation.channel) == a.channel, col(Conversation.user_id) == a.external_id)
        for a in accounts))))).rowcount
    await session.exec(delete(KeyValue).where(col(KeyValue.key).in_(
        [f"zalo.options.{a.chat_id}" for a in accounts if a.channel == "zalo"])))
    return drafts


async def revoke(session: AsyncSession, member_id: int, by: Revoker, *, now: datetime) -> Revoked:
    """Revoke every role of the member, in the caller's transaction (the caller commits). Audited."""
    member = await session.get(Member, member_id)
    grants = list((await session.exec(select(RoleGrant).where(
        RoleGrant.member_id == member_id, RoleGrant.status != GrantStatus.revoked).order_by(col(RoleGrant.id)))).all())
    accounts = list((await session.exec(select(ChannelAccount).where(ChannelAccount.member_id == member_id))).all())
    configured = configured_accounts(by.admins)
    if by.member_id == member_id:
        raise RevokeRefused("self")
    if any((a.channel, a.external_id) in configured for a in accounts):
        raise RevokeRefused("configured_admin")
    if member is None or not grants:
        raise RevokeRefused("nothing")
    if any(g.role == Role.admin for g in grants) and not configured and not await _other_admins(session, member_id):
        raise RevokeRefused("last_admin")

    # Where to tell them, found before their roles go (the outbox writes only to people who hold one).
    recipients = await Recipients(channels=by.channels, default_locale=by.default_locale).load(session)
    recipient = recipients.of(member_id)
    not_told = "" if recipient is not None else recipients.why_not(member_id)
    units = {u.id: u for u in (await session.exec(select(Unit).where(
        col(Unit.id).in_([g.unit_id for g in grants if g.unit_id])))).all()}
    roles = [(g.role, units.get(g.unit_id) if g.unit_id else None) for g in grants]

    await session.exec(update(RoleGrant).where(col(RoleGrant.id).in_([g.id for g in grants]))
                       .values(status=GrantStatus.revoked, revoked_at=now))
    drafts = await drop_dialogues(session, accounts)
    # Files sent for a next report that will not come: they must not follow the person to another unit's report.
    files = await drop_drafts(session, member_id)
    drafts += len(files)
    cancelled = (await session.exec(update(Delivery).where(
        col(Delivery.member_id) == member_id, col(Delivery.status) == DeliveryStatus.pending)
        .values(status=DeliveryStatus.stale, reason="role revoked"))).rowcount
    await session.exec(update(WebSession).where(col(WebSession.member_id) == member_id,
                                                col(WebSession.ended_at).is_(None))
                       .values(ended_at=now))
    await session.exec(update(WebLink).where(col(WebLink.member_id) == member_id, col(WebLink.used_at).is_(None),
                                             col(WebLink.expires_at) > now).values(expires_at=now))
    if recipient is not None:
        with use_locale(recipient.locale):
            text = _("Quyền sử dụng bot của anh/chị ({roles}) đã được thu hồi. Các báo cáo anh/chị đã gửi vẫn "
                     "được lưu. Nếu có nhầm lẫn, vui lòng liên hệ {who}.").format(
                roles=held(roles), who=by.contact or _("đơn vị điều phối kế hoạch"))
        await claim(session, [Action.notice(f"revoked:{member_id}:{grants[0].id}", recipient, now, text)], now=now)
    orphaned = [units[g.unit_id] for g in grants if g.role == Role.focal and g.unit_id in units
                and not await _focal_left(session, g.unit_id)]
    await record(session, by.actor, REVOKE_ACTION, "member", member_id,
                 {"roles": [[role, unit.code if unit else None] for role, unit in roles], "drafts": drafts,
                  "cancelled": cancelled, "told": recipient is not None}, member_id=by.member_id)
    return Revoked(member, roles, drafts, cancelled, recipient is not None, not_told,
                   list({u.id: u for u in orphaned}.values()), tuple(files))


def held(roles: list[tuple[str, Unit | None]]) -> str:
    """"đầu mối Sở Công Thương, điều phối", in the current language."""
    return ", ".join(role_label(role) + (f" {unit.name}" if unit else "") for role, unit in roles)


async def _other_admins(session: AsyncSession, member_id: int) -> int:
    return (await session.exec(select(func.count()).select_from(RoleGrant).where(
        RoleGrant.role == Role.admin, RoleGrant.status == GrantStatus.active, RoleGrant.member_id != member_id))).one()


async def _focal_left(session: AsyncSession, unit_id: int) -> bool:
    return (await session.exec(select(RoleGrant.id).where(
        RoleGrant.unit_id == unit_id, RoleGrant.role == Role.focal,
        RoleGrant.status != GrantStatus.revoked))).first() is not None
