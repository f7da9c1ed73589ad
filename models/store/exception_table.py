"""The table of exceptions to what a unit owes (models/exceptions.py), re-exported by models/store/tables.py."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from models.store.base import UTCDateTime, utcnow


class ObligationException(SQLModel, table=True):
    """A coordinator's extension of a deadline, or an exemption from a report, for one unit and task: one
    period (`period_id`), or, for an exemption "từ nay", every period due on or after `from_day`. Revoked
    rows stay (`revoked_at`; who revoked is in the audit log): the history of who allowed what is kept."""

    __table_args__ = (Index("ix_obligationexception_unit_task", "unit_id", "task_id"),)
    id: int = Field(default=None, primary_key=True)
    kind: str  # extension | exemption
    unit_id: int = Field(foreign_key="unit.id")
    task_id: int = Field(foreign_key="task.id")
    period_id: int | None = Field(default=None, foreign_key="period.id")  # None: from `from_day` on
    from_day: date | None = None
    new_due: date | None = None  # extensions: the new deadline (after the period's own)
    reason: str
    created_by: str  # actor, as in the audit log
    member_id: int | None = Field(default=None, foreign_key="member.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
