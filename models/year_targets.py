"""The plan's targets year by year, from the figures the units reported.

A figure counts toward the year its report's data window ends in (a report for 15/12/2025–14/12/2026 is a
2026 figure, whenever it is sent), the same rule as the year's obligations (models/annual.py). Only the
latest version of each report counts, and not a returned one (models/review.py). A year whose figure a
coordinator entered by hand (models/baselines.py: the years before the bot followed the plan) takes that
figure instead, and is marked so (`TargetFigures.by_hand`).

What "the figure of a year" and "so far" mean follows the target's `aggregate`:
- sum: the year's reports added up; so far: every year from the plan's start up to this one;
- latest: the year's most recent figure; so far: the most recent up to this year;
- max: the largest;
- average_growth: a yearly rate (e.g. labour productivity growth, %/year); so far: the compound average
  ((∏(1 + rᵢ))^(1/n) − 1) over the years of the milestone's span that have a figure — the span of a
  milestone runs from the year after the previous milestone (or the plan's start) to its own year.

A milestone's state (`milestones_on`) is read from the same figures: one whose year is over is reached or
not, with its final figure; a later one shows the figure so far. The weekly digest, its chart and workbook,
and the yearly report all read targets here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from locales import _
from models.registry import named_on
from models.review import counts, review_of
from models.store.tables import (
    Assignment,
    Indicator,
    Period,
    Plan,
    Report,
    ReportValue,
    Schedule,
    Target,
    TargetBaseline,
    TargetMilestone,
    Task,
    Unit,
)

HUNDRED = Decimal(100)
ABOUT = Decimal("0.05")  # "~ 50": reached within 5% of the figure ("khoảng 50%")


@dataclass(frozen=True, kw_only=True)
class Figure:
    """One reported value behind a target: when its window ends, how long it is, when it was sent."""

    value: Decimal
    window_start: date
    window_end: date
    submitted_key: tuple  # (submitted_at, report id): the order of two reports on one window


@dataclass(frozen=True, kw_only=True)
class TargetFigures:
    code: str
    name: str
    measure: str
    aggregate: str  # sum | latest | max | average_growth
    milestones: tuple[tuple[int, Decimal, str], ...]  # (year, value, op), by year
    by_year: dict[int, Decimal] = field(default_factory=dict)  # the figure of each year that has one
    counted: dict[int, int] = field(default_factory=dict)  # how many reports make each year's figure
    # years whose figure a coordinator entered by hand (models/baselines.py), with the source note
    by_hand: dict[int, str] = field(default_factory=dict)

    def of(self, year: int) -> Decimal | None:
        return self.by_year.get(year)

    def milestone_for(self, year: int) -> tuple[int, Decimal, str] | None:
        """The milestone `year` works toward: the first one in or after it."""
        return next((m for m in self.milestones if m[0] >= year), None)

    def span(self, year: int, first_year: int) -> tuple[int, int]:
        """The years that "so far" covers for `year`: from the plan's start for a sum, from the year after
        the previous milestone for an average growth."""
        if self.aggregate != "average_growth":
            return first_year, year
        earlier = [m[0] for m in self.milestones if m[0] < year]
        return (max(earlier) + 1 if earlier else first_year), year

    def so_far(self, year: int, first_year: int) -> Decimal | None:
        start, end = self.span(year, first_year)
        values = [v for y, v in sorted(self.by_year.items()) if start <= y <= end]
        if not values:
            return None
        if self.aggregate == "sum":
            return sum(values, Decimal(0))
        if self.aggregate == "max":
            return max(values)
        if self.aggregate == "average_growth":
            product = Decimal(1)
            for rate in values:
                product *= 1 + rate / HUNDRED
            if product <= 0:
                return None
            return (Decimal(float(product) ** (1 / len(values))) - 1) * HUNDRED
        return values[-1]  # latest

    def years_with_data(self, year: int, first_year: int) -> int:
        start, end = self.span(year, first_year)
        return sum(1 for y in self.by_year if start <= y <= end)


@dataclass(frozen=True, kw_only=True)
class MilestoneState:
    """Where one milestone stands on a day."""

    year: int
    goal: Decimal
    op: str
    value: Decimal | None  # the final figure (year over) or the figure so far; None: no data yet
    first: int  # the years `value` covers: first..last
    last: int
    years_with_data: int
    passed: bool  # the milestone's year is over: `reached` is the verdict
    reached: bool | None  # None: no data

    @property
    def percent(self) -> int | None:
        """The share of the goal reached, for figures that add up toward it (a sum, a latest level)."""
        if self.value is None or not self.goal:
            return None
        return int((self.value * 100 / self.goal).quantize(Decimal(1), ROUND_HALF_UP))  # as people round


def meets(value: Decimal, goal: Decimal, op: str) -> bool:
    if op == ">":
        return value > goal
    if op == "~":
        return value >= goal * (1 - ABOUT)
    return value >= goal


def milestones_on(t: TargetFigures, year: int, first_year: int) -> list[MilestoneState]:
    """Each milestone of `t` as of `year` (the current year): years before it are over."""
    states = []
    for goal_year, goal, op in t.milestones:
        last = min(goal_year, year)
        start, _end = t.span(goal_year, first_year)
        value = t.so_far(last, first_year) if last >= start else None
        states.append(MilestoneState(
            year=goal_year, goal=goal, op=op, value=value, first=start, last=last,
            years_with_data=t.years_with_data(last, first_year) if last >= start else 0, passed=goal_year < year,
            reached=meets(value, goal, op) if value is not None else None))
    return states


def year_figure(aggregate: str, figures: list[Figure]) -> Decimal:
    """The figure of one year from its reports. A yearly rate takes the report whose window is the year
    itself (the shortest), not a five-year assessment ending the same year."""
    if aggregate == "sum":
        return sum((f.value for f in figures), Decimal(0))
    if aggregate == "max":
        return max(f.value for f in figures)
    if aggregate == "average_growth":
        newest_first = sorted(figures, key=lambda f: f.submitted_key, reverse=True)
        return min(newest_first, key=lambda f: f.window_end - f.window_start).value  # min keeps the first
    return max(figures, key=lambda f: (f.window_end, f.submitted_key)).value  # latest


async def target_figures(session: AsyncSession, plan: Plan, last_year: int) -> list[TargetFigures]:
    """Every active target of `plan` with its figure for each year up to `last_year`."""
    targets = (await session.exec(select(Target).where(Target.plan_id == plan.id, Target.active)
                                  .order_by(col(Target.id)))).all()
    if not targets:
        return []
    milestones: dict[int, list[tuple[int, Decimal, str]]] = defaultdict(list)
    for m in (await session.exec(select(TargetMilestone).where(
            col(TargetMilestone.target_id).in_([t.id for t in targets])).order_by(col(TargetMilestone.year)))).all():
        milestones[m.target_id].append((m.year, Decimal(m.value), m.op))
    rows = (await session.exec(
        # sqlmodel's select is typed for up to 4 columns and session.exec takes no other: 5 here.
        select(Indicator.target_id, ReportValue.value, Period.window_start, Period.window_end, Report)  # type: ignore[call-overload]
        .select_from(ReportValue)
        .join(Indicator, Indicator.id == ReportValue.indicator_id)
        .join(Report, Report.id == ReportValue.report_id)
        .join(Period, Period.id == Report.period_id)
        .where(Report.is_latest, Indicator.plan_id == plan.id, col(Indicator.target_id).is_not(None),
               Period.active, Period.window_end <= date(last_year, 12, 31)))).all()
    found: dict[int, dict[int, list[Figure]]] = defaultdict(lambda: defaultdict(list))
    for target_id, value, start, end, report in rows:
        if counts(review_of(report)):
            found[target_id][end.year].append(Figure(value=Decimal(value), window_start=start, window_end=end,
                                                      submitted_key=(report.submitted_at, report.id)))
    # A year entered by hand is the province's figure for that year: it stands in place of that year's reports.
    by_hand: dict[int, dict[int, TargetBaseline]] = defaultdict(dict)
    for baseline in (await session.exec(select(TargetBaseline).where(
            col(TargetBaseline.target_id).in_([t.id for t in targets]), TargetBaseline.year <= last_year))).all():
        by_hand[baseline.target_id][baseline.year] = baseline
    result = []
    for t in targets:
        by_year = {y: year_figure(t.aggregate, f) for y, f in found[t.id].items()}
        counted = {y: len(f) for y, f in found[t.id].items()}
        for year, baseline in by_hand[t.id].items():
            by_year[year], counted[year] = Decimal(baseline.value), 0
        result.append(TargetFigures(code=t.code, name=t.name, measure=t.measure, aggregate=t.aggregate,
                                    milestones=tuple(milestones.get(t.id, [])), by_year=dict(sorted(by_year.items())),
                                    counted=counted,
                                    by_hand={y: b.source_note for y, b in sorted(by_hand[t.id].items())}))
    return result


@dataclass(frozen=True, kw_only=True)
class Contribution:
    """One report's figure behind a target (the workbook lists them)."""

    target: str  # target code
    unit: str  # the unit's name
    task: str
    every: str
    period: str  # period key
    schedule: str  # schedule name
    year: int  # the year it counts toward: the year its window ends in
    value: Decimal
    submitted_at: object  # datetime (UTC)


