"""What the web pages show, built from the functions /tinhhinh and the digest use
(`models.status.snapshot`, `jobs.digest.build`), so that the web view and the chat never disagree.

Open periods are the rounds /tinhhinh lists: for each reporting unit, task and schedule, the period
coming due, plus those whose deadline passed in the last 30 days. A period belongs to the year its
data window ends in ("năm 2025", "quý IV/2025"); the overview shows one year at a time, by default
the current one — in January the previous one, whose annual reports are then being collected.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from jobs import digest as digest_data
from jobs.digest import Digest
from locales import _, format_datetime
from models.catalog import Catalog
from models.obligations import Obligation
from models.registry import current_of, focal_points, unit_name
from models.rules.periods import period_label
from models.rules.workdays import WorkCalendar
from models.status import Item, snapshot
from models.store.tables import Assignment, GrantStatus, Period, Plan, Report, ReportStatus, Schedule, Task, Unit
from models.wording import MILESTONE_OP as OP
from models.wording import deadline_phrase, period_of, round_title, status_label
from models.year_targets import TargetFigures

STATUS_ORDER = (ReportStatus.done, ReportStatus.in_progress, ReportStatus.blocked, ReportStatus.not_started)
LATEST_REPORTS = 20


def default_year(today: date) -> int:
    """The year whose periods matter now: in January, last year's annual reports are being collected."""
    return today.year - 1 if today.month == 1 else today.year


def period_year(o: Obligation) -> int:
    return o.window_end.year


# --- the overview ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundRow:
    title: str
    deadline: str
    reported: int
    total: int
    counts: list[tuple[str, str, int]]  # (status, label, n), as /tinhhinh lists them

    @property
    def percent(self) -> int:
        return int(self.reported * 100 / self.total) if self.total else 0


@dataclass
class UnitRate:
    unit_id: int
    code: str
    name: str
    received: int = 0
    not_due: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return self.received + self.not_due + self.overdue

    @property
    def percent(self) -> int:
        return int(self.received * 100 / self.total) if self.total else 0


@dataclass(frozen=True)
class Line:
    """One obligation as a row: who, what, which period, by when, and its latest report if any."""

    unit_id: int
    unit: str
    unit_name: str
    task_id: int
    task: str
    task_title: str
    period: str
    deadline: str
    overdue: bool
    report: ReportView | None = None


@dataclass(frozen=True)
class ReportView:
    status: str
    status_label: str
    percent: int | None
    values: list[tuple[str, str]]
    note: str
    obstacles: str
    proposals: str
    submitted: str
    version: int
    late: bool


@dataclass(frozen=True)
class Milestone:
    year: int
    op: str
    goal: str
    percent: int | None  # of the goal reached, for cumulative targets


@dataclass(frozen=True)
class TargetRow:
    name: str
    value: str | None
    measure: str
    kind: str
    as_of: str | None
    milestones: list[Milestone]


@dataclass
class PlanOverview:
    plan: Plan
    year: int | None  # None: every open period
    years: list[int]
    at: str
    rounds: list[RoundRow]
    units: list[UnitRate]
    overdue: list[Line]
    obstacles: list[Line]
    targets: list[TargetRow]
    other_years: dict[int, int] = field(default_factory=dict)  # open or overdue reports in the other years

    @property
    def received(self) -> int:
        return sum(u.received for u in self.units)

    @property
    def expected(self) -> int:
        return sum(u.total for u in self.units)


async def plans(session: AsyncSession) -> list[Plan]:
    return list((await session.exec(select(Plan).order_by(Plan.code))).all())


