"""People: who is writing, what they may do, and how they join (invite codes).

Invite codes are random 60-bit values shown as XXXX-XXXX-XXXX in Crockford's base32 (no I, L, O, U,
so they survive being read over the phone), stored only as a SHA-256 hash, single use, and expiring.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import and_, bindparam, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.registry import Succession, current_of, succession
from models.rules.text import fold
from models.store.audit import record
from models.store.tables import (
    AuditLog,
    ChannelAccount,
    GrantStatus,
    Invite,
    Member,
    Role,
    RoleGrant,
    Unit,
    UnitEvent,
)

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
CODE_LENGTH = 12
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
INVITE_ROLES = (Role.focal, Role.coordinator, Role.leader)
ROLE_WORDS = {  # folded words people use for the roles an invite can carry
    Role.focal: {"daumoi", "focal", "dm"},
    Role.coordinator: {"dieuphoi", "theodoi", "canbotheodoi", "coordinator", "chuyenvien"},
    Role.leader: {"lanhdao", "leader", "ld"},
}
MAX_FAILED_REDEMPTIONS_PER_HOUR = 5


@dataclass(frozen=True)
class MemberView:
    """What the hot path reads of a person: plain values, safe to keep between messages and processes'
    transactions. To change the person, load the `Member` row (`session.get(Member, id)`)."""

    id: int
    display_name: str
    locale: str | None
    preferred_channel: str | None


@dataclass(frozen=True)
class AccountView:
    id: int
    channel: str
    external_id: str
    chat_id: str


@dataclass(frozen=True)
class Identity:
    member: MemberView | None
    account: AccountView | None
    focal_units: tuple[int, ...] = ()
    coordinator: bool = False
    leader: bool = False
    admin: bool = False

    @property
    def registered(self) -> bool:
        return self.member is not None and bool(self.roles)

    @property
    def roles(self) -> frozenset[str]:
        roles = set()
        if self.focal_units:
            roles.add(Role.focal)
        if self.coordinator:
            roles.add(Role.coordinator)
        if self.leader:
            roles.add(Role.leader)
        if self.admin:
            roles.add(Role.admin)
        return frozenset(roles)

    def actor(self, channel: str, user_id: str) -> str:
        return f"{channel}:{user_id}"


# One round trip of plain columns, built once: this runs for every message the cache has not seen.
_IDENTITY = (
    # sqlmodel's select is typed for up to 4 columns and session.exec takes no other: 11 here.
    select(  # type: ignore[call-overload]
           ChannelAccount.id, ChannelAccount.channel, ChannelAccount.external_id, ChannelAccount.chat_id,
           Member.id, Member.display_name, Member.locale, Member.preferred_channel,
           RoleGrant.role, RoleGrant.unit_id, RoleGrant.status)
    .join(Member, Member.id == ChannelAccount.member_id)
    .outerjoin(RoleGrant, and_(col(RoleGrant.member_id) == Member.id, col(RoleGrant.status) != GrantStatus.revoked))
    .where(ChannelAccount.channel == bindparam("channel"), ChannelAccount.external_id == bindparam("user_id"))
)


async def identify(session: AsyncSession, channel: str, user_id: str, *, admins: list[str] | tuple[str, ...] = ()
                   ) -> Identity:
    """Who this is, read from the database now (the dispatcher asks `IdentityCache` instead)."""
    admin = f"{channel}:{user_id}" in admins
    rows = (await (await session.connection()).execute(_IDENTITY, {"channel": channel, "user_id": user_id})).all()
    if not rows:
        return Identity(None, None, admin=admin)
    first = rows[0]
    grants = [(role, unit_id, status) for *_person, role, unit_id, status in rows if role is not None]
    active = [(role, unit_id) for role, unit_id, status in grants if status == GrantStatus.active]
    return Identity(
        member=MemberView(id=first[4], display_name=first[5], locale=first[6], preferred_channel=first[7]),
        account=AccountView(id=first[0], channel=first[1], external_id=first[2], chat_id=first[3]),
        focal_units=tuple(sorted({unit for role, unit in active if role == Role.focal and unit})),
        coordinator=any(role == Role.coordinator for role, _unit in active),
        leader=any(role == Role.leader for role, _unit in active),
        admin=admin or any(role == Role.admin for role, _unit in active),
    )


class IdentityCache:
    """Who is who, kept per process between messages and dropped whole whenever the people revision moves
    (models/store/revisions.py: any change to a member, account or role, in any process, moves it in the same
    transaction). A message therefore never acts on rights older than the last committed change."""

    def __init__(self, size: int = 50_000) -> None:
        self._size = size
        self._revision: int | None = None
        self._known: OrderedDict[tuple[str, str], Identity] = OrderedDict()

    async def identify(self, session: AsyncSession, channel: str, user_id: str, *, revision: int,
                       admins: list[str] | tuple[str, ...] = ()) -> Identity:
        """Who this is at `revision`, which the caller read in this transaction before calling."""
        if revision != self._revision:
            self._known.clear()
            self._revision = revision
        key = (channel, user_id)
        found = self._known.get(key)
        if found is None:
            found = await identify(session, channel, user_id)
            self._known[key] = found
            if len(self._known) > self._size:
                self._known.popitem(last=False)
        else:
            self._known.move_to_end(key)
        # Admins come from the settings, not the database: applied on each use, never cached.
        return replace(found, admin=True) if f"{channel}:{user_id}" in admins else found


async def ensure_account(session: AsyncSession, *, channel: str, user_id: str, chat_id: str, display_name: str,
                         username: str = "") -> tuple[Member, ChannelAccount]:
    """The person's member row and channel account, created on first sight (e.g. a configured admin)."""
    account = (await session.exec(select(ChannelAccount).where(
        ChannelAccount.channel == channel, ChannelAccount.external_id == user_id))).first()
    if account is not None:
        member = await session.get(Member, account.member_id)
        assert member is not None
        if chat_id and account.chat_id != chat_id:
            account.chat_id = chat_id
        return member, account
    member = Member(display_name=display_name or username or user_id)
    session.add(member)
    await session.flush()
    account = ChannelAccount(member_id=member.id, channel=channel, external_id=user_id, chat_id=chat_id,
                             display_name=display_name, username=username)
    session.add(account)
    await session.flush()
    return member, account


