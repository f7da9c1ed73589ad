"""Who owes which report when, and on which days they are reminded — across the plans followed.

An obligation is one reporting assignment (a unit's part in a task of a plan) for one period. Its steps
are the reminder days before the deadline and the escalation days after it, counted in working days
(models/rules/workdays.py). `nhacviec schedule` prints these; the reminder tick sends them. Every query
here answers for a list of plans at once: a province follows dozens.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from operator import itemgetter

from sqlalchemy import BindParameter, and_, bindparam, case, exists, func, or_, union
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from locales import _, format_date
from models.registry import effective_on, named_on
from models.review import COUNTS
from models.rules.workdays import WorkCalendar
from models.store.tables import (
    Assignment,
    CalendarOverride,
    Indicator,
    ObligationException,
    Period,
    Plan,
    Report,
    Schedule,
    Task,
    TaskIndicator,
    TaskSchedule,
    Unit,
    UnitEvent,
)


@dataclass(frozen=True, kw_only=True)
class Step:
    offset: int  # working days from the deadline: negative before, 0 on the day, positive overdue
    day: date


@dataclass(frozen=True, kw_only=True)
class Obligation:
    plan_id: int
    plan_code: str
    plan_short: str  # how people call the plan
    assignment_id: int
    task_id: int
    task_code: str
    task_title: str
    task_short_title: str
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
    before: tuple[int, ...]  # reminder steps (working days, <= 0)
    after: tuple[int, ...]  # escalation steps (> 0)
    # Exceptions (models/exceptions.py): `due` above is already the extended deadline, if any.
    original_due: date | None = None  # the period's own deadline (None: the same as `due`)
    extension_reason: str = ""
    exemption_reason: str = ""  # a coordinator's exemption ("miễn nộp")
    unit_ended: date | None = None  # the owner's last day, when it ended before the day asked about
    unit_end_kind: str = ""  # merge | retire

    @property
    def extended(self) -> bool:
        return self.original_due is not None and self.original_due != self.due

    @property
    def exemption(self) -> str:
        """Why the unit does not owe this period ("" when it does): a coordinator's exemption, or the unit's end
        (a retired or merged unit's unreported debts can never be filed: they are closed, with that reason)."""
        if self.exemption_reason:
            return self.exemption_reason
        if self.unit_ended is not None:
            day = format_date(self.unit_ended + timedelta(days=1))
            if self.unit_end_kind == "merge":
                return _("đơn vị đã hợp nhất từ {day}").format(day=day)
            return _("đơn vị đã giải thể từ {day}").format(day=day)
        return ""
    # report, or event: a meeting held on a date (the "due" day is the meeting's; it has no data window)
    schedule_kind: str = "report"

    @property
    def is_event(self) -> bool:
        return self.schedule_kind == "event"

    def steps(self, calendar: WorkCalendar) -> tuple[Step, ...]:
        """The days this obligation is reminded on (computed on demand: it costs calendar lookups)."""
        return steps_for(self.due, list(self.before), list(self.after), calendar)


async def plan_calendar(session: AsyncSession, plan_id: int | None = None) -> WorkCalendar:
    """The working-day calendar with the plans' official day swaps (one plan's, or every plan's: the
    province has one calendar)."""
    query = select(CalendarOverride)
    if plan_id is not None:
        query = query.where(CalendarOverride.plan_id == plan_id)
    rows = (await session.exec(query)).all()
    return WorkCalendar(
        days_off=[r.day for r in rows if not r.working],
        working_days=[r.day for r in rows if r.working],
        notes={r.day: r.note for r in rows if r.note},
    )


def steps_for(due: date, before: list[int], after: list[int], calendar: WorkCalendar) -> tuple[Step, ...]:
    offsets = sorted(set(before) | set(after))
    return tuple(Step(offset=offset, day=calendar.step_date(due, offset)) for offset in offsets)


# The extension in force for the row's unit, task and period (at most one: models/exceptions.py revokes the
# previous one). `_DUE` is the deadline every rule counts from: the extended one, else the period's own.
_EXTENSION = aliased(ObligationException, name="extension")
_DUE = func.coalesce(_EXTENSION.new_due, Period.due)
_EXEMPTION = ObligationException.__table__.alias("exemption")  # type: ignore[attr-defined]  # SQLModel does not declare it
# A coordinator's exemption of the row: for its period, or from a day on (the newest if several).
_EXEMPTED = (
    select(_EXEMPTION.c.reason)
    .where(_EXEMPTION.c.kind == "exemption", _EXEMPTION.c.revoked_at.is_(None), _EXEMPTION.c.unit_id == Unit.id,
           _EXEMPTION.c.task_id == Task.id,
           or_(_EXEMPTION.c.period_id == Period.id,
               and_(_EXEMPTION.c.period_id.is_(None), _EXEMPTION.c.from_day <= _DUE)))
    .order_by(_EXEMPTION.c.id.desc()).limit(1).scalar_subquery()
)
# The owner ended before the day asked about: its unreported debts are closed by its end (see `Obligation.exemption`),
# or, when its reorganisation event says `debts: successor`, owed by its successor (shown as the successor's).
_SUCCESSOR = aliased(Unit, name="successor")
_DEBTS = UnitEvent.detail["debts"].as_string()
_MOVES_DEBTS = exists().where(col(UnitEvent.unit_id) == Unit.id, col(UnitEvent.kind).in_(("merge", "retire")),
                              _DEBTS == "successor")
_CLOSES_DEBTS = exists().where(col(UnitEvent.unit_id) == Unit.id, or_(
    and_(col(UnitEvent.kind) == "retire", _DEBTS.is_(None)),
    and_(col(UnitEvent.kind).in_(("merge", "retire")), _DEBTS == "close")))
_GONE = and_(col(Unit.valid_to).is_not(None), col(Unit.valid_to) < bindparam("as_of"))
_MOVED = and_(_GONE, col(Unit.successor_id).is_not(None), _MOVES_DEBTS)
_ENDED = and_(_GONE, _CLOSES_DEBTS)
_END_KIND = case((_ENDED, select(UnitEvent.kind).where(col(UnitEvent.unit_id) == Unit.id, col(UnitEvent.kind).in_(
    ("merge", "retire"))).order_by(col(UnitEvent.day).desc()).limit(1).scalar_subquery()), else_=None)

_COLUMNS = (
    Plan.id, Plan.code, Plan.short, Plan.reminders_before, Plan.escalate_after,
    Assignment.id, Task.id, Task.code, Task.title, Task.short_title, Unit.id, Unit.code, Unit.name, Schedule.id,
    Schedule.code, Schedule.name, Schedule.every, Period.id, Period.key, Period.window_start, Period.window_end,
    _DUE, Schedule.reminders_before, Schedule.escalate_after,
    Period.due, _EXTENSION.reason, _EXEMPTED, case((_ENDED, Unit.valid_to), else_=None), _END_KIND,
    case((_MOVED, _SUCCESSOR.id), else_=None), _SUCCESSOR.code, _SUCCESSOR.name, Unit.former_names,
    _SUCCESSOR.former_names, Schedule.kind,
)


# Who owes a period: for an open one, the unit responsible today (a report due in December belongs to the
# old unit in June and to its successor in August); for a past one, the unit responsible on its deadline.
_OWNED_ON = case((Period.due < bindparam("as_of"), Period.due), else_=bindparam("as_of"))
FAR_FUTURE = date(9999, 12, 31)  # `as_of` for "whoever owns it on the deadline" (plans, schedules)

# The order obligations come in: by deadline, plan, schedule, period, unit, task. Sorted here, not by the
# database: SQLite sorted these wide rows in 5 of the 7 s of a national-size status (81,600 rows; Python: a tenth
# of a second), and both databases now give one order (code points, not PostgreSQL's collation).
_ORDER = itemgetter(*(next(i for i, c in enumerate(_COLUMNS) if c is by)
                      for by in (_DUE, Plan.code, Schedule.code, Period.key, Unit.code, Task.code)))

_FILTERS = {"unit_ids": Unit.id, "task_ids": Task.id, "assignment_ids": Assignment.id, "period_ids": Period.id}


@cache
def _statement(filters: frozenset[str], with_report: bool, unreported_only: bool, followed_only: bool):
    """One statement object per shape, parameters bound at execution: SQLAlchemy then reuses the
    statement's cache key and compiled form instead of rebuilding them on every message."""
    query = (
        # sqlmodel's select is typed for up to 4 columns (and session.exec takes no other): 35 here.
        select(*_COLUMNS)  # type: ignore[call-overload]
        .select_from(Period)
        .join(Schedule, Schedule.id == Period.schedule_id)
        .join(Plan, Plan.id == Schedule.plan_id)
        .join(TaskSchedule, TaskSchedule.schedule_id == Schedule.id)
        .join(Task, Task.id == TaskSchedule.task_id)
        .join(Assignment, Assignment.task_id == Task.id)
        .join(Unit, Unit.id == Assignment.unit_id)
        .outerjoin(_EXTENSION, and_(col(_EXTENSION.kind) == "extension", col(_EXTENSION.revoked_at).is_(None),
                                    col(_EXTENSION.unit_id) == Unit.id, col(_EXTENSION.task_id) == Task.id,
                                    col(_EXTENSION.period_id) == Period.id))
        .outerjoin(_SUCCESSOR, _SUCCESSOR.id == Unit.successor_id)
        .where(
            col(Schedule.plan_id).in_(bindparam("plan_ids", expanding=True)),
            Period.active, Schedule.active, Task.active, Assignment.active, Unit.active,
            # An extension only moves a deadline later: the period's own one bounds it from above.
            _DUE.between(bindparam("due_from"), bindparam("due_to")), Period.due <= bindparam("due_to"),
            or_(col(Assignment.role) == "lead", col(Task.report_by) == "all"), col(Task.report_by) != "none",
            effective_on(Assignment.valid_from, Assignment.valid_to, _OWNED_ON),
            effective_on(Unit.valid_from, Unit.valid_to, _OWNED_ON),
        )
    )
    if followed_only:  # deadlines before a plan was first followed are history, not owed
        query = query.where(Period.due >= Plan.track_from)
    for name in sorted(filters):
        if name == "unit_ids":  # a unit owes its own reports and the debts passed on to it (`debts: successor`)
            # The units and their predecessors (one IN the planner can start from), and of the predecessors'
            # rows only the debts that passed on.
            ids: BindParameter[list[int]] = bindparam(name, expanding=True)
            itself, predecessor = aliased(Unit, name="itself"), aliased(Unit, name="predecessor")
            query = query.where(
                col(Unit.id).in_(union(select(itself.id).where(col(itself.id).in_(ids)),
                                       select(predecessor.id).where(col(predecessor.successor_id).in_(ids)))),
                or_(col(Unit.id).in_(ids), _MOVED))
            continue
        query = query.where(col(_FILTERS[name]).in_(bindparam(name, expanding=True)))
    if with_report:
        query = query.add_columns(Report).outerjoin(
            Report, and_(col(Report.assignment_id) == Assignment.id, col(Report.period_id) == Period.id,
                         col(Report.is_latest)))
    if unreported_only:  # overdue lists: let the database skip the (many) reported ones, and what is not owed
        query = query.where(~exists().where(col(Report.assignment_id) == Assignment.id,
                                            col(Report.period_id) == Period.id, COUNTS),
                            _EXEMPTED.is_(None), ~_ENDED)
    return query


async def _rows(session: AsyncSession, plan_ids: Sequence[int], *, due_from: date, due_to: date, as_of: date,
                with_report: bool = False, unreported_only: bool = False, followed_only: bool = False,
                filters: Mapping[str, Sequence[int] | None]) -> list:
    given = {name: list(values) for name, values in filters.items() if values is not None}
    if unknown := set(given) - set(_FILTERS):
        raise TypeError(f"unknown filters {unknown}")
    statement = _statement(frozenset(given), with_report, unreported_only, followed_only)
    params = {"plan_ids": list(plan_ids), "due_from": due_from, "due_to": due_to, "as_of": as_of, **given}
    return sorted((await session.exec(statement, params=params)).all(), key=_ORDER)


def _obligation(row: Sequence, as_of: date) -> Obligation:
    (plan_id, plan_code, plan_short, plan_before, plan_after, assignment_id, task_id, task_code, task_title,
     task_short_title, unit_id, unit_code, latest_name, schedule_id, schedule_code, schedule_name, every, period_id,
     period_key, window_start, window_end, due, before, after, original_due, extension_reason, exemption_reason,
     unit_ended, unit_end_kind, debtor_id, debtor_code, debtor_name, former_names, debtor_former_names, kind
     ) = row[:len(_COLUMNS)]
    if debtor_id is not None:  # the debt passed to the successor (`debts: successor`)
        unit_id, unit_code, latest_name, former_names = debtor_id, debtor_code, debtor_name, debtor_former_names
    # The unit as it is called on the day asked (today, for reminders and status), or on the deadline when no
    # day is asked (schedules, plans): a rename applies from its date only.
    before = before if before is not None else plan_before
    after = after if after is not None else plan_after
    return Obligation(plan_id=plan_id, plan_code=plan_code, plan_short=plan_short or plan_code,
                      assignment_id=assignment_id, task_id=task_id, task_code=task_code, task_title=task_title,
                      task_short_title=task_short_title or "", unit_id=unit_id, unit_code=unit_code,
                      unit_name=named_on(latest_name, former_names, due if as_of >= FAR_FUTURE else as_of),
                      schedule_id=schedule_id, schedule_code=schedule_code,
                      schedule_name=schedule_name, every=every, period_id=period_id, period_key=period_key,
                      window_start=window_start, window_end=window_end, due=due, before=tuple(sorted(before)),
                      after=tuple(sorted(after)), original_due=original_due, extension_reason=extension_reason or "",
                      exemption_reason=exemption_reason or "", unit_ended=unit_ended, unit_end_kind=unit_end_kind or "",
                      schedule_kind=kind)


async def obligations(session: AsyncSession, plan_ids: Sequence[int], *, due_from: date, due_to: date,
                      as_of: date = FAR_FUTURE, followed_only: bool = False, **filters: Sequence[int] | None
                      ) -> list[Obligation]:
    """Reporting obligations of the plans whose deadline lies in [due_from, due_to], optionally only some
    units, tasks, assignments or periods (`unit_ids=[…]`, `task_ids`, `assignment_ids`, `period_ids`);
    `followed_only`: not those due before their plan was first followed.

    The owner is the unit responsible on `as_of` for an open period, on the deadline for a past one.
    """
    rows = await _rows(session, plan_ids, due_from=due_from, due_to=due_to, as_of=as_of, followed_only=followed_only,
                       filters=filters)
    return [_obligation(row, as_of) for row in rows]


async def with_latest_reports(session: AsyncSession, plan_ids: Sequence[int], *, due_from: date, due_to: date,
                              as_of: date = FAR_FUTURE, followed_only: bool = False,
                              **filters: Sequence[int] | None) -> list[tuple[Obligation, Report | None]]:
    """`obligations`, each with its latest report (None: not reported), in one round trip."""
    rows = await _rows(session, plan_ids, due_from=due_from, due_to=due_to, as_of=as_of, with_report=True,
                       followed_only=followed_only, filters=filters)
    return [(_obligation(row, as_of), row[len(_COLUMNS)]) for row in rows]


async def unreported(session: AsyncSession, plan_ids: Sequence[int], *, due_from: date, due_to: date,
                     as_of: date = FAR_FUTURE, **filters: Sequence[int] | None) -> list[Obligation]:
    """Followed obligations that nothing counting has been reported for (a returned or withdrawn latest
    version does not count: models/review.py); the database skips the many reported ones."""
    rows = await _rows(session, plan_ids, due_from=due_from, due_to=due_to, as_of=as_of, unreported_only=True,
                       followed_only=True, filters=filters)
    return [_obligation(row, as_of) for row in rows]


async def task_indicator_codes(session: AsyncSession, task_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """Each task's indicator codes, in the plan file's order (for examples such as "80% dn=5")."""
    ids = sorted(set(task_ids))
    if not ids:
        return {}
    found: dict[int, list[str]] = {}
    for task_id, code in (await session.exec(
            select(TaskIndicator.task_id, Indicator.code)
            .join(Indicator, col(Indicator.id) == TaskIndicator.indicator_id)
            .where(col(TaskIndicator.task_id).in_(ids), Indicator.active)
            .order_by(col(TaskIndicator.task_id), col(TaskIndicator.position)))).all():
        found.setdefault(task_id, []).append(code)
    return {task_id: tuple(codes) for task_id, codes in found.items()}


async def obligations_touching(
    session: AsyncSession, plan_ids: Sequence[int], start: date, end: date, calendar: WorkCalendar, *,
    unit_ids: list[int] | None = None
) -> list[Obligation]:
    """Obligations with a deadline or any reminder/escalation day in [start, end]."""
    # Steps are at most 60 working days from the deadline (plan file limit): ~90 calendar days.
    margin = timedelta(days=100)
    found = await obligations(session, plan_ids, due_from=start - margin, due_to=end + margin, unit_ids=unit_ids)
    return [o for o in found if start <= o.due <= end or any(start <= s.day <= end for s in o.steps(calendar))]
