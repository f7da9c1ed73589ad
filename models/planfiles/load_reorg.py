"""Applying a reorganisation file: units end and hand over their tasks in every plan, history stays.

A merged or retired unit gets its last day (`valid_to`) and a successor; each of its assignments in
force ends the day before the event, and the receiving unit gets the same part in the task from the
event day (origin: the file). Reports filed by the old unit stay attached to it, so its history reads
as it was. Its focal points are asked, from the event's day, whether they carry on for the successor
(models.registry.pending_successions derives the question from the data, whenever they registered).
Loading a file twice changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.planfiles.changes import Change, LoadResult, finish_load
from models.planfiles.reorg_file import (
    DECISION,
    EventSpec,
    LoadedReorg,
    ProvinceState,
    check_against,
    resolve_tasks,
)
from models.planfiles.source import SourceError
from models.registry import valid_on
from models.rules.text import fold
from models.store.tables import Assignment, Plan, Task, Unit, UnitAlias, UnitEvent


async def province_state(session: AsyncSession) -> ProvinceState:
    """The loaded plans, the province's units and who holds which task, as the file checks need them."""
    units = (await session.exec(select(Unit))).all()
    code_of = {u.id: u.code for u in units}
    names = {a.norm: code_of[a.unit_id] for a in (await session.exec(select(UnitAlias))).all() if a.unit_id in code_of}
    followed = (await session.exec(select(Plan).where(col(Plan.retired_at).is_(None)))).all()
    plans = {p.code: (p.start, p.end) for p in followed}
    leads: dict[str, list] = defaultdict(list)
    rows = (await session.exec(select(Assignment, Task.code, Plan.code).join(Task, col(Task.id) == Assignment.task_id)
                               .join(Plan, col(Plan.id) == Task.plan_id)
                               .where(Task.active, Assignment.active, col(Plan.retired_at).is_(None)))).all()
    for assignment, task_code, plan_code in rows:
        leads[f"{plan_code}:{task_code}"].append((code_of[assignment.unit_id], assignment.role,
                                                   assignment.valid_from, assignment.valid_to))
    return ProvinceState(plans, {u.code: (u.valid_from, u.valid_to) for u in units if u.active},
                         {u.code: code_of[u.successor_id] for u in units if u.successor_id}, names, dict(leads),
                         coordinators={p.code: p.coordinator_code for p in followed})


async def load_reorg(session: AsyncSession, loaded: LoadedReorg, *, actor: str, dry_run: bool = False) -> LoadResult:
    spec = loaded.spec
    origin = f"reorg:{spec.reorganisation.code}"
    done = {(e.unit_id, e.day) for e in (await session.exec(select(UnitEvent).where(
        UnitEvent.origin == spec.reorganisation.code))).all()}
    changes: list[Change] = []
    try:
        units = {u.code: u for u in (await session.exec(select(Unit))).all()}
        state = await province_state(session)
        fresh = [u for u in spec.units if u.code.upper() not in units]
        # A file loaded before and extended since: what it already did is part of the province's state now,
        # and only the rest is checked (and applied).
        applied = frozenset(i for i, e in enumerate(spec.events)
                            if all(c in units and (units[c].id, e.date) in done for c in e.subjects))
        if fresh or len(applied) < len(spec.events):
            created = frozenset(code for code, u in units.items() if u.origin == origin)
            problems = check_against(loaded, state, applied=applied, created=created)
            if problems:
                raise SourceError(problems)
        moves, _unresolved = resolve_tasks(spec, state)
        for new in fresh:
            unit = Unit(code=new.code.upper(), name=new.name, kind=new.kind, valid_from=new.valid_from, origin=origin)
            session.add(unit)
            await session.flush()
            by_norm = {fold(alias): alias for alias in reversed((new.code, new.name, *new.aliases)) if fold(alias)}
            for norm, alias in by_norm.items():  # "Sở NN&MT" and "Sở NNMT" are one key
                session.add(UnitAlias(unit_id=unit.id, alias=alias, norm=norm))
            units[unit.code] = unit
            changes.append(Change("add", "unit", unit.code, {"valid_from": (None, new.valid_from)}))
        plans_of = state.plans_of()
        for index, event in sorted(enumerate(spec.events), key=lambda pair: pair[1].date):
            for code in event.subjects:
                unit = units[code]
                if (unit.id, event.date) in done:
                    changes += _kind_since(unit, event)
                    continue
                changes += await _apply(session, event, unit, units, origin, spec.reorganisation.code,
                                        moves[index], plans_of)
        await finish_load(session, changes, dry_run=dry_run, actor=actor, action="reorg.load",
                          entity="reorg", entity_id=spec.reorganisation.code,
                          detail={"file": loaded.path, "sha256": loaded.sha256, "changes": len(changes)})
    except BaseException:
        await session.rollback()
        raise
    return LoadResult(spec.reorganisation.code, changes, dry_run, "reorg", loaded.path)


