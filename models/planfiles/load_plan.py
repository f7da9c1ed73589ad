"""Put a validated plan file into the database: an idempotent upsert keyed by codes.

Nothing a plan file stops listing is deleted: units, tasks, schedules and periods are marked
inactive, so reports already filed against them keep their meaning. A dry run performs the
same work inside a transaction that is rolled back, so it shows exactly what a load would do.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy import or_
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from locales import _, format_date
from models.planfiles.changes import Change, LoadResult, finish_load, summarise
from models.planfiles.load_reorg import replay
from models.planfiles.plan_file import LoadedPlan, PlanFile
from models.planfiles.source import Problem, SourceError
from models.rules import periods as rules
from models.rules.text import fold
from models.rules.workdays import WorkCalendar
from models.store.tables import (
    Assignment,
    CalendarOverride,
    Indicator,
    Period,
    Plan,
    PlanUnit,
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
        if loader.problems:
            raise SourceError(loader.problems)
        await finish_load(session, loader.changes, dry_run=dry_run, actor=actor, action="plan.load", entity="plan",
                          entity_id=loaded.spec.plan.code,
                          detail={"file": loaded.path, "sha256": loaded.sha256, "changes": len(loader.changes),
                                  "summary": summarise(loader.changes)})
    except BaseException:
        await session.rollback()
        raise
    return LoadResult(loaded.spec.plan.code, loader.changes, dry_run, "plan", loaded.path)


class _Loader:
    def __init__(self, session: AsyncSession, loaded: LoadedPlan, today: date) -> None:
        self.session = session
        self.today = today
        self.loaded = loaded
        self.spec = loaded.spec
        self.changes: list[Change] = []
        self.problems: list[Problem] = []  # what the file says against what other plan files said

    async def run(self) -> None:
        plan = self.plan = await self._plan()
        units = await self._units(plan)
        targets = await self._targets(plan)
        indicators = await self._indicators(plan, targets)
        schedules = await self._schedules(plan)
        await self._calendar(plan)
        await self._periods(plan, schedules)
        await self._tasks(plan, units, indicators, schedules)
        self.changes += await replay(self.session, plan.id)

    # -- generic upsert -----------------------------------------------------------------------

    async def _sync(
        self,
        entity: str,
        model: type[SQLModel],
        existing: dict[Any, Any],
        desired: Mapping[Any, Mapping[str, Any]],
        *,
        label: Callable[[Any], str] = str,
        retire: str = "retire",
    ) -> dict[Any, Any]:
        """Make rows match `desired`; rows no longer desired are retired (active=False) or removed."""
        rows: dict[Any, Any] = {}
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
        """The province's units this file lists: new ones are added; one another plan file lists too must be
        described alike (name, kind, dates; aliases add up), or the load fails naming both files."""
        listed = {u.code.upper(): (index, u) for index, u in enumerate(self.spec.units)}
        existing = {u.code: u for u in await self._all(Unit, col(Unit.code).in_(list(listed)))}
        elsewhere = await self._listed_elsewhere(plan)
        # What reorganisation files changed (names, end dates, successors) belongs to them: reloading the plan
        # file must not undo the 2025 reorganisation.
        changed = set((await self.session.exec(select(UnitEvent.unit_id))).all())
        units: dict[str, Unit] = {}
        for code, (index, spec_unit) in listed.items():
            values: dict[str, Any] = {"code": code, "name": spec_unit.name, "kind": spec_unit.kind,
                                      "valid_from": spec_unit.valid_from, "valid_to": spec_unit.valid_to}
            unit = existing.get(code)
            if unit is None:
                unit = Unit(**values, active=True, origin="plan")
                self.session.add(unit)
                self.changes.append(Change("add", "unit", code))
            elif unit.id in elsewhere:
                self._agree(index, unit, values, elsewhere[unit.id], changed)
            else:
                if unit.id in changed:
                    values.update(name=unit.name, kind=unit.kind, valid_to=unit.valid_to)
                diff = {k: (getattr(unit, k), v) for k, v in values.items() if getattr(unit, k) != v}
                if not unit.active:
                    diff["active"] = (False, True)
                for name, (_old, new) in diff.items():
                    setattr(unit, name, new)
                if diff:
                    self.changes.append(Change("update", "unit", code, diff))
            units[code] = unit
        await self.session.flush()
        for code, (_index, spec_unit) in listed.items():
            unit = units[code]
            successor = units[spec_unit.successor.upper()].id if spec_unit.successor else None
            if unit.id in changed and successor is None:
                continue  # the successor came from a reorganisation
            if unit.successor_id != successor:
                self.changes.append(Change("update", "unit", unit.code,
                                           {"successor_id": (unit.successor_id, successor)}))
                unit.successor_id = successor
        await self._plan_units(plan, units)
        await self._aliases(plan, units, listed)
        return units

    async def _listed_elsewhere(self, plan: Plan) -> dict[int, list[str]]:
        """Unit id → the files of the other plans that list it."""
        rows = (await self.session.exec(select(PlanUnit.unit_id, Plan.source_path)
                                        .join(Plan, col(Plan.id) == PlanUnit.plan_id)
                                        .where(PlanUnit.plan_id != plan.id))).all()
        found: dict[int, list[str]] = {}
        for unit_id, path in rows:
            found.setdefault(unit_id, []).append(path)
        return found

    def _agree(self, index: int, unit: Unit, values: dict[str, Any], files: list[str], changed: set[int]) -> None:
        for name in ("name", "kind", "valid_from", "valid_to"):
            if name in ("name", "kind", "valid_to") and unit.id in changed:
                continue  # a reorganisation renamed or ended it since: the plan files say what it was
            if getattr(unit, name) != values[name]:
                self.problems.append(self.loaded.located.problem(("units", index, name), _(
                    "đơn vị {code} đã có trong tệp {other} với {field} “{theirs}”; tệp này ghi “{ours}”. Một "
                    "đơn vị trong nhiều kế hoạch phải được ghi giống nhau").format(
                    code=unit.code, other=", ".join(sorted(files)), field=name, theirs=getattr(unit, name),
                    ours=values[name])))

    async def _plan_units(self, plan: Plan, units: dict[str, Unit]) -> None:
        """The plan's list of units; a unit no plan file lists any more is retired (its history stays)."""
        links = {link.unit_id: link for link in await self._all(PlanUnit, PlanUnit.plan_id == plan.id)}
        wanted = {u.id for u in units.values()}
        for unit in units.values():
            if unit.id not in links:
                self.session.add(PlanUnit(plan_id=plan.id, unit_id=unit.id))
        dropped = [unit_id for unit_id in links if unit_id not in wanted]
        for unit_id in dropped:
            await self.session.delete(links[unit_id])
        await self.session.flush()
        if dropped:
            still = set((await self.session.exec(
                select(PlanUnit.unit_id).where(col(PlanUnit.unit_id).in_(dropped)))).all())
            for unit in await self._all(Unit, col(Unit.id).in_(dropped), Unit.origin == "plan", Unit.active):
                if unit.id not in still:
                    unit.active = False
                    self.changes.append(Change("retire", "unit", unit.code))

    async def _aliases(self, plan: Plan, units: dict[str, Unit], listed: dict[str, tuple[int, Any]]) -> None:
        """This file's names for its units (other files' names for them stay: aliases add up). A name must
        not lead to two units."""
        others = {a.norm: a.unit_id for a in await self._all(UnitAlias, or_(col(UnitAlias.plan_id) != plan.id,
                                                                            col(UnitAlias.plan_id).is_(None)))}
        code_of = {u.id: u.code for u in await self._all(Unit, col(Unit.id).in_(list(set(others.values()))))}
        wanted: dict[Hashable, dict[str, Any]] = {}
        for code, (index, spec_unit) in listed.items():
            unit = units[code]
            for alias in (spec_unit.code, spec_unit.name, *spec_unit.aliases):
                norm = fold(alias)
                owner = others.get(norm)
                if norm and owner is not None and owner != unit.id:
                    self.problems.append(self.loaded.located.problem(("units", index, "aliases"), _(
                        "tên gọi '{alias}' đã trỏ tới đơn vị {other} (trong một kế hoạch khác); mỗi tên gọi chỉ "
                        "được trỏ tới một đơn vị").format(alias=alias, other=code_of.get(owner, "?"))))
                if norm and (unit.id, norm) not in wanted:
                    wanted[(unit.id, norm)] = {"unit_id": unit.id, "plan_id": plan.id, "alias": alias, "norm": norm}
        mine = {(a.unit_id, a.norm): a for a in await self._all(UnitAlias, UnitAlias.plan_id == plan.id)}
        code_of = {u.id: u.code for u in units.values()}
        await self._sync("alias", UnitAlias, mine, wanted, label=lambda k: f"{code_of.get(k[0])}: {k[1]}",
                         retire="remove")

    async def _targets(self, plan: Plan) -> dict[str, Target]:
        existing = {t.code: t for t in await self._all(Target, Target.plan_id == plan.id)}
        desired = {t.code: {"plan_id": plan.id, "code": t.code, "name": t.name, "measure": t.unit,
                            "aggregate": t.aggregate, "source": t.source, "active": True}
                   for t in self.spec.targets}
        targets: dict[str, Target] = await self._sync("target", Target, existing, desired)
        ids = [t.id for t in targets.values()]
        milestones = {(m.target_id, m.year): m
                      for m in await self._all(TargetMilestone, col(TargetMilestone.target_id).in_(ids))}
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
        return await self._sync("indicator", Indicator, existing, desired)

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
                "source": s.source, "basis": s.basis, "inferred": s.inferred, "active": True,
            }
        return await self._sync("schedule", Schedule, existing, desired)

    async def _calendar(self, plan: Plan) -> None:
        """The plan's day swaps. The province has one calendar: another plan saying otherwise of a day fails
        the load, naming both files."""
        others = (await self.session.exec(select(CalendarOverride, Plan.source_path)
                                          .join(Plan, col(Plan.id) == CalendarOverride.plan_id)
                                          .where(CalendarOverride.plan_id != plan.id))).all()
        said = {override.day: (override.working, path) for override, path in others}
        for section, days, working in (("days_off", self.spec.calendar.off(), False),
                                       ("working_days", self.spec.calendar.worked(), True)):
            for position, day in enumerate(days):
                if day in said and said[day][0] != working:
                    self.problems.append(self.loaded.located.problem(("calendar", section, position), _(
                        "ngày {day} được tệp {other} ghi là {theirs}; lịch của tỉnh chỉ có một").format(
                        day=format_date(day), other=said[day][1],
                        theirs=_("ngày làm việc") if said[day][0] else _("ngày nghỉ"))))
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
                # A deadline on a day off is stored moved (next or previous working day, as the plan says):
                # reloading a plan moves the deadlines of periods stored before that rule.
                for p in rules.periods(spec_schedule.rule(), header.start, header.end, calendar, header.issued,
                                       self.spec.calendar.deadline_on_day_off)
                # skip_years: the years another report asks the same content (sơ kết 2025, tổng kết 2030).
                if p.window_end.year not in spec_schedule.skip_years
            }
            await self._sync("period", Period, existing, desired, label=partial(lambda c, k: f"{c} {k}", code))
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
        tasks: dict[str, Task] = await self._sync("task", Task, existing, desired)
        task_ids = [t.id for t in tasks.values()]
        code_of_task = {t.id: t.code for t in tasks.values()}
        unit_code = {u.id: u.code for u in units.values()}

        links = {(link.task_id, link.schedule_id): link
                 for link in await self._all(TaskSchedule, col(TaskSchedule.task_id).in_(task_ids))}
        schedule_code = {s.id: s.code for s in schedules.values()}
        wanted = {(tasks[t.code].id, schedules[s].id): {"task_id": tasks[t.code].id, "schedule_id": schedules[s].id}
                  for t in self.spec.tasks for s in t.schedules}
        await self._sync("task-schedule", TaskSchedule, links, wanted, retire="remove",
                         label=lambda k: f"{code_of_task.get(k[0])} ↔ {schedule_code.get(k[1])}")

        indicator_links = {(link.task_id, link.indicator_id): link
                           for link in await self._all(TaskIndicator, col(TaskIndicator.task_id).in_(task_ids))}
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
                       for a in await self._all(Assignment, col(Assignment.task_id).in_(task_ids),
                                                Assignment.origin == "plan")}
        wanted_assignments = {}
        for t in self.spec.tasks:
            for role in ("lead", "support"):
                for code in getattr(t, role):
                    unit = units[code.upper()]
                    wanted_assignments[(tasks[t.code].id, unit.id, role)] = {
                        "task_id": tasks[t.code].id, "unit_id": unit.id, "role": role, "origin": "plan",
                        "active": True}
        await self._sync("assignment", Assignment, assignments, wanted_assignments,
                         label=lambda k: f"{code_of_task.get(k[0])} {k[2]} {unit_code.get(k[1])}")
