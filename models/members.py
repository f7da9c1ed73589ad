"""The people registered, as coordinators see them (/thanhvien, `nhacviec members`), and finding one of
them by what a coordinator types: the number the list shows, or a name.

A person is "registered" while they hold a role not revoked (active, or pending a successor unit's
confirmation), or are an administrator named in NHACVIEC_ADMINS. Revoking is in models/revocation.py.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.callbacks import MAX_ID
from models.rules.text import fold
from models.store.tables import AuditLog, ChannelAccount, GrantStatus, Member, Report, Role, RoleGrant


@dataclass(frozen=True)
class Holding:
    """One role a person holds (a focal point's is for a unit)."""

    grant_id: int | None  # None: an administrator by configuration (NHACVIEC_ADMINS), not by a grant
    role: str
    unit_id: int | None
    pending: bool  # a successor unit's focal point who has not confirmed yet
    since: datetime | None


@dataclass(frozen=True)
class Registered:
    member: Member
    holdings: tuple[Holding, ...]
    channels: tuple[str, ...]  # the channels of their accounts, the one reminders go to first
    unreachable: bool  # every account refused the bot (blocked it)
    last_seen: datetime | None  # the last thing they did that the bot recorded; None: nothing yet

    @property
    def id(self) -> int:
        return self.member.id

    def since(self, unit_id: int | None = None) -> datetime | None:
        days = [h.since for h in self.holdings if h.since is not None and (unit_id is None or h.unit_id == unit_id)]
        return min(days) if days else None


def configured_accounts(admins: Collection[str]) -> set[tuple[str, str]]:
    """NHACVIEC_ADMINS as (channel, user id) pairs."""
    return {(channel, user_id) for channel, sep, user_id in (a.partition(":") for a in admins) if sep}


async def registered(session: AsyncSession, *, admins: Collection[str] = (), unit_ids: Collection[int] | None = None,
                     member_ids: Collection[int] | None = None) -> list[Registered]:
    """Everyone holding a role (or only those holding one for `unit_ids`, or only `member_ids`), by name."""
    query = select(RoleGrant).where(RoleGrant.status != GrantStatus.revoked)
    if unit_ids is not None:
        query = query.where(col(RoleGrant.unit_id).in_(list(unit_ids)))
    if member_ids is not None:
        query = query.where(col(RoleGrant.member_id).in_(list(member_ids)))
    holdings: dict[int, list[Holding]] = defaultdict(list)
    for grant in (await session.exec(query.order_by(col(RoleGrant.id)))).all():
        holdings[grant.member_id].append(Holding(grant.id, grant.role, grant.unit_id,
                                                 grant.status == GrantStatus.pending, grant.granted_at))
    configured = configured_accounts(admins)
    if configured and unit_ids is None:
        accounts = (await session.exec(select(ChannelAccount).where(
            col(ChannelAccount.external_id).in_([user for _channel, user in configured])))).all()
        for account in accounts:
            if (account.channel, account.external_id) in configured and \
                    (member_ids is None or account.member_id in member_ids):
                holdings[account.member_id].append(Holding(None, Role.admin, None, False, account.created_at))
    return await _describe(session, holdings)


async def _describe(session: AsyncSession, holdings: dict[int, list[Holding]]) -> list[Registered]:
    ids = list(holdings)
    if not ids:
        return []
    members = {m.id: m for m in (await session.exec(select(Member).where(col(Member.id).in_(ids)))).all()}
    accounts: dict[int, list[ChannelAccount]] = defaultdict(list)
    for account in (await session.exec(select(ChannelAccount).where(col(ChannelAccount.member_id).in_(ids))
                                       .order_by(col(ChannelAccount.id)))).all():
        accounts[account.member_id].append(account)
    seen: dict[int, datetime] = {}
    for table_member, moment in ((col(AuditLog.member_id), AuditLog.at), (col(Report.member_id), Report.submitted_at)):
        for member_id, last in (await session.exec(select(table_member, func.max(moment)).where(
                table_member.in_(ids)).group_by(table_member))).all():
            if last is not None and member_id is not None and (member_id not in seen or last > seen[member_id]):
                seen[member_id] = last
    found = []
    for member_id, held in holdings.items():
        member = members[member_id]
        mine = sorted(accounts[member_id], key=lambda a: a.channel != member.preferred_channel)
        found.append(Registered(member=member, holdings=tuple(held),
                                channels=tuple(dict.fromkeys(a.channel for a in mine)),
                                unreachable=bool(mine) and not any(a.reachable for a in mine),
                                last_seen=seen.get(member_id)))
    return sorted(found, key=lambda r: (fold(r.member.display_name), r.id))


def number_of(text: str) -> int | None:
    """"12" or "#12": the number /thanhvien shows."""
    digits = text.strip().removeprefix("#").strip()
    # No larger than an id can be: PostgreSQL refuses a bigger number in a query on the INTEGER column.
    return int(digits) if digits.isascii() and digits.isdigit() and len(digits) < 12 and int(digits) <= MAX_ID \
        else None


def matching(people: Sequence[Registered], text: str) -> list[Registered]:
    """Who `text` names among `people`: by number; else the full name (loosely: case and diacritics do not
    matter); else everyone whose name has all the words typed ("Bình" finds "Trần Thị Bình")."""
    number = number_of(text)
    if number is not None:
        return [p for p in people if p.id == number]
    key = fold(text)
    if not key:
        return []
    exact = [p for p in people if fold(p.member.display_name) == key]
    if exact:
        return exact
    wanted = [fold(w) for w in text.split() if fold(w)]
    return [p for p in people if set(wanted) <= {fold(w) for w in p.member.display_name.split()}]
