"""The plan's static part in memory: tasks, units, names, indicators, who reports what, the calendar.

It changes only when a plan (or reorganisation) file is loaded, which bumps `Plan.loaded_at`; every
message already reads the plan row, so a stale catalog is noticed at once and rebuilt. This keeps
matching and permission checks off the database on the hot path.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.obligations import plan_calendar
from models.registry import Succession, current_of, in_force, predecessors, succession, valid_on
from models.rules.matching import task_keys
from models.rules.text import fold
from models.rules.workdays import WorkCalendar
from models.store.tables import Assignment, Indicator, Plan, Task, TaskIndicator, Unit, UnitAlias, UnitEvent


@dataclass(frozen=True)
class IndicatorInfo:
    id: int
    code: str
    name: str
    type: str
    measure: str


@dataclass(frozen=True)
class AssignmentInfo:
    id: int
    unit_id: int
    role: str
    valid_from: date | None
    valid_to: date | None

    def in_force(self, day: date) -> bool:
        return valid_on(self.valid_from, self.valid_to, day)


@dataclass(frozen=True)
class TaskInfo:
    id: int
    code: str
    title: str
    report_by: str
    keys: frozenset[str]
    assignments: tuple[AssignmentInfo, ...]
    indicators: tuple[IndicatorInfo, ...]

    def reporting_units(self, day: date) -> set[int]:
        return {a.unit_id for a in self.assignments
                if a.in_force(day) and (a.role == "lead" or self.report_by == "all")}


@dataclass
class PlanCatalog:
    plan_id: int
    version: datetime
    tasks: dict[int, TaskInfo]
    units: dict[int, Unit]
    calendar: WorkCalendar
    coordinator: Unit | None
    _task_keys: dict[str, list[int]] = field(default_factory=dict)
    _aliases: dict[str, list[int]] = field(default_factory=dict)
    ended_by: dict[int, str] = field(default_factory=dict)  # unit id → "merge" | "retire"

    def is_task_key(self, token: str) -> bool:
        return fold(token) in self._task_keys

    def find_tasks(self, text: str) -> list[TaskInfo]:
        return [self.tasks[i] for i in self._task_keys.get(fold(text), [])]

    def find_units(self, text: str, *, on: date | None = None) -> list[Unit]:
        """Units whose code, name or alias is `text` (loosely); failing that, whose names contain it.
        On a day, a unit that has ended stands for its successor ("Sở TT&TT" finds Sở KH&CN)."""
        return self.resolve_units(text, on=on)[0]

    def resolve_units(self, text: str, *, on: date | None = None) -> tuple[list[Unit], list[Succession]]:
        """`find_units`, with the successions it followed (for saying so to the person)."""
        key = fold(text)
        if not key:
            return [], []
        ids = self._aliases.get(key)
        if ids is None and len(key) >= 2:
            ids = sorted({i for norm, owners in self._aliases.items() if key in norm for i in owners})
        found: dict[int, Unit] = {}
        followed: list[Succession] = []
        for unit in (self.units[i] for i in ids or []):
            if in_force(unit, on):
                found.setdefault(unit.id, unit)
            elif on is not None and unit.active and (current := current_of(self.units, unit, on)) is not None:
                followed.append(succession(unit, current, self.ended_by))
        direct = set(found)
        for step in followed:
            found.setdefault(step.current.id, step.current)
        # Only say "… đã hợp nhất vào …" when the old name is what led to the unit.
        return list(found.values()), [s for s in followed if s.current.id not in direct]

    def predecessors(self, unit_id: int) -> list[Unit]:
        return predecessors(self.units, unit_id)

    def unit(self, unit_id: int) -> Unit | None:
        return self.units.get(unit_id)


async def load_catalog(session: AsyncSession, plan: Plan) -> PlanCatalog:
    tasks = (await session.exec(select(Task).where(Task.plan_id == plan.id, Task.active).order_by(Task.id))).all()
    task_ids = [t.id for t in tasks]
    assignments: dict[int, list[AssignmentInfo]] = defaultdict(list)
    for a in (await session.exec(select(Assignment).where(Assignment.task_id.in_(task_ids), Assignment.active)
                                 .order_by(Assignment.id))).all():
        assignments[a.task_id].append(AssignmentInfo(a.id, a.unit_id, a.role, a.valid_from, a.valid_to))
    indicators: dict[int, list[IndicatorInfo]] = defaultdict(list)
    for link, indicator in (await session.exec(
            select(TaskIndicator, Indicator).join(Indicator, Indicator.id == TaskIndicator.indicator_id)
            .where(TaskIndicator.task_id.in_(task_ids), Indicator.active).order_by(TaskIndicator.position))).all():
        indicators[link.task_id].append(IndicatorInfo(indicator.id, indicator.code, indicator.name, indicator.type,
                                                      indicator.measure))
    units = {u.id: u for u in (await session.exec(select(Unit).where(Unit.plan_id == plan.id)
                                                   .order_by(Unit.id))).all()}
    for unit in units.values():  # shared across sessions: a rollback in one must not expire them
        session.expunge(unit)
    aliases: dict[str, list[int]] = defaultdict(list)
    for alias in (await session.exec(select(UnitAlias).where(UnitAlias.unit_id.in_(list(units)))
                                      .order_by(UnitAlias.unit_id))).all():
        if alias.unit_id not in aliases[alias.norm]:
            aliases[alias.norm].append(alias.unit_id)
    infos = {t.id: TaskInfo(t.id, t.code, t.title, t.report_by, frozenset(task_keys(t.code)),
                            tuple(assignments[t.id]), tuple(indicators[t.id])) for t in tasks}
    keys: dict[str, list[int]] = defaultdict(list)
    for info in infos.values():
        for key in info.keys:
            keys[key].append(info.id)
    coordinator = next((u for u in units.values() if u.code == plan.coordinator_code), None)
    ended_by = {unit_id: kind for unit_id, kind in (await session.exec(
        select(UnitEvent.unit_id, UnitEvent.kind).where(UnitEvent.plan_id == plan.id,
                                                        UnitEvent.kind.in_(["merge", "retire"])))).all()}
    return PlanCatalog(plan.id, plan.loaded_at, infos, units, await plan_calendar(session, plan.id), coordinator,
                       dict(keys), dict(aliases), ended_by)


class CatalogCache:
    """One catalog per plan, rebuilt when the plan's `loaded_at` moves."""

    def __init__(self) -> None:
        self._catalogs: dict[int, PlanCatalog] = {}

    async def get(self, session: AsyncSession, plan: Plan) -> PlanCatalog:
        catalog = self._catalogs.get(plan.id)
        if catalog is None or catalog.version != plan.loaded_at:
            catalog = await load_catalog(session, plan)
            self._catalogs[plan.id] = catalog
        return catalog
