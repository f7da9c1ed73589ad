"""The static part of what the province follows, in memory: the plans followed, their tasks, the
province's units and their names, indicators, who reports what, the calendar.

It changes only when a plan or reorganisation file is loaded (or a plan retired), which moves a counter
in the database (`revisions.CATALOG`, models/store/revisions.py); a running bot compares it with every
message and rebuilds when it moved. This keeps name matching and permission checks off the database on
the hot path.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.obligations import plan_calendar
from models.registry import Succession, current_of, in_force, predecessors, succession, valid_on
from models.rules.matching import task_keys
from models.rules.text import fold
from models.rules.workdays import WorkCalendar
from models.store import revisions
from models.store.tables import Assignment, Indicator, Plan, Task, TaskIndicator, Unit, UnitAlias, UnitEvent


@dataclass(frozen=True, kw_only=True)
class IndicatorInfo:
    id: int
    code: str
    name: str
    type: str
    measure: str


@dataclass(frozen=True, kw_only=True)
class AssignmentInfo:
    id: int
    unit_id: int
    role: str
    valid_from: date | None
    valid_to: date | None

    def in_force(self, day: date) -> bool:
        return valid_on(self.valid_from, self.valid_to, day)


@dataclass(frozen=True, kw_only=True)
class TaskInfo:
    id: int
    plan_id: int
    code: str
    title: str
    report_by: str
    keys: frozenset[str]
    assignments: tuple[AssignmentInfo, ...]
    indicators: tuple[IndicatorInfo, ...]

    def reporting_units(self, day: date) -> set[int]:
        return {a.unit_id for a in self.assignments
                if a.in_force(day) and self.report_by != "none" and (a.role == "lead" or self.report_by == "all")}


def plan_keys(plan: Plan) -> set[str]:
    """How a plan may be named in chat: its code, its short name, its decision ("kh 3064", "3064/QĐ-UBND")."""
    number = plan.decision.split("/", 1)[0]
    return {k for k in (fold(plan.code), fold(plan.short), fold(plan.decision), fold(f"kh {number}"), fold(number))
            if k}


def _words(text: str) -> list[str]:
    return [w for w in (fold(w) for w in text.split()) if w]


def _contains(words: list[str], part: list[str]) -> bool:
    return any(words[i:i + len(part)] == part for i in range(len(words) - len(part) + 1))


@dataclass(kw_only=True)
class Catalog:
    revision: int
    plans: dict[int, Plan]  # the plans followed (retired ones are not), by id
    tasks: dict[int, TaskInfo]
    units: dict[int, Unit]  # every unit of the province, ended ones included
    calendar: WorkCalendar
    _task_keys: dict[str, list[int]] = field(default_factory=dict)
    _aliases: dict[str, list[int]] = field(default_factory=dict)
    ended_by: dict[int, str] = field(default_factory=dict)  # unit id → "merge" | "retire"
    passed_to: dict[int, frozenset[str]] = field(default_factory=dict)  # unit id → codes its parts passed to

    @property
    def coordinator(self) -> Unit | None:
        """The unit that follows the plans (of the first plan, when plans name different ones)."""
        codes = [p.coordinator_code for p in sorted(self.plans.values(), key=lambda p: p.id or 0)]
        by_code = {u.code: u for u in self.units.values()}
        return next((by_code[c] for c in codes if c in by_code), None)

    def followed(self) -> list[Plan]:
        return sorted(self.plans.values(), key=lambda p: p.code)

    def is_task_key(self, token: str) -> bool:
        return fold(token) in self._task_keys

    def find_tasks(self, text: str, *, plan_ids: Iterable[int] | None = None) -> list[TaskInfo]:
        """Tasks whose code is `text` (loosely), in every plan followed or only those given."""
        wanted = set(plan_ids) if plan_ids is not None else None
        return [self.tasks[i] for i in self._task_keys.get(fold(text), [])
                if wanted is None or self.tasks[i].plan_id in wanted]

    def find_plans(self, text: str) -> list[Plan]:
        """Plans named by `text`: its code, short name or decision; failing that, two or more words of a
        short name ("chuyen doi so" for "KH ví dụ – Chuyển đổi số"). One word is not enough: "số" or
        "công" would catch unit names."""
        key = fold(text)
        if not key:
            return []
        exact = [p for p in self.followed() if key in plan_keys(p)]
        words = _words(text)
        if exact or len(words) < 2:
            return exact
        return [p for p in self.followed() if _contains(_words(p.short), words)]

    def split_plan(self, text: str) -> tuple[list[Plan], str]:
        """A plan named at the start or the end of `text` ("kh 3064 SCT", "SCT KH 3064"): the plans it
        names, and the rest. No plan named: every plan followed, and the text as it was."""
        words = text.split()
        for size in range(min(len(words), 4), 0, -1):
            for head, rest in ((words[:size], words[size:]), (words[-size:], words[:-size])):
                found = self.find_plans(" ".join(head))
                if found:
                    return found, " ".join(rest)
        return self.followed(), text

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

    def inherited(self, unit_id: int) -> dict[int, frozenset[int]]:
        """What a unit carries of the units merged into it (directly or through others): former unit id → the
        tasks whose reports still owed from before the merger are now its own, those it reports on itself.
        A retired unit's debts are not inherited (they stay in its own history), nor those of a part dropped
        at the merger (Sở KH&CN does not owe itself Sở TT&TT's IV.2.a, sent "về Sở KH&CN")."""
        reports = {t.id for t in self.tasks.values()
                   if t.report_by != "none" and any(a.unit_id == unit_id and (a.role == "lead" or t.report_by == "all")
                                                    for a in t.assignments)}
        found: dict[int, frozenset[int]] = {}
        for former in predecessors(self.units, unit_id):
            if self.ended_by.get(former.id) != "merge":
                continue
            tasks = frozenset(t for t in reports if any(a.unit_id == former.id for a in self.tasks[t].assignments))
            if tasks:
                found[former.id] = tasks
        return found

    def taken_over(self, task_id: int, assignment_id: int) -> list[Unit]:
        """The units whose part in a task passed to this assignment on a reorganisation (their part ended the
        day before it began): "IV.8.a of UBND các xã, phường, taken over from the eight districts"."""
        task = self.tasks.get(task_id)
        mine = next((a for a in task.assignments if a.id == assignment_id), None) if task else None
        if task is None or mine is None or mine.valid_from is None:
            return []
        code = self.units[mine.unit_id].code if mine.unit_id in self.units else ""
        return [self.units[a.unit_id] for a in task.assignments
                if a.unit_id != mine.unit_id and a.role == mine.role and a.valid_to is not None
                and a.valid_to + timedelta(days=1) == mine.valid_from and a.unit_id in self.units
                and code in self.passed_to.get(a.unit_id, ())]



async def load_catalog(session: AsyncSession, revision: int | None = None) -> Catalog:
    if revision is None:
        revision = (await revisions.read(session)).catalog
    plans = {p.id: p for p in (await session.exec(select(Plan).where(col(Plan.retired_at).is_(None))
                                                  .order_by(col(Plan.id)))).all()}
    tasks = (await session.exec(select(Task).where(col(Task.plan_id).in_(list(plans)), Task.active)
                                .order_by(col(Task.id)))).all()
    task_ids = [t.id for t in tasks]
    assignments: dict[int, list[AssignmentInfo]] = defaultdict(list)
    for a in (await session.exec(select(Assignment).where(col(Assignment.task_id).in_(task_ids), Assignment.active)
                                 .order_by(col(Assignment.id)))).all():
        assignments[a.task_id].append(AssignmentInfo(id=a.id, unit_id=a.unit_id, role=a.role,
                                                     valid_from=a.valid_from, valid_to=a.valid_to))
    indicators: dict[int, list[IndicatorInfo]] = defaultdict(list)
    for link, indicator in (await session.exec(
            select(TaskIndicator, Indicator).join(Indicator, col(Indicator.id) == TaskIndicator.indicator_id)
            .where(col(TaskIndicator.task_id).in_(task_ids), Indicator.active)
            .order_by(col(TaskIndicator.position)))).all():
        indicators[link.task_id].append(IndicatorInfo(id=indicator.id, code=indicator.code, name=indicator.name,
                                                      type=indicator.type, measure=indicator.measure))
    units = {u.id: u for u in (await session.exec(select(Unit).order_by(col(Unit.id)))).all()}
    # Shared by every later message's session: a rollback in one must not expire them.
    for row in [*units.values(), *plans.values()]:
        session.expunge(row)
    aliases: dict[str, list[int]] = defaultdict(list)
    for alias in (await session.exec(select(UnitAlias).order_by(col(UnitAlias.unit_id)))).all():
        if alias.unit_id not in aliases[alias.norm]:
            aliases[alias.norm].append(alias.unit_id)
    infos = {t.id: TaskInfo(id=t.id, plan_id=t.plan_id, code=t.code, title=t.title, report_by=t.report_by,
                            keys=frozenset(task_keys(t.code)), assignments=tuple(assignments[t.id]),
                            indicators=tuple(indicators[t.id])) for t in tasks}
    keys: dict[str, list[int]] = defaultdict(list)
    for info in infos.values():
        for key in info.keys:
            keys[key].append(info.id)
    ended_by: dict[int, str] = {}
    passed_to: dict[int, set[str]] = defaultdict(set)
    for event in (await session.exec(select(UnitEvent)
                                     .where(col(UnitEvent.kind).in_(["merge", "retire", "split"])))).all():
        if event.kind != "split":
            ended_by[event.unit_id] = event.kind
        passed_to[event.unit_id].update(owner for _task, _role, owner in event.detail.get("tasks", []))
    return Catalog(revision=revision, plans=plans, tasks=infos, units=units,
                   calendar=await plan_calendar(session), _task_keys=dict(keys), _aliases=dict(aliases),
                   ended_by=ended_by, passed_to={k: frozenset(v) for k, v in passed_to.items()})


class CatalogCache:
    """The catalog, rebuilt when the revision in the database has moved."""

    def __init__(self) -> None:
        self._catalog: Catalog | None = None

    async def get(self, session: AsyncSession, revision: int | None = None) -> Catalog:
        """The catalog at `revision` (read from the database when not given)."""
        if revision is None:
            revision = (await revisions.read(session)).catalog
        if self._catalog is None or self._catalog.revision != revision:
            self._catalog = await load_catalog(session, revision)
        return self._catalog
