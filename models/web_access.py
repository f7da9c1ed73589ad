"""Who may open the web view: one-time sign-in links and the browser sessions they start.

A link is made in chat (/web) or by the IT officer (`nhacviec web-link`). It carries a random
256-bit token, is valid LINK_MINUTES and opens one session; the database keeps only the token's
SHA-256 hash, like invite codes (models/people.py), so a copy of the database opens nothing.
Opening a link only *shows* a confirmation page (chat apps fetch links to preview them); the
session starts when the person presses the button, and lasts SESSION_HOURS or until sign-out.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.store.audit import record
from models.store.tables import GrantStatus, Member, Role, RoleGrant, Unit, WebLink, WebSession

LINK_MINUTES = 15
SESSION_HOURS = 8
WEB_ROLES = (Role.coordinator, Role.leader, Role.admin, Role.focal)
KEEP_EXPIRED = timedelta(days=7)  # expired rows are kept a while for the audit trail, then removed


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "ignore")).hexdigest()


@dataclass(frozen=True)
class Access:
    """What a link or a session lets its holder see: the whole province, or one unit."""

    role: str
    unit_id: int | None
    member_id: int | None
    locale: str

    @property
    def province(self) -> bool:
        return self.role != Role.focal

    def may_see_unit(self, unit_id: int) -> bool:
        return self.province or self.unit_id == unit_id


@dataclass(frozen=True)
class SignedIn:
    """A live browser session (never its token: only the hash is stored)."""

    id: int
    access: Access
    csrf_token: str
    expires_at: datetime
    name: str  # who, for the page header


class LinkRejected(Exception):
    def __init__(self, reason: str) -> None:  # unknown | used | expired
        super().__init__(reason)
        self.reason = reason


async def create_link(session: AsyncSession, *, role: str, unit_id: int | None, member_id: int | None,
                      now: datetime, locale: str = "vi", created_by: str = "system") -> str:
    """A new sign-in link's token (the caller builds the URL and commits)."""
    if role not in WEB_ROLES:
        raise ValueError(f"role {role!r} cannot sign in to the web view")
    if (role == Role.focal) != (unit_id is not None):
        raise ValueError("a focal point's link needs exactly its unit; other roles see the whole province")
    # Old rows go when new ones come: no scheduled clean-up job needed.
    await session.exec(delete(WebSession).where(col(WebSession.expires_at) < now - KEEP_EXPIRED))
    await session.exec(delete(WebLink).where(col(WebLink.expires_at) < now - KEEP_EXPIRED,
                                             col(WebLink.id).not_in(select(WebSession.link_id).where(
                                                 col(WebSession.link_id).is_not(None)))))
    token = new_token()
    link = WebLink(token_hash=hash_token(token), role=role, unit_id=unit_id, member_id=member_id, locale=locale,
                   created_by=created_by, created_at=now, expires_at=now + timedelta(minutes=LINK_MINUTES))
    session.add(link)
    await session.flush()
    await record(session, created_by, "web.link", "weblink", link.id, {"role": role, "unit_id": unit_id},
                 member_id=member_id)
    return token


async def check_link(session: AsyncSession, token: str, *, now: datetime) -> Access:
    """The link's access if it can still be used; LinkRejected otherwise. Changes nothing."""
    link = await _usable_link(session, token, now)
    return Access(link.role, link.unit_id, link.member_id, link.locale)


async def _usable_link(session: AsyncSession, token: str, now: datetime) -> WebLink:
    link = (await session.exec(select(WebLink).where(WebLink.token_hash == hash_token(token)))).first()
    if link is None:
        raise LinkRejected("unknown")
    if link.used_at is not None:
        raise LinkRejected("used")
    if link.expires_at <= now:
        raise LinkRejected("expired")
    return link


@dataclass(frozen=True)
class Started:
    token: str  # for the cookie; not stored
    signed_in: SignedIn


async def redeem_link(session: AsyncSession, token: str, *, now: datetime, actor: str = "web") -> Started:
    """Use the link once and start a session. Raises LinkRejected (audited) when it cannot."""
    try:
        link = await _usable_link(session, token, now)
    except LinkRejected as error:
        await record(session, actor, "web.link_rejected", "weblink", "", {"reason": error.reason})
        raise
    # Of two presses racing for one link, exactly one UPDATE matches.
    claimed = await session.exec(update(WebLink).where(col(WebLink.id) == link.id, col(WebLink.used_at).is_(None))
                                 .values(used_at=now))
    if claimed.rowcount != 1:
        await record(session, actor, "web.link_rejected", "weblink", link.id, {"reason": "used"})
        raise LinkRejected("used")
    access = Access(link.role, link.unit_id, link.member_id, link.locale)
    session_token = new_token()
    row = WebSession(token_hash=hash_token(session_token), csrf_token=new_token(), link_id=link.id,
                     role=access.role, unit_id=access.unit_id, member_id=access.member_id, locale=access.locale,
                     created_at=now, expires_at=now + timedelta(hours=SESSION_HOURS))
    session.add(row)
    await session.flush()
    await record(session, actor, "web.signin", "websession", row.id, {"role": access.role, "unit_id": access.unit_id},
                 member_id=access.member_id)
    return Started(session_token, await _signed_in(session, row))


async def find_session(session: AsyncSession, token: str, *, now: datetime) -> SignedIn | None:
    """The live session this cookie value belongs to, or None (unknown, expired or signed out)."""
    if not token:
        return None
    row = (await session.exec(select(WebSession).where(WebSession.token_hash == hash_token(token)))).first()
    if row is None or row.ended_at is not None or row.expires_at <= now:
        return None
    if not await _still_holds(session, row):
        return None
    return await _signed_in(session, row)


async def _still_holds(session: AsyncSession, row: WebSession) -> bool:
    """A person whose role was taken away loses the web view at once, not when the session ends.
    Links the IT officer made (no member) and admins (configured, not granted) are not checked."""
    if row.member_id is None or row.role == Role.admin:
        return True
    found = select(RoleGrant.id).where(RoleGrant.member_id == row.member_id, RoleGrant.role == row.role,
                                       RoleGrant.status == GrantStatus.active)
    if row.unit_id is not None:
        found = found.where(RoleGrant.unit_id == row.unit_id)
    return (await session.exec(found.limit(1))).first() is not None


async def end_session(session: AsyncSession, session_id: int, *, now: datetime, actor: str = "web") -> None:
    await session.exec(update(WebSession).where(col(WebSession.id) == session_id, col(WebSession.ended_at).is_(None))
                       .values(ended_at=now))
    await record(session, actor, "web.signout", "websession", session_id)


async def _signed_in(session: AsyncSession, row: WebSession) -> SignedIn:
    assert row.id is not None
    name = ""
    if row.member_id is not None:
        member = await session.get(Member, row.member_id)
        name = member.display_name if member else ""
    if row.unit_id is not None:
        unit = await session.get(Unit, row.unit_id)
        name = f"{name} · {unit.code}" if name and unit else (unit.code if unit else name)
    return SignedIn(row.id, Access(row.role, row.unit_id, row.member_id, row.locale), row.csrf_token,
                    row.expires_at, name)


LOGIN_PATH = "/web/login/"


def login_url(base: str, token: str) -> str:
    """The link to send: `base` is NHACVIEC_PUBLIC_URL (or the listener's address for a local test)."""
    return f"{base.rstrip('/')}{LOGIN_PATH}{token}"
