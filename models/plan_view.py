"""A loaded plan as a whole, for reading (`nhacviec plan show`, `plan list`): its targets, indicators,
schedules, calendar, and its tasks with the units responsible on a day — each with the units whose
part it took over ("STC (trước đây: SKHDT)")."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.registry import current_of, in_force, valid_on
from models.store.tables import (
    Assignment,
    CalendarOverride,
    Indicator,
    Plan,
    PlanUnit,
    Report,
    Schedule,
    Target,
    TargetMilestone,
    Task,
    TaskIndicator,
    TaskSchedule,
    Unit,
)


@dataclass(frozen=True, kw_only=True)
class Party:
    """A unit's part in a task on a day, with the units it took that part over from."""

    unit: str  # code
    formerly: tuple[str, ...] = ()


@dataclass(kw_only=True)
class TaskView:
    task: Task
    lead: list[Party] = field(default_factory=list)
    support: list[Party] = field(default_factory=list)
    schedules: list[str] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class PlanView:
    plan: Plan
    coordinator: Unit | None
    units: int
    targets: list[tuple[Target, list[TargetMilestone]]]
    indicators: list[Indicator]
    schedules: list[Schedule]
    tasks: list[TaskView]
    overrides: list[CalendarOverride]
    day: date


def task_parties(assignments: Sequence[Assignment], units: dict[int, Unit], day: date
                 ) -> dict[int, dict[str, list[Party]]]:
    """Per task, the lead and support units on `day`, each with the units whose part it took over. A unit
    that leads is not listed again as supporting."""
    def current(a: Assignment) -> bool:
        return valid_on(a.valid_from, a.valid_to, day) and a.unit_id in units and in_force(units[a.unit_id], day)

    parties: dict[int, dict[str, list[Party]]] = defaultdict(lambda: defaultdict(list))
    by_task: dict[int, list[Assignment]] = defaultdict(list)
    for a in assignments:
        by_task[a.task_id].append(a)
    for task_id, found in by_task.items():
        now = {role: [a for a in found if a.role == role and current(a)] for role in ("lead", "support")}
        former: dict[tuple[str, int], list[str]] = defaultdict(list)
        for a in found:
            if current(a) or a.unit_id not in units or (a.valid_from is not None and a.valid_from > day):
                continue
            moved = [b.unit_id for b in now[a.role] if a.valid_to is not None and b.origin != "plan"
                     and b.valid_from == a.valid_to + timedelta(days=1)]
            heir = current_of(units, units[a.unit_id], day)
            if len(moved) == 1 and (heir is None or heir.id != moved[0]):
                # Re-homed by the event's own task list (IV.5.a → SVHTTDL), not to the unit it merged into.
                former[(a.role, moved[0])].append(units[a.unit_id].code)
            elif heir is not None and heir.id in {b.unit_id for b in now[a.role]}:
                former[(a.role, heir.id)].append(units[a.unit_id].code)
            elif len(moved) == 1:
                former[(a.role, moved[0])].append(units[a.unit_id].code)
        leads = {a.unit_id for a in now["lead"]}
        for role in ("lead", "support"):
            seen: set[int] = set()
            for a in now[role]:
                if a.unit_id in seen or (role == "support" and a.unit_id in leads):
                    continue
                seen.add(a.unit_id)
                parties[task_id][role].append(Party(unit=units[a.unit_id].code,
                                                    formerly=tuple(former.get((role, a.unit_id), []))))
    return parties


async def plan_view(session: AsyncSession, plan: Plan, day: date) -> PlanView:
    units = {u.id: u for u in (await session.exec(select(Unit))).all()}
    listed = (await session.exec(select(func.count()).select_from(PlanUnit).where(PlanUnit.plan_id == plan.id))).one()
    targets = (await session.exec(select(Target).where(Target.plan_id == plan.id, Target.active)
                                  .order_by(col(Target.id)))).all()
    milestones: dict[int, list[TargetMilestone]] = defaultdict(list)
    for m in (await session.exec(select(TargetMilestone)
                                 .where(col(TargetMilestone.target_id).in_([t.id for t in targets]))
                                 .order_by(col(TargetMilestone.year)))).all():
        milestones[m.target_id].append(m)
    indicators = list((await session.exec(select(Indicator).where(Indicator.plan_id == plan.id, Indicator.active)
                                          .order_by(col(Indicator.id)))).all())
    schedules = list((await session.exec(select(Schedule).where(Schedule.plan_id == plan.id, Schedule.active)
                                         .order_by(col(Schedule.id)))).all())
    tasks = (await session.exec(select(Task).where(Task.plan_id == plan.id, Task.active).order_by(col(Task.id)))).all()
    task_ids = [t.id for t in tasks]
    parties = task_parties((await session.exec(select(Assignment).where(
        col(Assignment.task_id).in_(task_ids), Assignment.active).order_by(col(Assignment.id)))).all(), units, day)
    schedule_code = {s.id: s.code for s in schedules}
    views = {t.id: TaskView(task=t, lead=parties.get(t.id, {}).get("lead", []),
                            support=parties.get(t.id, {}).get("support", [])) for t in tasks}
    for link in (await session.exec(select(TaskSchedule).where(col(TaskSchedule.task_id).in_(task_ids)))).all():
        if link.schedule_id in schedule_code:
            views[link.task_id].schedules.append(schedule_code[link.schedule_id])
    indicator_code = {i.id: i.code for i in indicators}
    for indicator_link in (await session.exec(select(TaskIndicator).where(col(TaskIndicator.task_id).in_(task_ids))
                                              .order_by(col(TaskIndicator.position)))).all():
        views[indicator_link.task_id].indicators.append(indicator_code.get(indicator_link.indicator_id, "?"))
    overrides = list((await session.exec(select(CalendarOverride).where(CalendarOverride.plan_id == plan.id)
                                         .order_by(col(CalendarOverride.day)))).all())
    coordinator = next((u for u in units.values() if u.code == plan.coordinator_code), None)
    return PlanView(plan=plan, coordinator=coordinator, units=listed,
                    targets=[(t, milestones.get(t.id, [])) for t in targets], indicators=indicators,
                    schedules=schedules, tasks=list(views.values()), overrides=overrides, day=day)


@dataclass(frozen=True, kw_only=True)
class PlanCounts:
    plan: Plan
    units: int
    tasks: int
    reports: int


async def plan_counts(session: AsyncSession) -> list[PlanCounts]:
    """Every plan loaded, followed or retired, with how much it holds (`nhacviec plan list`)."""
    plans = (await session.exec(select(Plan).order_by(Plan.code))).all()
    units = dict((await session.exec(select(PlanUnit.plan_id, func.count()).group_by(col(PlanUnit.plan_id)))).all())
    tasks = dict((await session.exec(select(Task.plan_id, func.count()).where(Task.active)
                                     .group_by(col(Task.plan_id)))).all())
    reports = dict((await session.exec(
        select(Task.plan_id, func.count(col(Report.id))).join(Assignment, col(Assignment.task_id) == Task.id)
        .join(Report, col(Report.assignment_id) == Assignment.id).group_by(col(Task.plan_id)))).all())
    return [PlanCounts(plan=p, units=units.get(p.id, 0), tasks=tasks.get(p.id, 0), reports=reports.get(p.id, 0))
            for p in plans]
