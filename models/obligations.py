"""Who owes which report when, and on which days they are reminded.

An obligation is one reporting assignment (a unit's part in a task) for one period. Its steps
are the reminder days before the deadline and the escalation days after it, counted in
working days (models/workdays.py). `nhacviec schedule` prints these; the reminder tick sends them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, or_
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.tables import Assignment, CalendarOverride, Period, Plan, Schedule, Task, TaskSchedule, Unit
from models.workdays import WorkCalendar


@dataclass(frozen=True)
class Step:
    offset: int  # working days from the deadline: negative before, 0 on the day, positive overdue
    day: date


@dataclass(frozen=True)
class Obligation:
    assignment_id: int
    task_id: int
    task_code: str
    task_title: str
    unit_id: int
    unit_code: str
    unit_name: str
    schedule_id: int
    schedule_code: str
    schedule_name: str
    every: str
    period_id: int
    period_key: str
    window_start: date
    window_end: date
    due: date
    steps: tuple[Step, ...]

    @property
    def reminders(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.offset <= 0)

    @property
    def escalations(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.offset > 0)


async def plan_calendar(session: AsyncSession, plan_id: int) -> WorkCalendar:
    rows = (await session.exec(select(CalendarOverride).where(CalendarOverride.plan_id == plan_id))).all()
    return WorkCalendar(
        days_off=[r.day for r in rows if not r.working],
        working_days=[r.day for r in rows if r.working],
        notes={r.day: r.note for r in rows if r.note},
    )


def steps_for(due: date, before: list[int], after: list[int], calendar: WorkCalendar) -> tuple[Step, ...]:
    offsets = sorted(set(before) | set(after))
    return tuple(Step(offset, calendar.step_date(due, offset)) for offset in offsets)


def _effective(column_from, column_to, day) -> object:
    return and_(or_(column_from.is_(None), column_from <= day), or_(column_to.is_(None), column_to >= day))


async def obligations(
    session: AsyncSession,
    plan: Plan,
    *,
    due_from: date,
    due_to: date,
    calendar: WorkCalendar | None = None,
    unit_ids: list[int] | None = None,
) -> list[Obligation]:
    """Reporting obligations of `plan` whose deadline lies in [due_from, due_to].

    The owner is the unit assigned on the deadline day (assignments and units are effective-dated).
    """
    calendar = calendar or await plan_calendar(session, plan.id)
    query = (
        select(Period, Schedule, Task, Assignment, Unit)
        .join(Schedule, Schedule.id == Period.schedule_id)
        .join(TaskSchedule, TaskSchedule.schedule_id == Schedule.id)
        .join(Task, Task.id == TaskSchedule.task_id)
        .join(Assignment, Assignment.task_id == Task.id)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(
            Schedule.plan_id == plan.id,
            Period.active, Schedule.active, Task.active, Assignment.active, Unit.active,
            Period.due >= due_from, Period.due <= due_to,
            or_(Assignment.role == "lead", Task.report_by == "all"),
            _effective(Assignment.valid_from, Assignment.valid_to, Period.due),
            _effective(Unit.valid_from, Unit.valid_to, Period.due),
        )
        .order_by(Period.due, Schedule.code, Period.key, Unit.code, Task.code)
    )
    if unit_ids is not None:
        query = query.where(Unit.id.in_(unit_ids))
    result = []
    for period, schedule, task, assignment, unit in (await session.exec(query)).all():
        before = schedule.reminders_before if schedule.reminders_before is not None else plan.reminders_before
        after = schedule.escalate_after if schedule.escalate_after is not None else plan.escalate_after
        result.append(Obligation(
            assignment_id=assignment.id, task_id=task.id, task_code=task.code, task_title=task.title,
            unit_id=unit.id, unit_code=unit.code, unit_name=unit.name,
            schedule_id=schedule.id, schedule_code=schedule.code, schedule_name=schedule.name,
            every=schedule.every, period_id=period.id, period_key=period.key,
            window_start=period.window_start, window_end=period.window_end, due=period.due,
            steps=steps_for(period.due, before, after, calendar),
        ))
    return result


async def obligations_touching(
    session: AsyncSession, plan: Plan, start: date, end: date, *, unit_ids: list[int] | None = None
) -> list[Obligation]:
    """Obligations with a deadline or any reminder/escalation day in [start, end]."""
    # Steps are at most 60 working days from the deadline (plan file limit): ~90 calendar days.
    margin = timedelta(days=100)
    found = await obligations(session, plan, due_from=start - margin, due_to=end + margin, unit_ids=unit_ids)
    return [o for o in found if start <= o.due <= end or any(start <= s.day <= end for s in o.steps)]