async def overview(session: AsyncSession, plan: Plan, now: datetime, tz: ZoneInfo, year: int | None
                   ) -> PlanOverview:
    """The plan's open periods (all of them, as /tinhhinh shows them; or those of one `year`)."""
    d = await digest_data.build(session, plan, now, tz)

    def shown(o: Obligation) -> bool:
        return year is None or period_year(o) == year

    today = d.today
    state = await snapshot(session, [plan], today, values=False)
    open_items = [*state.recent, *state.current]
    rounds: dict[tuple, list[Item]] = defaultdict(list)
    for item in open_items:
        o = item.obligation
        rounds[(o.due, o.schedule_code, o.period_key)].append(item)
    round_rows = [_round(group, today, d.calendar) for _key, group in sorted(rounds.items())
                  if shown(group[0].obligation)]
    rates: dict[int, UnitRate] = {}
    for item in open_items:
        o = item.obligation
        if not shown(o) or item.exempt:  # an exempted period is not owed (models/exceptions.py)
            continue
        rate = rates.setdefault(o.unit_id, UnitRate(o.unit_id, d.unit_code_label(o), o.unit_name))
        if item.reported:
            rate.received += 1
        elif o.due < today:
            rate.overdue += 1
        else:
            rate.not_due += 1
    other_years: dict[int, int] = defaultdict(int)
    for item in {(i.obligation.assignment_id, i.obligation.period_id): i for i in [*state.overdue, *open_items]
                 }.values():
        if not shown(item.obligation):
            other_years[period_year(item.obligation)] += 1
    overdue = [_line(i, d, today) for i in state.overdue if shown(i.obligation)]
    obstacles = [_line(i, d, today) for i in d.obstacles if shown(i.obligation)]
    units = sorted(rates.values(), key=lambda r: (-r.overdue, r.percent, r.code))
    years = {period_year(i.obligation) for i in [*state.overdue, *open_items]} | {default_year(today)}
    return PlanOverview(plan, year, sorted(years | ({year} if year else set())), format_datetime(now, tz),
                        round_rows, units, overdue, obstacles, [_target(d, t) for t in d.targets], dict(other_years))


def _round(group: Sequence[Item], today: date, calendar: WorkCalendar) -> RoundRow:
    first = group[0].obligation
    counts: dict[str, int] = defaultdict(int)
    for item in group:
        if item.report:
            counts[item.report.status] += 1
    return RoundRow(round_title(first), deadline_phrase(first, today, calendar), sum(1 for i in group if i.reported),
                    len(group), [(s, status_label(s), counts[s]) for s in STATUS_ORDER if counts.get(s)])


def _target(d: Digest, t: TargetFigures) -> TargetRow:
    """A target as the digest says it (models/year_targets.py: one rule for every view)."""
    states = d.milestones(t)
    milestones = [Milestone(m.year, OP.get(m.op, m.op), digest_data.number(m.goal),
                            m.percent if t.aggregate != "average_growth" else None) for m in states]
    current = next((m for m in states if not m.passed), states[-1] if states else None)
    value = current.value if current is not None else None
    kind = {"sum": _("cộng dồn"), "average_growth": _("bình quân")}.get(t.aggregate, _("số mới nhất"))
    return TargetRow(t.name, digest_data.number(value) if value is not None else None, t.measure, kind, None,
                     milestones)


def report_view(report: Report, values: dict[str, Decimal], tz: ZoneInfo) -> ReportView:
    return ReportView(report.status, status_label(report.status),
                      report.percent if report.status != ReportStatus.done else None,
                      [(code, digest_data.number(v)) for code, v in values.items()],
                      report.note, report.obstacles, report.proposals,
                      format_datetime(report.submitted_at, tz), report.version, report.late)


def _line(item: Item, d: Digest | None, today: date, *, calendar: WorkCalendar | None = None,
          tz: ZoneInfo | None = None, former: dict[int, Unit] | None = None) -> Line:
    o = item.obligation
    unit = d.unit_code_label(o) if d else o.unit_code
    if former and o.unit_id in former:
        unit += " " + _("(trước đây: {name})").format(name=unit_name(former[o.unit_id], today))
    calendar = d.calendar if d else calendar
    assert calendar is not None
    report = report_view(item.report, item.values, d.tz if d else tz) if item.report else None  # type: ignore[arg-type]
    return Line(o.unit_id, unit, o.unit_name, o.task_id, o.task_code, o.task_title, period_of(o),
                deadline_phrase(o, today, calendar), item.overdue(today), report)


# --- a unit ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    name: str
    pending: bool


@dataclass
class UnitPage:
    plans: list[Plan]
    unit: Unit
    successor: Unit | None
    focal_points: list[Person]
    overdue: list[Line]
    current: list[Line]
    reports: list[Latest]
    name: str = ""  # the unit's name today (models.registry.unit_name)
    successor_name: str = ""