def _kind_since(unit: Unit, event: EventSpec) -> list[Change]:
    """A rename applied by an earlier release, before rename events could change the kind: the kind now too."""
    if event.kind != "rename" or event.new_kind is None or unit.kind == event.new_kind:
        return []
    change = Change("update", "unit", unit.code, {"kind": (unit.kind, event.new_kind)})
    unit.kind = event.new_kind
    return [change]


async def _apply(session: AsyncSession, event: EventSpec, unit: Unit, units: dict[str, Unit], origin: str,
                 code: str, moves: dict[str, str], plans_of: dict[str, list[str]]) -> list[Change]:
    day: date = event.date
    end = day - timedelta(days=1)
    changes: list[Change] = []
    target = None
    if event.into:
        target = units[event.into.upper()]
    elif event.tasks_to and event.tasks_to != DECISION:
        target = units[event.tasks_to.upper()]
    detail: dict = {}
    if event.kind == "rename":
        assert event.name is not None  # a rename gives the new name (models/planfiles/reorg_file.py)
        detail = {"old": unit.name, "new": event.name}
        renamed = {"name": (unit.name, event.name)}
        if event.new_kind is not None and event.new_kind != unit.kind:
            renamed["kind"] = (unit.kind, event.new_kind)
        changes.append(Change("update", "unit", unit.code, renamed))
        # The old name stays the unit's name up to the day before (models.registry.unit_name).
        unit.former_names = [*(unit.former_names or []), {"name": unit.name, "kind": unit.kind,
                                                          "until": end.isoformat()}]
        unit.name = event.name
        if event.new_kind is not None:
            detail["kind"] = [unit.kind, event.new_kind]
            unit.kind = event.new_kind
        known = set((await session.exec(select(UnitAlias.norm).where(UnitAlias.unit_id == unit.id))).all())
        if fold(event.name) not in known:  # found by its new name; the old one stays an alias
            session.add(UnitAlias(unit_id=unit.id, alias=event.name, norm=fold(event.name)))
    else:
        moved, decided, dropped = await _move_tasks(session, unit, event.kind, target, units, day, origin, moves,
                                                    plans_of)
        detail = {"tasks": moved, "decision": decided, "dropped": [label for label, _owner, _why in dropped],
                  "dropped_because": {label: why for label, _owner, why in dropped}, "moves": moves}
        if event.debts:  # read by models/obligations.py: its unreported debts are closed, or pass on
            detail["debts"] = event.debts
        for task_code, role, new_owner in moved:
            changes.append(Change("move", "assignment", f"{task_code} ({role})",
                                  {"owner": (unit.code, new_owner), "from": (None, day.isoformat())}))
        for task_code in decided:
            changes.append(Change("retire", "assignment", f"{task_code}: {unit.code} → {DECISION}"))
        changes += _dropped_changes(unit, dropped)
        if event.kind in ("merge", "retire"):
            changes.append(Change("update", "unit", unit.code, {"valid_to": (unit.valid_to, end),
                                                               "successor": (None, target.code if target else None)}))
            unit.valid_to = end
            unit.successor_id = target.id if target else None
    session.add(UnitEvent(day=day, kind=event.kind, unit_id=unit.id,
                          target_id=target.id if target else None, detail=detail, source=event.source, origin=code))
    await session.flush()
    return changes


