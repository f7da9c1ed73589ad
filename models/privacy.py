"""Forgetting a person (Nghị định 13/2023/NĐ-CP: the right to have one's personal data deleted).

What the bot knows about a person: their name, their chat accounts (platform user ids, usernames,
chat ids), the drafts of a report in progress, and — in the audit trail and a few `created_by` columns
— their platform id as the actor of what they did. Forgetting removes all of that: the name becomes
"Người dùng đã xóa #12", the accounts are deleted (whoever writes from them next is a stranger, who needs
a new invite), roles are revoked, drafts dropped, web sessions ended, messages not yet sent are cancelled
and the chat ids of sent ones blanked; actor strings become "member:12".

What stays: the reports. They are the plan's records, owed by the unit, not the person: each keeps its
unit (through its assignment), its content, and its `member_id` — pointing at the anonymised member, so
that it still reads "sent by a person since deleted", not "sent by nobody".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from locales import _
from models.evidence import drop_drafts
from models.revocation import drop_dialogues
from models.store.audit import record
from models.store.tables import (
    AuditLog,
    ChannelAccount,
    Delivery,
    DeliveryStatus,
    GrantStatus,
    Invite,
    Member,
    Report,
    RoleGrant,
    Unit,
    WebLink,
    WebSession,
)

FORGET_ACTION = "member.forget"


@dataclass(frozen=True)
class Person:
    """What the operator is shown before confirming: who it is, what goes, what stays."""

    member: Member
    accounts: list[str]  # "telegram:12345"
    roles: list[tuple[str, str | None]]  # (role, unit code) of the grants not yet revoked
    reports: int
    forgotten: bool  # forgotten before


async def find_person(session: AsyncSession, text: str) -> Person | None:
    """A member by id ("12") or by one of their accounts ("telegram:12345")."""
    text = text.strip()
    member: Member | None = None
    if text.isdigit() and len(text) < 12:
        member = await session.get(Member, int(text))
    else:
        channel, sep, user_id = text.partition(":")
        if sep:
            account = (await session.exec(select(ChannelAccount).where(
                ChannelAccount.channel == channel.strip().lower(),
                ChannelAccount.external_id == user_id.strip()))).first()
            member = await session.get(Member, account.member_id) if account else None
    if member is None or member.id is None:
        return None
    accounts = (await session.exec(select(ChannelAccount).where(ChannelAccount.member_id == member.id)
                                   .order_by(col(ChannelAccount.id)))).all()
    roles = (await session.exec(select(RoleGrant.role, Unit.code)
                                .join(Unit, col(Unit.id) == RoleGrant.unit_id, isouter=True)
                                .where(RoleGrant.member_id == member.id, RoleGrant.status != GrantStatus.revoked)
                                .order_by(col(RoleGrant.id)))).all()
    reports = (await session.exec(select(func.count()).select_from(Report).where(Report.member_id == member.id))).one()
    forgotten = (await session.exec(select(AuditLog.id).where(
        AuditLog.action == FORGET_ACTION, AuditLog.entity == "member", AuditLog.entity_id == str(member.id)))).first()
    return Person(member, [f"{a.channel}:{a.external_id}" for a in accounts], [(r, u) for r, u in roles], reports,
                  forgotten is not None)


@dataclass(frozen=True)
class Forgotten:
    member_id: int
    name: str  # the name the member carries now
    accounts: int
    grants: int
    drafts: int
    cancelled: int  # messages to them not yet sent
    reports: int  # kept
    files: tuple[str, ...] = ()  # contents of their draft attachments (dropped): the caller removes unshared ones


async def forget(session: AsyncSession, person: Person, *, actor: str, now: datetime) -> Forgotten:
    """Anonymise `person` in the caller's transaction (the caller commits). Audited, without the old name."""
    member = person.member
    member_id = member.id
    assert member_id is not None
    accounts = list((await session.exec(select(ChannelAccount).where(ChannelAccount.member_id == member_id))).all())
    account_ids = [a.id for a in accounts]
    actors = [f"{a.channel}:{a.external_id}" for a in accounts]
    alias = f"member:{member_id}"

    drafts = await drop_dialogues(session, accounts)
    files = await drop_drafts(session, member_id)  # files not yet on any report are a draft too
    drafts += len(files)
    theirs = or_(col(Delivery.member_id) == member_id, col(Delivery.account_id).in_(account_ids))
    cancelled = (await session.exec(update(Delivery).where(
        theirs, col(Delivery.status).in_([DeliveryStatus.pending, DeliveryStatus.sending]))
        .values(status=DeliveryStatus.failed, reason="member forgotten", sending_since=None))).rowcount
    # A chat id of a private chat is the person's platform id: sent messages keep their record, not it.
    await session.exec(update(Delivery).where(theirs).values(account_id=None, chat_id=""))
    if actors:
        for table, column in ((AuditLog, col(AuditLog.actor)), (Invite, col(Invite.created_by)),
                              (RoleGrant, col(RoleGrant.granted_by)), (WebLink, col(WebLink.created_by))):
            await session.exec(update(table).where(column.in_(actors)).values({column: alias}))
    grants = (await session.exec(update(RoleGrant).where(
        col(RoleGrant.member_id) == member_id, col(RoleGrant.status) != GrantStatus.revoked)
        .values(status=GrantStatus.revoked, revoked_at=now))).rowcount
    await session.exec(update(WebSession).where(col(WebSession.member_id) == member_id,
                                                col(WebSession.ended_at).is_(None))
                       .values(ended_at=now))
    await session.exec(update(WebLink).where(col(WebLink.member_id) == member_id, col(WebLink.used_at).is_(None),
                                             col(WebLink.expires_at) > now).values(expires_at=now))
    await session.exec(delete(ChannelAccount).where(col(ChannelAccount.member_id) == member_id))
    member.display_name = _("Người dùng đã xóa #{id}").format(id=member_id)
    member.preferred_channel = None
    session.add(member)
    await session.flush()
    await record(session, actor, FORGET_ACTION, "member", member_id,
                 {"accounts": len(accounts), "grants": grants, "drafts": drafts, "cancelled": cancelled,
                  "reports_kept": person.reports}, member_id=member_id)
    return Forgotten(member_id, member.display_name, len(accounts), grants, drafts, cancelled, person.reports,
                     tuple(files))