async def contributions(session: AsyncSession, plan: Plan, last_year: int) -> list[Contribution]:
    """The reports behind each target of `plan`, counted by the same rule as `target_figures`."""
    rows = (await session.exec(
        # sqlmodel's select is typed for up to 4 columns and session.exec takes no other: 10 here.
        select(Target.code, ReportValue.value, Report, Period.window_end, Period.key, Schedule.every, Schedule.name,  # type: ignore[call-overload]
               Unit.name, Unit.former_names, Task.code)
        .select_from(ReportValue)
        .join(Indicator, Indicator.id == ReportValue.indicator_id)
        .join(Target, Target.id == Indicator.target_id)
        .join(Report, Report.id == ReportValue.report_id)
        .join(Period, Period.id == Report.period_id)
        .join(Schedule, Schedule.id == Period.schedule_id)
        .join(Assignment, Assignment.id == Report.assignment_id)
        .join(Unit, Unit.id == Assignment.unit_id)
        .join(Task, Task.id == Assignment.task_id)
        .where(Report.is_latest, Indicator.plan_id == plan.id, Target.active, Period.active,
               Period.window_end <= date(last_year, 12, 31))
        .order_by(Period.window_end, Report.submitted_at, Report.id))).all()
    # The unit as it was called at the end of the period reported on (a rename applies from its date only).
    found = [Contribution(target=code, unit=named_on(unit, former, end), task=task, every=every, period=key,
                          schedule=schedule or "", year=end.year, value=Decimal(value),
                          submitted_at=report.submitted_at)
             for code, value, report, end, key, every, schedule, unit, former, task in rows
             if counts(review_of(report))]
    # Figures entered by hand come first (they are the earliest years), marked as such with their source.
    entered = (await session.exec(
        select(Target.code, TargetBaseline).join(TargetBaseline, col(TargetBaseline.target_id) == Target.id)
        .where(Target.plan_id == plan.id, Target.active, TargetBaseline.year <= last_year)
        .order_by(col(TargetBaseline.year), col(Target.id)))).all()
    return [Contribution(target=code, unit=_("Nhập tay: {source}").format(source=b.source_note), task="",
                         every="year", period=str(b.year), schedule=_("Số liệu nhập tay"), year=b.year,
                         value=Decimal(b.value), submitted_at=b.entered_at)
            for code, b in entered] + found