# --- invite codes -----------------------------------------------------------------------------


def parse_role(text: str) -> str | None:
    key = fold(text)
    return next((role for role, words in ROLE_WORDS.items() if key in words), None)


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(text: str) -> str:
    """What a person typed, as the code it stands for: case, spaces, dashes and look-alikes do not matter."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum()).translate(_CONFUSABLE)
    return cleaned


def looks_like_code(text: str) -> bool:
    cleaned = normalise_code(text)
    return len(cleaned) == CODE_LENGTH and all(ch in ALPHABET for ch in cleaned)


def hash_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode("ascii", "ignore")).hexdigest()


async def create_invite(session: AsyncSession, *, role: str, unit_id: int | None, created_by: str, now: datetime,
                        days: int, member_id: int | None = None) -> tuple[Invite, str]:
    if role not in INVITE_ROLES:
        raise ValueError(role)
    if role == Role.focal and unit_id is None:
        raise ValueError("a focal invite needs a unit")
    code = new_code()
    invite = Invite(code_hash=hash_code(code), role=role, unit_id=unit_id, created_by=created_by,
                    created_at=now, expires_at=now + timedelta(days=days))
    session.add(invite)
    await session.flush()
    await record(session, created_by, "invite.create", "invite", invite.id,
                 {"role": role, "unit_id": unit_id, "expires_at": invite.expires_at.isoformat()}, member_id=member_id)
    return invite, code


class InviteRejected(Exception):
    def __init__(self, reason: str, ended: Unit | None = None) -> None:
        # unknown | used | expired | throttled | unit_ended (`ended`: the invite's unit, gone with no successor)
        super().__init__(reason)
        self.reason = reason
        self.ended = ended


@dataclass(frozen=True)
class Redeemed:
    member: Member
    account: ChannelAccount
    grant: RoleGrant
    unit: Unit | None
    # The invite was made for a unit that has since merged or retired: the person was registered for
    # the unit that carries its work on the day (`unit`) instead; how that came about.
    succession: Succession | None = None


async def _unit_on(session: AsyncSession, unit_id: int, day: date) -> tuple[Unit, Succession | None]:
    """The invite's unit as it stands on `day`: itself, or (merged, retired) its successor and the step
    that led there. InviteRejected("unit_ended") when it ended with no successor."""
    unit = await session.get(Unit, unit_id)
    assert unit is not None
    ended = not unit.active or (unit.valid_to is not None and unit.valid_to < day)
    if not ended:
        return unit, None  # in force, or not started yet: a focal point may be registered ahead
    units = {u.id: u for u in (await session.exec(select(Unit))).all()}  # the province's units
    current = current_of(units, unit, day)
    if current is None:
        raise InviteRejected("unit_ended", unit)
    kinds = dict((await session.exec(select(UnitEvent.unit_id, UnitEvent.kind).where(
        UnitEvent.unit_id == unit.id, col(UnitEvent.kind).in_(["merge", "retire"])))).all())
    return current, succession(unit, current, kinds)


async def failed_redemptions(session: AsyncSession, actor: str, now: datetime) -> int:
    return (await session.exec(select(func.count()).select_from(AuditLog).where(
        AuditLog.actor == actor, AuditLog.action == "invite.rejected",
        AuditLog.at >= now - timedelta(hours=1)))).one()


async def redeem_invite(session: AsyncSession, code: str, *, channel: str, user_id: str, chat_id: str,
                        display_name: str, username: str, now: datetime, today: date) -> Redeemed:
    """Register the person with the invite's role, for the invite's unit as it stands `today` (its
    successor, when it has merged or retired since the invite was made). Raises InviteRejected (after
    auditing it)."""
    actor = f"{channel}:{user_id}"
    if await failed_redemptions(session, actor, now) >= MAX_FAILED_REDEMPTIONS_PER_HOUR:
        raise InviteRejected("throttled")
    invite = (await session.exec(select(Invite).where(Invite.code_hash == hash_code(code),
                                                      Invite.role != "link"))).first()
    reason = None
    if invite is None:
        reason = "unknown"
    elif invite.used_at is not None:
        reason = "used"
    elif invite.expires_at <= now:
        reason = "expired"
    if reason:
        await record(session, actor, "invite.rejected", "invite", invite.id if invite else "", {"reason": reason})
        raise InviteRejected(reason)
    assert invite is not None
    unit: Unit | None = None
    step: Succession | None = None
    if invite.unit_id is not None:
        try:
            unit, step = await _unit_on(session, invite.unit_id, today)
        except InviteRejected:
            # Not counted as a failed attempt (a real code, not a guess): the code stays unused, for the
            # coordinators to see, and the person is told to ask for a new one.
            await record(session, actor, "invite.unit_ended", "invite", invite.id, {"unit_id": invite.unit_id})
            raise
    # Claim the code first: of two people racing for one code, exactly one UPDATE matches.
    claimed = await session.exec(update(Invite).where(col(Invite.id) == invite.id, col(Invite.used_at).is_(None))
                                 .values(used_at=now))
    if claimed.rowcount != 1:
        await record(session, actor, "invite.rejected", "invite", invite.id, {"reason": "used"})
        raise InviteRejected("used")
    member, account = await ensure_account(session, channel=channel, user_id=user_id, chat_id=chat_id,
                                           display_name=display_name, username=username)
    unit_id = unit.id if unit is not None else None
    grant = (await session.exec(select(RoleGrant).where(
        RoleGrant.member_id == member.id, RoleGrant.role == invite.role, RoleGrant.unit_id == unit_id,
        RoleGrant.status == GrantStatus.active))).first()
    if grant is None:
        grant = RoleGrant(member_id=member.id, role=invite.role, unit_id=unit_id, granted_at=now,
                          granted_by=invite.created_by)
        session.add(grant)
    invite.used_by_member_id = member.id
    await session.flush()
    details: dict[str, object] = {"role": invite.role, "unit_id": unit_id}
    if step is not None:
        details["invited_for"] = invite.unit_id  # the audit trail says why the unit differs from the invite's
    await record(session, actor, "invite.redeem", "invite", invite.id, details, member_id=member.id)
    return Redeemed(member, account, grant, unit, succession=step)


# --- one person, several channels -----------------------------------------------------------

LINK_MINUTES = 15


async def create_link_code(session: AsyncSession, *, member_id: int, actor: str, now: datetime) -> tuple[Invite, str]:
    """A short-lived code that joins another channel account to this member."""
    code = new_code()
    invite = Invite(code_hash=hash_code(code), role="link", member_id=member_id, created_by=actor, created_at=now,
                    expires_at=now + timedelta(minutes=LINK_MINUTES))
    session.add(invite)
    await session.flush()
    return invite, code


async def is_link_code(session: AsyncSession, code: str) -> bool:
    return (await session.exec(select(Invite.id).where(Invite.code_hash == hash_code(code),
                                                       Invite.role == "link"))).first() is not None


async def redeem_link_code(session: AsyncSession, code: str, *, channel: str, user_id: str, chat_id: str,
                           display_name: str, username: str, now: datetime) -> Member:
    """Attach this channel account to the code's member. If the account already belonged to someone (a
    second invite used on the other channel), that person's roles move over: they are one person."""
    actor = f"{channel}:{user_id}"
    if await failed_redemptions(session, actor, now) >= MAX_FAILED_REDEMPTIONS_PER_HOUR:
        raise InviteRejected("throttled")
    invite = (await session.exec(select(Invite).where(Invite.code_hash == hash_code(code),
                                                      Invite.role == "link"))).first()
    reason = None if invite else "unknown"
    if invite and invite.used_at is not None:
        reason = "used"
    elif invite and invite.expires_at <= now:
        reason = "expired"
    if reason:
        await record(session, actor, "invite.rejected", "link", invite.id if invite else "", {"reason": reason})
        raise InviteRejected(reason)
    assert invite is not None and invite.member_id is not None
    claimed = await session.exec(update(Invite).where(col(Invite.id) == invite.id, col(Invite.used_at).is_(None))
                                 .values(used_at=now))
    if claimed.rowcount != 1:
        raise InviteRejected("used")
    target = await session.get(Member, invite.member_id)
    assert target is not None
    account = (await session.exec(select(ChannelAccount).where(
        ChannelAccount.channel == channel, ChannelAccount.external_id == user_id))).first()
    if account is None:
        session.add(ChannelAccount(member_id=target.id, channel=channel, external_id=user_id, chat_id=chat_id,
                                   display_name=display_name, username=username))
    elif account.member_id != target.id:
        previous = account.member_id
        account.member_id = target.id
        for grant in (await session.exec(select(RoleGrant).where(RoleGrant.member_id == previous,
                                                                 RoleGrant.status != GrantStatus.revoked))).all():
            duplicate = (await session.exec(select(RoleGrant).where(
                RoleGrant.member_id == target.id, RoleGrant.role == grant.role, RoleGrant.unit_id == grant.unit_id,
                RoleGrant.status == grant.status))).first()
            if duplicate is None:
                grant.member_id = target.id
            else:
                grant.status, grant.revoked_at = GrantStatus.revoked, now
    invite.used_by_member_id = target.id
    await session.flush()
    await record(session, actor, "member.link", "member", target.id, {"channel": channel}, member_id=target.id)
    return target
