"""Where things stand: obligations paired with their latest report.

- current: for each reporting assignment and schedule, the period coming due (open for reports —
  see `opens_on` — and its deadline not passed);
- overdue: deadline passed, nothing reported;
- recent: deadline passed in the last 30 days (reported or not) — the round just closed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.obligations import Obligation, obligations
from models.tables import Indicator, Plan, Report, ReportValue

RECENT_DAYS = 30
OPEN_DAYS_BEFORE_DUE = 366


@dataclass(frozen=True)
class Item:
    obligation: Obligation
    report: Report | None
    values: dict[str, Decimal] = field(default_factory=dict)  # indicator code → value

    @property
    def reported(self) -> bool:
        return self.report is not None

    def overdue(self, today: date) -> bool:
        return self.report is None and self.obligation.due < today


async def with_reports(session: AsyncSession, found: Sequence[Obligation]) -> list[Item]:
    if not found:
        return []
    period_ids = sorted({o.period_id for o in found})
    assignment_ids = sorted({o.assignment_id for o in found})
    reports = (await session.exec(select(Report).where(
        Report.is_latest, Report.period_id.in_(period_ids), Report.assignment_id.in_(assignment_ids)))).all()
    latest = {(r.assignment_id, r.period_id): r for r in reports}
    values: dict[int, dict[str, Decimal]] = {}
    if reports:
        rows = (await session.exec(
            select(ReportValue.report_id, Indicator.code, ReportValue.value)
            .join(Indicator, Indicator.id == ReportValue.indicator_id)
            .where(ReportValue.report_id.in_([r.id for r in reports])))).all()
        for report_id, code, value in rows:
            values.setdefault(report_id, {})[code] = Decimal(value)
    items = []
    for o in found:
        report = latest.get((o.assignment_id, o.period_id))
        items.append(Item(o, report, values.get(report.id, {}) if report else {}))
    return items


def opens_on(o: Obligation) -> date:
    """A period takes reports from its window's start, but at most a year before its deadline: the
    2030 final review has a window from 2021 and is not "open" for nine years."""
    return max(o.window_start, o.due - timedelta(days=OPEN_DAYS_BEFORE_DUE))


def _current_only(found: Iterable[Obligation], today: date) -> list[Obligation]:
    best: dict[tuple[int, int], Obligation] = {}
    for o in found:
        if opens_on(o) > today:
            continue
        key = (o.assignment_id, o.schedule_id)
        if key not in best or o.due < best[key].due:
            best[key] = o
    return sorted(best.values(), key=lambda o: (o.due, o.unit_code, o.task_code))


async def current_items(session: AsyncSession, plan: Plan, today: date, *, unit_ids: list[int] | None = None
                        ) -> list[Item]:
    horizon = today + timedelta(days=OPEN_DAYS_BEFORE_DUE)
    found = await obligations(session, plan, due_from=max(today, plan.track_from), due_to=horizon,
                              unit_ids=unit_ids)
    return await with_reports(session, _current_only(found, today))


async def overdue_items(session: AsyncSession, plan: Plan, today: date, *, unit_ids: list[int] | None = None
                        ) -> list[Item]:
    found = await obligations(session, plan, due_from=plan.track_from, due_to=today - timedelta(days=1),
                              unit_ids=unit_ids)
    return [i for i in await with_reports(session, found) if not i.reported]


async def recent_items(session: AsyncSession, plan: Plan, today: date, *, unit_ids: list[int] | None = None
                       ) -> list[Item]:
    found = await obligations(session, plan, due_from=max(today - timedelta(days=RECENT_DAYS), plan.track_from),
                              due_to=today - timedelta(days=1), unit_ids=unit_ids)
    return await with_reports(session, found)


async def reportable_items(session: AsyncSession, plan: Plan, today: date, unit_ids: list[int]) -> list[Item]:
    """What a unit can report on now: overdue reports, periods closed in the last days (a correction
    after the deadline is accepted, marked late), then the current periods."""
    overdue = await overdue_items(session, plan, today, unit_ids=unit_ids)
    recent = [i for i in await recent_items(session, plan, today, unit_ids=unit_ids) if i.reported]
    current = await current_items(session, plan, today, unit_ids=unit_ids)
    result: list[Item] = []
    seen: set[tuple[int, int]] = set()
    for item in [*overdue, *recent, *current]:
        key = (item.obligation.assignment_id, item.obligation.period_id)
        if key not in seen:
            seen.add(key)
            result.append(item)
    return result
