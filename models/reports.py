"""Filing a progress report: a new version every time, the typed text kept verbatim."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from decimal import Decimal

import sqlalchemy
from sqlalchemy import Table, bindparam, func, insert, text, tuple_, update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.review import COUNTS, Review
from models.store.prepared import Prepared
from models.store.tables import Report, ReportValue

MAX_TEXT = 2000  # per field; longer answers are refused with a request to shorten, never cut


@dataclass
class ReportInput:
    status: str
    percent: int | None = None
    values: dict[int, Decimal] = field(default_factory=dict)  # indicator id → value
    note: str = ""
    obstacles: str = ""
    proposals: str = ""
    raw_text: str = ""
    via: str = "guided"


# Core table: these statements bypass the ORM's unit of work. (SQLAlchemy sets __table__; SQLModel does not declare it.)
REPORT: Table = Report.__table__  # type: ignore[attr-defined]
_FIELDS = ("assignment_id", "period_id", "is_latest", "member_id", "channel", "status", "percent", "note", "obstacles",
           "proposals", "raw_text", "via", "late", "submitted_at", "review", "reviewed_at")
# The version is counted inside the INSERT. SQLite runs it under its single write lock; PostgreSQL first
# takes a transaction lock per (assignment, period). Should two still collide, the unique key refuses
# one and its message is handled again (handlers/app.py).
_SAME_TASK_LOCK = Prepared(text("SELECT pg_advisory_xact_lock(:a, :p)"))
_PRIOR = REPORT.alias("prior")
_INSERT_REPORT = Prepared(insert(REPORT).from_select(
    [*_FIELDS, "version"],
    sqlalchemy.select(*(bindparam(name, type_=REPORT.c[name].type) for name in _FIELDS),  # any number of columns
           (func.coalesce(func.max(_PRIOR.c.version), 0) + 1))
    .where(_PRIOR.c.assignment_id == bindparam("assignment_id"), _PRIOR.c.period_id == bindparam("period_id")),
).returning(REPORT.c.id, REPORT.c.version))
_SUPERSEDE = Prepared(update(REPORT).where(
    REPORT.c.assignment_id == bindparam("a"), REPORT.c.period_id == bindparam("p"), REPORT.c.is_latest,
    REPORT.c.id != bindparam("new_id")).values(is_latest=False))
_INSERT_VALUES = Prepared(insert(ReportValue.__table__).values(  # type: ignore[attr-defined]  # as REPORT
    report_id=bindparam("r"), indicator_id=bindparam("i"), value=bindparam("v")))


def is_late(at: datetime, due: date, tz: tzinfo) -> bool:
    """Late once the deadline day is over, in the plan's time zone."""
    return at.astimezone(tz).date() > due


@dataclass(frozen=True)
class Filed:
    """What the person is told back about the version just written."""
    id: int
    version: int
    status: str
    percent: int | None
    late: bool


async def submit_report(session: AsyncSession, *, assignment_id: int, period_id: int, due: date, tz: tzinfo,
                        data: ReportInput, member_id: int | None, channel: str, at: datetime,
                        review_on: bool = True) -> Filed:
    """Add a version; earlier versions stay, no longer marked latest. Commits nothing. With review switched
    off for the plan (`review: false`), the version is accepted on arrival."""
    row = {"assignment_id": assignment_id, "period_id": period_id, "is_latest": True, "member_id": member_id,
           "channel": channel, "status": data.status, "percent": data.percent, "note": data.note,
           "obstacles": data.obstacles, "proposals": data.proposals, "raw_text": data.raw_text, "via": data.via,
           "late": is_late(at, due, tz), "submitted_at": at,
           "review": Review.new.value if review_on else Review.accepted.value, "reviewed_at": None if review_on else at}
    # Prepared statements on the session's connection (same transaction): every message files one, and
    # SQLAlchemy's per-statement work cost more than SQLite's (models/store/prepared.py).
    if session.get_bind().dialect.name == "postgresql":
        # Reports on one task and period queue here until the previous one commits, so the version
        # counted below sees it (READ COMMITTED takes the snapshot when the INSERT starts).
        await _SAME_TASK_LOCK.rows(session, {"a": assignment_id, "p": period_id})
    ((report_id, version),) = await _INSERT_REPORT.rows(session, row)
    if version > 1:
        await _SUPERSEDE.run(session, {"a": assignment_id, "p": period_id, "new_id": report_id})
    await _INSERT_VALUES.run_many(session, [{"r": report_id, "i": indicator_id, "v": value}
                                            for indicator_id, value in data.values.items()])
    # No audit entry: the report row is itself the record of who filed what, when and how (rows are never
    # edited), so the audit log keeps to changes that leave no history of their own.
    return Filed(report_id, version, data.status, data.percent, bool(row["late"]))


async def reported(session: AsyncSession, pairs: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    """Which (assignment, period) pairs have a report that counts."""
    wanted = sorted(set(pairs))
    found: set[tuple[int, int]] = set()
    for start in range(0, len(wanted), 400):
        chunk = wanted[start:start + 400]
        found |= {(a, p) for a, p in (await session.exec(
            select(Report.assignment_id, Report.period_id).where(
                COUNTS, tuple_(Report.assignment_id, Report.period_id).in_(chunk)))).all()}
    return found
