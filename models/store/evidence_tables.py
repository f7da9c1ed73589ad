"""The tables of issue 14's evidence files and support units' contributions (kept apart from tables.py,
which holds everything else, so that neither grows past one reader's reach; tables.py imports this module,
so every table is known wherever the tables are)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from models.store.base import UTCDateTime, utcnow


class Evidence(SQLModel, table=True):
    """A file a focal point attached to a report (or, with no report yet, a draft attachment for their next
    one). The bytes are outside the database, in the files folder, named by their sha256: the same file sent
    twice is stored once and has two rows here, one per sending."""

    __table_args__ = (Index("ix_evidence_member_report", "member_id", "report_id"),)
    id: int = Field(default=None, primary_key=True)
    sha256: str = Field(index=True)
    name: str  # as the sender's app named it
    mime: str
    size: int  # bytes
    report_id: int | None = Field(default=None, foreign_key="report.id", index=True)  # None: a draft attachment
    member_id: int | None = Field(default=None, foreign_key="member.id")  # who sent it
    channel: str = ""
    sent_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Contribution(SQLModel, table=True):
    """What a support unit sent for a task it supports, for one of the lead's periods: shown beside the lead's
    report, never counted as it, never chased. Rows are never edited; each sending is a new row."""

    __table_args__ = (Index("ix_contribution_task_period", "task_id", "period_id"),)
    id: int = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id")
    period_id: int = Field(foreign_key="period.id")
    unit_id: int = Field(foreign_key="unit.id")  # the support unit
    member_id: int | None = Field(default=None, foreign_key="member.id")
    channel: str = ""
    status: str  # ReportStatus
    percent: int | None = None
    note: str = ""
    raw_text: str = ""  # exactly what was typed
    submitted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
