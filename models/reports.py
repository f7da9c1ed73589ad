"""Filing a progress report: a new version every time, the typed text kept verbatim."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from decimal import Decimal

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import record
from models.tables import Indicator, Report, ReportValue, TaskIndicator

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


def is_late(at: datetime, due: date, tz: tzinfo) -> bool:
    """Late once the deadline day is over, in the plan's time zone."""
    return at.astimezone(tz).date() > due


async def submit_report(session: AsyncSession, *, assignment_id: int, period_id: int, due: date, tz: tzinfo,
                        data: ReportInput, member_id: int | None, channel: str, actor: str, at: datetime) -> Report:
    """Add a version; the previous latest one stays, marked as superseded. Commits nothing."""
    for _attempt in range(3):
        version = (await session.exec(select(func.coalesce(func.max(Report.version), 0)).where(
            Report.assignment_id == assignment_id, Report.period_id == period_id))).one() + 1
        try:
            async with session.begin_nested():
                await session.exec(update(Report).where(
                    Report.assignment_id == assignment_id, Report.period_id == period_id, Report.is_latest)
                    .values(is_latest=False))
                report = Report(assignment_id=assignment_id, period_id=period_id, version=version, is_latest=True,
                                member_id=member_id, channel=channel, status=data.status, percent=data.percent,
                                note=data.note, obstacles=data.obstacles, proposals=data.proposals,
                                raw_text=data.raw_text, via=data.via, late=is_late(at, due, tz), submitted_at=at)
                session.add(report)
                await session.flush()
                for indicator_id, value in data.values.items():
                    session.add(ReportValue(report_id=report.id, indicator_id=indicator_id, value=value))
                await session.flush()
            break
        except IntegrityError:  # someone else filed the same version at the same moment: number again
            continue
    else:
        raise RuntimeError("could not number the report version")
    await record(session, actor, "report.submit", "report", report.id, {
        "assignment_id": assignment_id, "period_id": period_id, "version": version, "via": data.via,
        "late": report.late}, member_id=member_id)
    return report


async def task_indicators(session: AsyncSession, task_id: int) -> list[Indicator]:
    return list((await session.exec(
        select(Indicator).join(TaskIndicator, TaskIndicator.indicator_id == Indicator.id)
        .where(TaskIndicator.task_id == task_id, Indicator.active).order_by(TaskIndicator.position))).all())