@dataclass(frozen=True)
class Latest:
    task_id: int
    task: str
    task_title: str
    period: str
    report: ReportView


async def unit_page(session: AsyncSession, plans: list[Plan], catalog: Catalog, unit: Unit, now: datetime,
                    tz: ZoneInfo) -> UnitPage:
    """What `/tinhhinh <unit>` says: its own reports and what it inherited from units merged into it (the
    reports they still owe on tasks it reports on), and the latest reports (its former units' included)."""
    today = now.astimezone(tz).date()
    inherited = catalog.inherited(unit.id)
    former = {u.id: u for u in catalog.predecessors(unit.id) if u.id in inherited}
    assert unit.id is not None
    ids = [unit.id, *former]
    state = await snapshot(session, plans, today, unit_ids=ids)

    def own(item: Item) -> bool:
        o = item.obligation
        return o.unit_id == unit.id or o.task_id in inherited.get(o.unit_id, ())

    def line(item: Item) -> Line:
        return _line(item, None, today, calendar=catalog.calendar, tz=tz, former=former)

    people = [Person(m.display_name, status == GrantStatus.pending) for _u, m, status in
              await focal_points(session, [unit.id], today)]
    successor = current_of(catalog.units, unit, today) if unit.valid_to and unit.valid_to < today else None
    return UnitPage(plans, unit, successor, people, [line(i) for i in state.overdue if own(i)],
                    [line(i) for i in state.current if own(i)], await latest_reports(session, ids, tz),
                    name=unit_name(unit, today), successor_name=unit_name(successor, today) if successor else "")


async def latest_reports(session: AsyncSession, unit_ids: Iterable[int], tz: ZoneInfo) -> list[Latest]:
    rows = (await session.exec(
        # sqlmodel's select is typed for up to 4 columns and session.exec takes no other: 7 here.
        select(Report, Task.id, Task.code, Task.title, Period.key, Schedule.every, Schedule.name)  # type: ignore[call-overload]
        .join(Assignment, Assignment.id == Report.assignment_id)
        .join(Task, Task.id == Assignment.task_id)
        .join(Period, Period.id == Report.period_id)
        .join(Schedule, Schedule.id == Period.schedule_id)
        .where(Report.is_latest, col(Assignment.unit_id).in_(list(unit_ids)))
        .order_by(col(Report.submitted_at).desc(), col(Report.id).desc()).limit(LATEST_REPORTS))).all()
    return [Latest(task_id, code, title, period_label(every, key, name), report_view(report, {}, tz))
            for report, task_id, code, title, key, every, name in rows]


# --- a task ---------------------------------------------------------------------------------------


@dataclass
class TaskPage:
    plan: Plan
    code: str
    title: str
    lead: list[Unit]
    support: list[Unit]
    lines: list[Line]  # overdue first, then the open periods


async def task_page(session: AsyncSession, plan: Plan, catalog: Catalog, task_id: int, now: datetime,
                    tz: ZoneInfo, *, limit_to: int | None = None) -> TaskPage:
    """What `/tinhhinh <task>` says: its units and each one's latest report for the open periods."""
    today = now.astimezone(tz).date()
    task = catalog.tasks[task_id]
    units = catalog.units
    lead = [units[a.unit_id] for a in task.assignments if a.role == "lead" and a.in_force(today)]
    support = [units[a.unit_id] for a in task.assignments if a.role == "support" and a.in_force(today)]
    unit_ids = sorted(uid for uid in task.reporting_units(today) if limit_to is None or uid == limit_to)
    lines: list[Line] = []
    if unit_ids:
        state = await snapshot(session, [plan], today, unit_ids=unit_ids, task_ids=[task_id])
        lines = [_line(i, None, today, calendar=catalog.calendar, tz=tz) for i in [*state.overdue, *state.current]]
    return TaskPage(plan, task.code, task.title, lead, support, lines)


def task_units(catalog: Catalog, task_id: int, day: date) -> set[int]:
    """Every unit with a part in the task on `day` (lead or support)."""
    return {a.unit_id for a in catalog.tasks[task_id].assignments if a.in_force(day)}
