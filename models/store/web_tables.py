"""The web view's tables (models/web_access.py): sign-in links and sessions; re-exported by models/store/tables.py."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.store.base import UTCDateTime, utcnow


class WebLink(SQLModel, table=True):
    """A one-time sign-in link to the web view (models/web_access.py): valid minutes, used once."""

    id: int = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True)  # sha256 of the token: a leaked database opens no session
    role: str  # coordinator | leader | admin | focal
    unit_id: int | None = Field(default=None, foreign_key="unit.id")  # the focal point's unit
    member_id: int | None = Field(default=None, foreign_key="member.id")  # None: made by the IT officer (CLI)
    locale: str = "vi"
    created_by: str
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class WebSession(SQLModel, table=True):
    """A signed-in browser. The cookie holds the token; the database only its hash."""

    id: int = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True)
    csrf_token: str  # bound to the session: every form posted in it must carry this value
    link_id: int | None = Field(default=None, foreign_key="weblink.id")
    role: str
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    member_id: int | None = Field(default=None, foreign_key="member.id")
    locale: str = "vi"
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # signed out
