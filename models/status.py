"""Where things stand: obligations paired with their latest report, sorted into

- current: for each reporting assignment and schedule, the period coming due (open for reports —
  see `opens_on` — and its deadline not passed);
- overdue: deadline passed since the plan is followed (Plan.track_from), nothing reported that counts (a
  returned or withdrawn latest version is carried along, to say so);
- recent: deadline passed in the last 30 days (reported or not) — the round just closed.

One obligations query and one reports query answer all three (`snapshot`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy
from sqlalchemy import Table, bindparam
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.obligation_cache import Obligations
from models.obligations import Obligation, unreported, with_latest_reports
from models.review import COUNTS, counted
from models.store.prepared import Prepared
from models.store.tables import Indicator, Plan, Report, ReportValue

RECENT_DAYS = 30
OPEN_DAYS_BEFORE_DUE = 366


@dataclass(frozen=True)
class Item:
    obligation: Obligation
    report: Report | None
    values: dict[str, Decimal] = field(default_factory=dict)  # indicator code → value

    @property
    def reported(self) -> bool:
        """Reported, by the one rule (models/review.py): a returned or withdrawn version does not count."""
        return counted(self.report)

    def overdue(self, today: date) -> bool:
        return not self.reported and self.obligation.due < today and not self.exempt

    @property
    def exempt(self) -> bool:
        """Not reported and not owed (an exemption, or the unit's end: models/exceptions.py)."""
        return not self.reported and bool(self.obligation.exemption)

    @property
    def missing(self) -> bool:
        """Owed and not reported (by the one rule: a returned or withdrawn version does not count)."""
        return not self.reported and not self.obligation.exemption


@dataclass(frozen=True)
class Snapshot:
    current: list[Item]
    recent: list[Item]
    overdue: list[Item]

    def reportable(self) -> list[Item]:
        """What can be reported on now: overdue reports, periods closed in the last days that were
        reported (a correction after the deadline is accepted, marked late), then the current ones."""
        result: list[Item] = []
        seen: set[tuple[int, int]] = set()
        for item in [*self.overdue, *(i for i in self.recent if i.reported), *self.current]:
            key = (item.obligation.assignment_id, item.obligation.period_id)
            if key not in seen:
                seen.add(key)
                result.append(item)
        return result


def opens_on(o: Obligation) -> date:
    """A period takes reports from its window's start, but at most a year before its deadline: the
    2030 final review has a window from 2021 and is not "open" for nine years."""
    return max(o.window_start, o.due - timedelta(days=OPEN_DAYS_BEFORE_DUE))


async def _values(session: AsyncSession, reports: Sequence[Report]) -> dict[int, dict[str, Decimal]]:
    by_report: dict[int, dict[str, Decimal]] = {}
    if reports:
        rows = (await session.exec(
            # col(): Decimal is not among sqlmodel's scalar types, which select is typed for
            select(ReportValue.report_id, Indicator.code, col(ReportValue.value))
            .join(Indicator, col(Indicator.id) == ReportValue.indicator_id)
            .where(col(ReportValue.report_id).in_([r.id for r in reports])))).all()
        for report_id, code, value in rows:
            by_report.setdefault(report_id, {})[code] = Decimal(value)
    return by_report


# Prepared: a unit's open items read it for every report filed.
_REPORT: Table = Report.__table__  # type: ignore[attr-defined]  # set by SQLAlchemy, undeclared by SQLModel
_LATEST = Prepared(sqlalchemy.select(_REPORT).where(
    _REPORT.c.is_latest, _REPORT.c.period_id.in_(bindparam("periods", expanding=True)),
    _REPORT.c.assignment_id.in_(bindparam("assignments", expanding=True))))
_REPORT_FIELDS = tuple(_REPORT.c.keys())
_PAIR = (_REPORT_FIELDS.index("assignment_id"), _REPORT_FIELDS.index("period_id"))
# Which of many past obligations are reported, by the one rule (models/review.py), two integers a row: a unit's
# history is mostly reported, and reading those reports whole only to learn that was most of a message's cost.
_COUNTED = Prepared(sqlalchemy.select(_REPORT.c.assignment_id, _REPORT.c.period_id).where(
    COUNTS, _REPORT.c.period_id.in_(bindparam("periods", expanding=True)),
    _REPORT.c.assignment_id.in_(bindparam("assignments", expanding=True))))


async def with_reports(session: AsyncSession, found: Sequence[Obligation]) -> list[Item]:
    """The obligations with their latest reports (without indicator values). The reports are read-only copies,
    not attached to the session: to change one, load it (models/review_actions.py)."""
    if not found:
        return []
    wanted, params = _pairs(found)
    rows = await _LATEST.rows(session, params)
    latest = {(r.assignment_id, r.period_id): r for r in (
        Report.model_construct(**dict(zip(_REPORT_FIELDS, row, strict=True))) for row in rows
        if (row[_PAIR[0]], row[_PAIR[1]]) in wanted)}  # the lists' cross product may hold other pairs
    return [Item(o, latest.get((o.assignment_id, o.period_id))) for o in found]


async def _counted_pairs(session: AsyncSession, found: Sequence[Obligation]) -> set[tuple[int, int]]:
    """The (assignment, period) pairs of `found` whose latest report counts as reported."""
    if not found:
        return set()
    wanted, params = _pairs(found)
    return {(a, p) for a, p in await _COUNTED.rows(session, params)} & wanted


def _pairs(found: Sequence[Obligation]) -> tuple[set[tuple[int, int]], dict[str, list[int]]]:
    """The (assignment, period) pairs of `found`, and the IN lists that select them (with other pairs of their
    cross product, which the caller leaves out)."""
    wanted = {(o.assignment_id, o.period_id) for o in found}
    return wanted, {"periods": sorted({p for _a, p in wanted}), "assignments": sorted({a for a, _p in wanted})}


def _current_only(found: Iterable[Obligation], today: date) -> list[Obligation]:
    best: dict[tuple[int, int], Obligation] = {}
    for o in found:
        if not (opens_on(o) <= today <= o.due):
            continue
        key = (o.assignment_id, o.schedule_id)
        if key not in best or o.due < best[key].due:
            best[key] = o
    return sorted(best.values(), key=lambda o: (o.due, o.unit_code, o.task_code))


async def snapshot(session: AsyncSession, plans: Sequence[Plan], today: date, *, unit_ids: list[int] | None = None,
                   task_ids: list[int] | None = None, values: bool = True, cached: Obligations | None = None
                   ) -> Snapshot:
    """Where the plans stand on `today` (each plan followed from its own `track_from`). `cached`: the
    obligations from the process's cache (models/obligation_cache.py), their reports read fresh."""
    if not plans:
        return Snapshot(current=[], recent=[], overdue=[])
    plan_ids = [p.id for p in plans if p.id is not None]
    if cached is not None:
        return await _from_cache(session, cached, plan_ids, min(p.track_from for p in plans), today,
                                 unit_ids=unit_ids, task_ids=task_ids, values=values)
    # The obligations and their latest reports in one round trip; indicator values in a second if asked.
    # Two questions, two queries, both bounded by the province's size and not by its history:
    # the rounds around today (with their latest reports), and what is overdue (unreported, in SQL).
    pairs = await with_latest_reports(session, plan_ids, due_from=today - timedelta(days=RECENT_DAYS),
                                      due_to=today + timedelta(days=OPEN_DAYS_BEFORE_DUE), as_of=today,
                                      followed_only=True, unit_ids=unit_ids, task_ids=task_ids)
    latest = {(o.assignment_id, o.period_id): report for o, report in pairs if report is not None}
    found = [o for o, _report in pairs]
    overdue = await unreported(session, plan_ids, due_from=min(p.track_from for p in plans),
                               due_to=today - timedelta(days=1), as_of=today, unit_ids=unit_ids, task_ids=task_ids)
    by_report = await _values(session, list(latest.values())) if values else {}
    current = _current_only(found, today)

    def item(o: Obligation) -> Item:
        report = latest.get((o.assignment_id, o.period_id))
        return Item(o, report, by_report.get(report.id, {}) if report else {})

    return Snapshot(
        current=[item(o) for o in current],
        recent=[item(o) for o in found if o.due < today],
        overdue=await with_reports(session, overdue),  # a returned or withdrawn version, shown as such
    )


async def _from_cache(session: AsyncSession, cached: Obligations, plan_ids: list[int], track_from: date, today: date,
                      *, unit_ids: list[int] | None, task_ids: list[int] | None, values: bool) -> Snapshot:
    """`snapshot` with the obligations from the cache; the reports are read fresh: the window's whole, the past's
    first only as whether they count. What is overdue is decided here by `Item.overdue`, the rule the SQL of
    `unreported` writes for the database."""
    window = await cached(session, plan_ids, due_from=today - timedelta(days=RECENT_DAYS),
                          due_to=today + timedelta(days=OPEN_DAYS_BEFORE_DUE), as_of=today, followed_only=True,
                          unit_ids=unit_ids, task_ids=task_ids)
    past = await cached(session, plan_ids, due_from=track_from, due_to=today - timedelta(days=1), as_of=today,
                        followed_only=True, unit_ids=unit_ids, task_ids=task_ids)
    in_window = {(i.obligation.assignment_id, i.obligation.period_id): i for i in await with_reports(session, window)}
    latest = {pair: i.report for pair, i in in_window.items() if i.report is not None}
    by_report = await _values(session, list(latest.values())) if values else {}

    def item(o: Obligation) -> Item:
        report = latest.get((o.assignment_id, o.period_id))
        return Item(o, report, by_report.get(report.id, {}) if report else {})

    # Overdue: owed (no exemption), and nothing counting reported. Past periods outside the window are first
    # asked only whether they are reported; the few that are not are then read whole (a returned or withdrawn
    # version is shown as such).
    owed = [o for o in past if not o.exemption]
    elsewhere = [o for o in owed if (o.assignment_id, o.period_id) not in in_window]
    reported = await _counted_pairs(session, elsewhere)
    older = {(i.obligation.assignment_id, i.obligation.period_id): i for i in await with_reports(
        session, [o for o in elsewhere if (o.assignment_id, o.period_id) not in reported])}
    known = {**in_window, **older}  # a reported one outside the window is in neither: not overdue
    overdue = [Item(o, seen.report) for o in owed
               if (seen := known.get((o.assignment_id, o.period_id))) is not None and seen.overdue(today)]
    return Snapshot(
        current=[item(o) for o in _current_only(window, today)],
        recent=[item(o) for o in window if o.due < today],
        overdue=overdue,
    )


async def closed(session: AsyncSession, plans: Sequence[Plan], today: date, *, unit_ids: list[int]) -> list[Item]:
    """Past periods the units did not report and no longer owe (exempted, or the unit ended), with why
    (`Item.obligation.exemption`): they left the overdue list, and a unit's status still shows them."""
    if not plans:
        return []
    pairs = await with_latest_reports(session, [p.id for p in plans], due_from=min(p.track_from for p in plans),
                                      due_to=today - timedelta(days=1), as_of=today, followed_only=True,
                                      unit_ids=unit_ids)
    return [Item(o, None) for o, report in pairs if not counted(report) and o.exemption]


async def current_items(session: AsyncSession, plans: Sequence[Plan], today: date, *,
                        unit_ids: list[int] | None = None) -> list[Item]:
    return (await snapshot(session, plans, today, unit_ids=unit_ids)).current