async def _move_tasks(session: AsyncSession, unit: Unit, kind: str, target: Unit | None,
                      units: dict[str, Unit], day: date, origin: str, moves: dict[str, str],
                      plans_of: dict[str, list[str]], *, plan_id: int | None = None
                      ) -> tuple[list[tuple[str, str, str]], list[str], list[tuple[str, str, str]]]:
    """The unit's parts in every plan's tasks (or one plan's) pass on (`moves`: "PLAN:TASK" → the unit that
    takes it). Returns what moved, what went to the coordinators' decision, and what was dropped (the part,
    the unit it would have landed on, and why: `_dropped_because`)."""
    end = day - timedelta(days=1)
    query = (select(Assignment, Task, Plan.code, Plan.coordinator_code).join(Task, col(Task.id) == Assignment.task_id)
             .join(Plan, col(Plan.id) == Task.plan_id).where(Assignment.unit_id == unit.id, Assignment.active))
    if plan_id is not None:
        query = query.where(Task.plan_id == plan_id)
    rows = (await session.exec(query)).all()
    moved: list[tuple[str, str, str]] = []
    decided: list[str] = []
    dropped: list[tuple[str, str, str]] = []
    for assignment, task, plan_code, coordinator in rows:
        if not valid_on(assignment.valid_from, assignment.valid_to, day):
            continue
        key = f"{plan_code}:{task.code}"
        if kind == "split" and key not in moves:
            continue
        # How the task is named in the unit's history: its code, with its plan where codes repeat.
        label = task.code if len(plans_of.get(task.code, [])) <= 1 else f"{task.code} ({plan_code})"
        owner_code = moves.get(key) or (target.code if target else None)
        assignment.valid_to = end
        if owner_code is None:
            decided.append(label)
            continue
        owner = units[owner_code.upper()]
        already = (await session.exec(select(Assignment).where(
            Assignment.task_id == task.id, Assignment.unit_id == owner.id, Assignment.active))).all()
        in_force = [a for a in already if a.valid_to is None or a.valid_to >= day]
        reason = _dropped_because(assignment.role, owner.code, coordinator, key in moves,
                                  any(a.role == "lead" for a in in_force))
        if reason:
            dropped.append((label, owner.code, reason))
            continue
        # A unit already leading the task does not also become its supporter; a lead is never downgraded.
        if not any(a.role == assignment.role or a.role == "lead" for a in in_force):
            session.add(Assignment(task_id=task.id, unit_id=owner.id, role=assignment.role, valid_from=day,
                                   origin=origin))
        moved.append((label, assignment.role, owner.code))
        if assignment.role == "lead":  # a supporter that becomes the lead no longer supports itself (IV.3: STC)
            for support in (a for a in in_force if a.role == "support" and valid_on(a.valid_from, end, end)):
                support.valid_to = end
                dropped.append((label, owner.code, "became_lead"))
    return moved, decided, dropped


def _dropped_because(role: str, owner: str, coordinator: str, named: bool, owner_leads: bool) -> str:
    """Why a part does not pass to `owner`, or "" when it does. Nobody reports to himself and nobody supports
    his own lead: a part landing on a unit that already leads the task is absorbed by that lead ("lead"), and
    a lead part landing on the plan's coordinator is dropped, because the coordinator cannot owe the reports
    that are sent to itself ("coordinator"; e.g. IV.2.a of Sở TT&TT merged into Sở KH&CN: "gửi về Sở KH&CN").
    A part the file moves by name (`tasks:`) is the file's decision, except that it never lands on a lead."""
    if owner_leads and role == "support":
        return "lead"
    if owner_leads and owner == coordinator and not named:
        return "lead"
    if role == "lead" and owner == coordinator and not named:
        return "coordinator"
    return ""


def _dropped_changes(unit: Unit, dropped: list[tuple[str, str, str]]) -> list[Change]:
    return [Change("retire", "assignment", f"{label}: {unit.code} → {owner}", {"reason": (None, why)})
            for label, owner, why in dropped]


async def replay(session: AsyncSession, plan_id: int) -> list[Change]:
    """A plan loaded after a reorganisation: the province's merges, retirements and splits apply to its
    tasks too, in date order (one merge applies to every plan that names the unit). What they moved
    already is not in force on the day any more, so replaying changes nothing twice."""
    units = {u.code: u for u in (await session.exec(select(Unit))).all()}
    by_id = {u.id: u for u in units.values()}
    plans_of = (await province_state(session)).plans_of()
    changes: list[Change] = []
    for event in (await session.exec(select(UnitEvent).where(col(UnitEvent.kind).in_(["merge", "retire", "split"]))
                                     .order_by(col(UnitEvent.day), col(UnitEvent.id)))).all():
        unit = by_id[event.unit_id]
        target = by_id.get(event.target_id) if event.target_id else None
        moved, decided, dropped = await _move_tasks(session, unit, event.kind, target, units, event.day,
                                                    f"reorg:{event.origin}", event.detail.get("moves", {}), plans_of,
                                                    plan_id=plan_id)
        for task_code, role, new_owner in moved:
            changes.append(Change("move", "assignment", f"{task_code} ({role})",
                                  {"owner": (unit.code, new_owner), "from": (None, event.day.isoformat())}))
        changes += [Change("retire", "assignment", f"{task_code}: {unit.code} → {DECISION}") for task_code in decided]
        changes += _dropped_changes(unit, dropped)
    await session.flush()
    return changes
