"""Put a validated plan file into the database: an idempotent upsert keyed by codes.

Nothing a plan file stops listing is deleted: units, tasks, schedules and periods are marked
inactive, so reports already filed against them keep their meaning. A dry run performs the
same work inside a transaction that is rolled back, so it shows exactly what a load would do.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.planfiles.plan_file import LoadedPlan, PlanFile
from models.rules import periods as rules
from models.rules.text import fold
from models.rules.workdays import WorkCalendar
from models.store.audit import record
from models.store.base import utcnow
from models.store.tables import (
    Assignment,
    CalendarOverride,
    Indicator,
    Period,
    Plan,
    Schedule,
    Target,
    TargetMilestone,
    Task,
    TaskIndicator,
    TaskSchedule,
    Unit,
    UnitAlias,
    UnitEvent,
)


@dataclass(frozen=True)
class Change:
    action: str  # add | update | retire | remove
    entity: str  # plan | unit | alias | target | milestone | indicator | schedule | period | task | …
    key: str
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass
class LoadResult:
    plan_code: str
    changes: list[Change]
    dry_run: bool

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def work_calendar(spec: PlanFile) -> WorkCalendar:
    off, worked = spec.calendar.off(), spec.calendar.worked()
    return WorkCalendar(off, worked, {**off, **worked})


async def load_plan(session: AsyncSession, loaded: LoadedPlan, *, actor: str, today: date,
                    dry_run: bool = False) -> LoadResult:
    """Apply `loaded` in one transaction (committed, or rolled back for a dry run).

    `today` starts the following of deadlines when the file sets no `track_from`: a bot installed in the
    middle of a plan must not call every earlier report overdue.
    """
    loader = _Loader(session, loaded, today)
    try:
        await loader.run()
        await finish_load(session, loader.plan, loader.changes, dry_run=dry_run, actor=actor, action="plan.load",
                          detail={"file": loaded.path, "sha256": loaded.sha256, "changes": len(loader.changes),
                                  "summary": summarise(loader.changes)})
    except BaseException:
        await session.rollback()
        raise
    return LoadResult(loaded.spec.plan.code, loader.changes, dry_run)


async def finish_load(session: AsyncSession, plan: Plan, changes: list[Change], *, dry_run: bool, actor: str,
                      action: str, detail: dict[str, Any]) -> None:
    """The end of loading a plan or reorganisation file: commit what changed, audited, or (dry run) nothing."""
    if changes:  # caches keyed on the plan (models/catalog.py) must rebuild
        plan.loaded_at = utcnow()
        await session.flush()
        if not dry_run:
            await record(session, actor, action, "plan", plan.code, detail)
    if dry_run:
        await session.rollback()
    else:
        await session.commit()


def summarise(changes: Iterable[Change]) -> dict[str, dict[str, int]]:
    summary: dict[str, dict[str, int]] = {}
    for change in changes:
        bucket = summary.setdefault(change.entity, {})
        bucket[change.action] = bucket.get(change.action, 0) + 1
    return summary


class _Loader:
    def __init__(self, session: AsyncSession, loaded: LoadedPlan, today: date) -> None:
        self.session = session
        self.today = today
        self.loaded = loaded
        self.spec = loaded.spec
        self.changes: list[Change] = []

    async def run(self) -> None:
        plan = self.plan = await self._plan()
        units = await self._units(plan)
        targets = await self._targets(plan)
        indicators = await self._indicators(plan, targets)
        schedules = await self._schedules(plan)
        await self._calendar(plan)
        await self._periods(plan, schedules)
        await self._tasks(plan, units, indicators, schedules)

    # -- generic upsert -----------------------------------------------------------------------

    async def _sync(
        self,
        entity: str,
        model: type[SQLModel],
        existing: dict[Hashable, Any],
        desired: dict[Hashable, dict[str, Any]],
        *,
        label: Callable[[Hashable], str] = str,
        retire: str = "retire",
    ) -> dict[Hashable, Any]:
        """Make rows match `desired`; rows no longer desired are retired (active=False) or removed."""
        rows: dict[Hashable, Any] = {}
        for key, values in desired.items():
            row = existing.get(key)
            if row is None:
                row = model(**values)
                self.session.add(row)
                self.changes.append(Change("add", entity, label(key)))
            else:
                diff = {name: (getattr(row, name), value) for name, value in values.items()
                        if getattr(row, name) != value}
                if diff:
                    for name, (_old, new) in diff.items():
                        setattr(row, name, new)
                    self.changes.append(Change("update", entity, label(key), diff))
            rows[key] = row
        for key, row in existing.items():
            if key in desired:
                continue
            if retire == "remove":
                await self.session.delete(row)
                self.changes.append(Change("remove", entity, label(key)))
            elif getattr(row, "active", False):
                row.active = False
                self.changes.append(Change("retire", entity, label(key)))
        await self.session.flush()
        return rows

    async def _all(self, model: type[SQLModel], *where: Any) -> list[Any]:
        return list((await self.session.exec(select(model).where(*where))).all())

    # -- sections -----------------------------------------------------------------------------

    async def _plan(self) -> Plan:
        header = self.spec.plan
        existing = {p.code: p for p in await self._all(Plan, Plan.code == header.code)}
        current = existing.get(header.code)
        track_from = header.track_from or (current.track_from if current else max(self.today, header.issued))
        values = {
            "code": header.code, "title": header.title, "decision": header.decision, "issued": header.issued,
            "start": header.start, "end": header.end, "track_from": track_from,
            "timezone": header.timezone, "coordinator_code": header.coordinator.upper(),
            "reminders_before": list(self.spec.reminders.before),
            "escalate_after": list(self.spec.reminders.escalate_after),
            "short": header.short or f"KH {header.decision}",  # a name, stored as the province writes it
            "issuer": list(header.issuer or []), "report_to": list(header.report_to or []),
            "review": header.review, "deadline_on_day_off": self.spec.calendar.deadline_on_day_off,
            "source_path": self.loaded.path, "content_sha256": self.loaded.sha256,
        }
        rows = await self._sync("plan", Plan, existing, {header.code: values})
        return rows[header.code]

    async def _units(self, plan: Plan) -> dict[str, Unit]:
        # Units a reorganisation file created, and what such files changed (names, end dates, successors),
        # belong to that layer: reloading the plan file must not undo the 2025 reorganisation.
        existing = {u.code: u for u in await self._all(Unit, Unit.plan_id == plan.id, Unit.origin == "plan")}
        changed = set(await self.session.exec(select(UnitEvent.unit_id).where(UnitEvent.plan_id == plan.id)))
        desired = {}
        for u in self.spec.units:
            values = {"plan_id": plan.id, "code": u.code.upper(), "name": u.name, "kind": u.kind,
                      "valid_from": u.valid_from, "valid_to": u.valid_to, "active": True, "origin": "plan"}
            current = existing.get(u.code.upper())
            if current is not None and current.id in changed:
                values.update(name=current.name, valid_to=current.valid_to)
            desired[u.code.upper()] = values
        units: dict[str, Unit] = await self._sync("unit", Unit, existing, desired)  # type: ignore[assignment]
        for spec_unit in self.spec.units:
            unit = units[spec_unit.code.upper()]
            successor = units[spec_unit.successor.upper()].id if spec_unit.successor else None
            if unit.id in changed and successor is None:
                continue  # the successor came from a reorganisation
            if unit.successor_id != successor:
                self.changes.append(Change("update", "unit", unit.code,
                                           {"successor_id": (unit.successor_id, successor)}))
                unit.successor_id = successor
        unit_ids = [u.id for u in units.values()]
        aliases = {(a.unit_id, a.norm): a for a in await self._all(UnitAlias, UnitAlias.unit_id.in_(unit_ids))}
        wanted: dict[Hashable, dict[str, Any]] = {}
        for spec_unit in self.spec.units:
            unit = units[spec_unit.code.upper()]
            for alias in (spec_unit.code, spec_unit.name, unit.name, *spec_unit.aliases):
                norm = fold(alias)
                if norm and (unit.id, norm) not in wanted:
                    wanted[(unit.id, norm)] = {"unit_id": unit.id, "alias": alias, "norm": norm}
        code_of = {u.id: u.code for u in units.values()}
        await self._sync("alias", UnitAlias, aliases, wanted, label=lambda k: f"{code_of.get(k[0])}: {k[1]}",
                         retire="remove")
        return units

    async def _targets(self, plan: Plan) -> dict[str, Target]:
        existing = {t.code: t for t in await self._all(Target, Target.plan_id == plan.id)}
        desired = {t.code: {"plan_id": plan.id, "code": t.code, "name": t.name, "measure": t.unit,
                            "aggregate": t.aggregate, "source": t.source, "active": True}
                   for t in self.spec.targets}
        targets: dict[str, Target] = await self._sync("target", Target, existing, desired)  # type: ignore[assignment]
        ids = [t.id for t in targets.values()]
        milestones = {(m.target_id, m.year): m
                      for m in await self._all(TargetMilestone, TargetMilestone.target_id.in_(ids))}
        wanted = {}
        for spec_target in self.spec.targets:
            target = targets[spec_target.code]
            for year, milestone in spec_target.milestone_specs().items():
                wanted[(target.id, year)] = {"target_id": target.id, "year": year, "value": milestone.value,
                                             "op": milestone.op}
        code_of = {t.id: t.code for t in targets.values()}
        await self._sync("milestone", TargetMilestone, milestones, wanted,
                         label=lambda k: f"{code_of.get(k[0])} {k[1]}", retire="remove")
        return targets

    async def _indicators(self, plan: Plan, targets: dict[str, Target]) -> dict[str, Indicator]:
        existing = {i.code: i for i in await self._all(Indicator, Indicator.plan_id == plan.id)}
        desired = {i.code: {"plan_id": plan.id, "code": i.code, "name": i.name, "type": i.type, "measure": i.unit,
                            "target_id": targets[i.target].id if i.target else None, "active": True}
                   for i in self.spec.indicators}
        return await self._sync("indicator", Indicator, existing, desired)  # type: ignore[return-value]

    async def _schedules(self, plan: Plan) -> dict[str, Schedule]:
        existing = {s.code: s for s in await self._all(Schedule, Schedule.plan_id == plan.id)}
        desired = {}
        for code, s in self.spec.schedules.items():
            due = s.due_rule()
            reminders = s.reminders
            desired[code] = {
                "plan_id": plan.id, "code": code, "name": s.name, "every": str(s.rule().every),
                "window": str(s.window), "due_month_day": (f"{due.month_day[0]:02d}-{due.month_day[1]:02d}"
                                                           if due and due.month_day else None),
                "due_day": due.day if due else None, "due_after_cutoff": due.after_cutoff if due else None,
                "once": s.once, "window_from": s.window_from, "kind": s.kind, "skip_years": sorted(s.skip_years),
                "reminders_before": list(reminders.before) if reminders else None,
                "escalate_after": list(reminders.escalate_after) if reminders else None,
                "source": s.source, "basis": s.basis, "active": True,
            }
        return await self._sync("schedule", Schedule, existing, desired)  # type: ignore[return-value]

    async def _calendar(self, plan: Plan) -> None:
        existing = {c.day: c for c in await self._all(CalendarOverride, CalendarOverride.plan_id == plan.id)}
        desired: dict[Hashable, dict[str, Any]] = {}
        for day, note in self.spec.calendar.off().items():
            desired[day] = {"plan_id": plan.id, "day": day, "working": False, "note": note}
        for day, note in self.spec.calendar.worked().items():
            desired[day] = {"plan_id": plan.id, "day": day, "working": True, "note": note}
        await self._sync("calendar", CalendarOverride, existing, desired,
                         label=lambda d: d.isoformat() if isinstance(d, date) else str(d), retire="remove")

    async def _periods(self, plan: Plan, schedules: dict[str, Schedule]) -> None:
        calendar = work_calendar(self.spec)
        header = self.spec.plan
        for code, spec_schedule in self.spec.schedules.items():
            schedule = schedules[code]
            existing = {p.key: p for p in await self._all(Period, Period.schedule_id == schedule.id)}
            desired = {
                p.key: {"schedule_id": schedule.id, "key": p.key, "window_start": p.window_start,
                        "window_end": p.window_end, "due": p.due, "active": True}
                # Periods exist from the plan's issue (history and `nhacviec schedule`); which of them
                # are chased is Plan.track_from's business.
                for p in rules.periods(spec_schedule.rule(), header.start, header.end, calendar, header.issued)
            }
            await self._sync("period", Period, existing, desired, label=lambda k, c=code: f"{c} {k}")
        for code, schedule in schedules.items():
            if code not in self.spec.schedules:  # a retired schedule's periods stop being followed
                for period in await self._all(Period, Period.schedule_id == schedule.id, Period.active):
                    period.active = False
                    self.changes.append(Change("retire", "period", f"{code} {period.key}"))
        await self.session.flush()

    async def _tasks(self, plan: Plan, units: dict[str, Unit], indicators: dict[str, Indicator],
                     schedules: dict[str, Schedule]) -> None:
        existing = {t.code: t for t in await self._all(Task, Task.plan_id == plan.id)}
        desired = {t.code: {"plan_id": plan.id, "code": t.code, "norm": fold(t.code), "title": t.title,
                            "short_title": t.short_title or "", "section": t.section, "description": t.description,
                            "report_by": t.report_by, "inferred": list(t.inferred), "basis": t.basis,
                            "source": t.source, "active": True}
                   for t in self.spec.tasks}
        tasks: dict[str, Task] = await self._sync("task", Task, existing, desired)  # type: ignore[assignment]
        task_ids = [t.id for t in tasks.values()]
        code_of_task = {t.id: t.code for t in tasks.values()}
        unit_code = {u.id: u.code for u in units.values()}

        links = {(link.task_id, link.schedule_id): link
                 for link in await self._all(TaskSchedule, TaskSchedule.task_id.in_(task_ids))}
        schedule_code = {s.id: s.code for s in schedules.values()}
        wanted = {(tasks[t.code].id, schedules[s].id): {"task_id": tasks[t.code].id, "schedule_id": schedules[s].id}
                  for t in self.spec.tasks for s in t.schedules}
        await self._sync("task-schedule", TaskSchedule, links, wanted, retire="remove",
                         label=lambda k: f"{code_of_task.get(k[0])} ↔ {schedule_code.get(k[1])}")

        indicator_links = {(link.task_id, link.indicator_id): link
                           for link in await self._all(TaskIndicator, TaskIndicator.task_id.in_(task_ids))}
        indicator_code = {i.id: i.code for i in indicators.values()}
        wanted = {
            (tasks[t.code].id, indicators[c].id): {"task_id": tasks[t.code].id, "indicator_id": indicators[c].id,
                                                   "position": position}
            for t in self.spec.tasks for position, c in enumerate(t.indicators)
        }
        await self._sync("task-indicator", TaskIndicator, indicator_links, wanted, retire="remove",
                         label=lambda k: f"{code_of_task.get(k[0])} ↔ {indicator_code.get(k[1])}")

        # Assignments written by reorganisations (origin != "plan") are not the plan file's to change.
        assignments = {(a.task_id, a.unit_id, a.role): a
                       for a in await self._all(Assignment, Assignment.task_id.in_(task_ids),
                                                Assignment.origin == "plan")}
        wanted = {}
        for t in self.spec.tasks:
            for role in ("lead", "support"):
                for code in getattr(t, role):
                    unit = units[code.upper()]
                    wanted[(tasks[t.code].id, unit.id, role)] = {
                        "task_id": tasks[t.code].id, "unit_id": unit.id, "role": role, "origin": "plan",
                        "active": True}
        await self._sync("assignment", Assignment, assignments, wanted,
                         label=lambda k: f"{code_of_task.get(k[0])} {k[2]} {unit_code.get(k[1])}")
