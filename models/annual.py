"""A plan's year, in one place: what the consolidated report (jobs/draft.py) and the yearly export
(jobs/year_workbook.py) are drawn from.

**The year's obligations** are every reporting obligation whose period's *data window ends* in that year,
each with its latest report. A report counts toward the year its data is about, not the year it is sent:
the annual report for 15/12/2025–14/12/2026 (due 16/12/2026) is a 2026 report; the statistics office's
2025 figures (calendar year, due 20/01/2026) are 2025 figures although they arrive in January 2026; a
one-off report counts in the year of its date. Nothing is cut at "overdue" or "the last 30 days".

Who owed a period is decided as everywhere else (models/obligations.py): the unit responsible on the
deadline, or today for a period still open. The previous year is read the same way, for comparison.

Everything handed out is plain frozen data (no ORM rows), so it can be rendered in a thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.obligations import Obligation, with_latest_reports
from models.registry import unit_name
from models.review import Review, counts, review_of
from models.store.tables import Indicator, Plan, Report, ReportValue, Target, Task, Unit
from models.year_targets import TargetFigures, target_figures


def report_year(today: date) -> int:
    """The year a report or an export is about when none is named: the previous year during January
    (when the year's last reports come in and the consolidated report is written), the current one after."""
    return today.year - 1 if today.month == 1 else today.year


class State(StrEnum):
    on_time = "on_time"  # reported by the deadline
    late = "late"  # reported after it
    overdue = "overdue"  # deadline passed, nothing that counts reported
    not_due = "not_due"  # deadline still ahead, nothing reported yet
    not_followed = "not_followed"  # deadline before the plan was followed (Plan.track_from), nothing reported
    exempt = "exempt"  # not owed: exempted, or the unit ended (models/exceptions.py), nothing reported


@dataclass(frozen=True, kw_only=True)
class Latest:
    """The version of a report that counts, as read from the database."""

    version: int
    status: str
    percent: int | None
    note: str
    obstacles: str
    proposals: str
    submitted_at: datetime
    submitted_on: date  # the day it was sent, in the plan's time zone
    late: bool
    review: Review | None


@dataclass(frozen=True, kw_only=True)
class Entry:
    obligation: Obligation
    report: Latest | None
    values: dict[str, Decimal]  # indicator code → value
    state: State

    @property
    def reported(self) -> bool:
        return self.state in (State.on_time, State.late)


@dataclass(frozen=True, kw_only=True)
class Rate:
    """Reports owed by now (deadline passed and followed, or sent early) and how many came."""

    owed: int
    reported: int
    late: int

    @property
    def on_time(self) -> int:
        return self.reported - self.late

    @property
    def missing(self) -> int:
        return self.owed - self.reported

    @property
    def percent(self) -> int | None:
        return round(self.reported * 100 / self.owed) if self.owed else None


def rate_of(entries: Sequence[Entry]) -> Rate:
    owed = [e for e in entries if e.state in (State.on_time, State.late, State.overdue)]
    return Rate(owed=len(owed), reported=sum(1 for e in owed if e.reported),
                late=sum(1 for e in owed if e.state is State.late))


@dataclass(frozen=True, kw_only=True)
class PlanFacts:
    """What the report says about the plan and who writes it."""

    code: str
    title: str
    short: str
    decision: str
    issued: date
    start: date
    end: date
    track_from: date
    timezone: str
    issuer: tuple[str, ...]
    report_to: tuple[str, ...]
    review: bool
    coordinator_code: str
    coordinator_name: str


@dataclass(frozen=True, kw_only=True)
class TaskFacts:
    id: int
    code: str
    title: str
    short_title: str
    section: str
    # What the decision says (source), what it does not (inferred parts, the reasoning), who is asked.
    source: str = ""
    inferred: tuple[str, ...] = ()
    basis: str = ""
    report_by: str = "lead"


@dataclass(frozen=True, kw_only=True)
class IndicatorFacts:
    code: str
    name: str
    measure: str
    target: str | None  # the target's code
    summable: bool  # the units' figures add up (a count, an amount), unlike a rate or a percentage


@dataclass(frozen=True, kw_only=True)
class Year:
    plan: PlanFacts
    year: int
    as_of: date  # the day the data was read (local): what "by now" means
    entries: tuple[Entry, ...]
    tasks: tuple[TaskFacts, ...]  # the plan's tasks in the plan file's order
    indicators: tuple[IndicatorFacts, ...]
    targets: tuple[TargetFigures, ...]
    previous: tuple[Entry, ...]  # the year before, for comparison

    @property
    def rate(self) -> Rate:
        return rate_of(self.entries)

    @property
    def previous_rate(self) -> Rate | None:
        """None when the bot followed nothing that was due the year before."""
        rate = rate_of(self.previous)
        return rate if rate.owed else None

    def of_task(self, task_id: int) -> list[Entry]:
        return [e for e in self.entries if e.obligation.task_id == task_id]

    def indicator(self, code: str) -> IndicatorFacts | None:
        return next((i for i in self.indicators if i.code == code), None)


def _state(o: Obligation, report: Latest | None, as_of: date, track_from: date) -> State:
    if report is not None and counts(report.review):
        return State.late if report.late else State.on_time
    if o.exemption:
        return State.exempt
    if o.due >= as_of:
        return State.not_due
    return State.overdue if o.due >= track_from else State.not_followed


async def entries(session: AsyncSession, plan: Plan, year: int, as_of: date) -> list[Entry]:
    """The year's obligations with their latest reports and indicator values (see the module's docstring)."""
    # A window ends in `year` and its deadline is on or after that end, at most a year later (a five-year
    # statistics assessment is due the next 30/06; `after_cutoff` steps are at most 60 working days).
    pairs = await with_latest_reports(session, [plan.id], due_from=date(year, 1, 1), due_to=date(year + 1, 12, 31),
                                      as_of=as_of)
    pairs = [(o, r) for o, r in pairs if o.window_end.year == year]
    values = await _values(session, [r for _o, r in pairs if r is not None])
    tz = ZoneInfo(plan.timezone)
    result = []
    for o, row in pairs:
        latest = _latest(row, tz) if row is not None else None
        result.append(Entry(obligation=o, report=latest, values=values.get(row.id, {}) if row else {},
                            state=_state(o, latest, as_of, plan.track_from)))
    return result


def _latest(row: Report, tz: ZoneInfo) -> Latest:
    return Latest(version=row.version, status=row.status, percent=row.percent, note=row.note,
                  obstacles=row.obstacles, proposals=row.proposals, submitted_at=row.submitted_at,
                  submitted_on=row.submitted_at.astimezone(tz).date(), late=row.late, review=review_of(row))


async def _values(session: AsyncSession, reports: Sequence[Report]) -> dict[int, dict[str, Decimal]]:
    found: dict[int, dict[str, Decimal]] = {}
    ids = [r.id for r in reports]
    for start in range(0, len(ids), 500):  # bounded IN lists
        for report_id, code, value in (await session.exec(
                # col(): Decimal is not among sqlmodel's scalar types, which select is typed for
                select(ReportValue.report_id, Indicator.code, col(ReportValue.value))
                .join(Indicator, col(Indicator.id) == ReportValue.indicator_id)
                .where(col(ReportValue.report_id).in_(ids[start:start + 500])))).all():
            found.setdefault(report_id, {})[code] = Decimal(value)
    return found


async def plan_facts(session: AsyncSession, plan: Plan) -> PlanFacts:
    coordinator = (await session.exec(select(Unit).where(Unit.code == plan.coordinator_code))).first()
    return PlanFacts(code=plan.code, title=plan.title, short=plan.short, decision=plan.decision, issued=plan.issued,
                     start=plan.start, end=plan.end, track_from=plan.track_from, timezone=plan.timezone,
                     issuer=tuple(plan.issuer), report_to=tuple(plan.report_to), review=plan.review,
                     coordinator_code=plan.coordinator_code,
                     coordinator_name=unit_name(coordinator, None) if coordinator else plan.coordinator_code)


async def year_data(session: AsyncSession, plan: Plan, year: int, as_of: date) -> Year:
    """Everything about `plan`'s `year` as known on `as_of`, and the year before."""
    facts = await plan_facts(session, plan)
    tasks = (await session.exec(select(Task).where(Task.plan_id == plan.id, Task.active).order_by(col(Task.id)))).all()
    indicators = (await session.exec(
        select(Indicator, Target.code, Target.aggregate).outerjoin(Target, col(Target.id) == Indicator.target_id)
        .where(Indicator.plan_id == plan.id, Indicator.active).order_by(col(Indicator.id)))).all()
    return Year(
        plan=facts, year=year, as_of=as_of,
        entries=tuple(await entries(session, plan, year, as_of)),
        tasks=tuple(TaskFacts(id=t.id, code=t.code, title=t.title, short_title=t.short_title, section=t.section,
                              source=t.source, inferred=tuple(t.inferred), basis=t.basis, report_by=t.report_by)
                    for t in tasks),
        indicators=tuple(IndicatorFacts(code=i.code, name=i.name, measure=i.measure, target=target,
                                        summable=aggregate == "sum" if target else i.type != "percent")
                         for i, target, aggregate in indicators),
        targets=tuple(await target_figures(session, plan, year)),
        previous=tuple(await entries(session, plan, year - 1, as_of)),
    )
