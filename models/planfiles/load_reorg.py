"""Applying a reorganisation file: units end and hand over their tasks, history stays where it was.

A merged or retired unit gets its last day (`valid_to`) and a successor; each of its assignments in
force ends the day before the event, and the receiving unit gets the same part in the task from the
event day (origin: the file). Reports filed by the old unit stay attached to it, so its history reads
as it was. Its focal points are offered the successor: a pending grant they confirm (or decline) in
chat; until then coordinators see them as "chờ xác nhận". Loading a file twice changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.planfiles.load_plan import Change, LoadResult, finish_load
from models.planfiles.reorg_file import DECISION, LoadedReorg, PlanState, check_against
from models.planfiles.source import SourceError
from models.registry import valid_on
from models.rules.text import fold
from models.store.tables import Assignment, GrantStatus, Plan, Role, RoleGrant, Task, Unit, UnitAlias, UnitEvent


async def plan_state(session: AsyncSession, plan: Plan) -> PlanState:
    units = (await session.exec(select(Unit).where(Unit.plan_id == plan.id))).all()
    code_of = {u.id: u.code for u in units}
    names = {a.norm: code_of[a.unit_id] for a in (await session.exec(
        select(UnitAlias).where(UnitAlias.unit_id.in_(list(code_of))))).all() if a.unit_id in code_of}
    leads: dict[str, list] = defaultdict(list)
    rows = (await session.exec(select(Assignment, Task).join(Task, Task.id == Assignment.task_id)
                               .where(Task.plan_id == plan.id, Task.active, Assignment.active))).all()
    for assignment, task in rows:
        leads[task.code].append((code_of[assignment.unit_id], assignment.role, assignment.valid_from,
                                 assignment.valid_to))
    return PlanState(plan.code, plan.start, plan.end, {u.code: (u.valid_from, u.valid_to) for u in units if u.active},
                     {u.code: code_of[u.successor_id] for u in units if u.successor_id}, names, dict(leads))


async def load_reorg(session: AsyncSession, loaded: LoadedReorg, *, actor: str, dry_run: bool = False) -> LoadResult:
    spec = loaded.spec
    plan = (await session.exec(select(Plan).where(Plan.code == spec.reorganisation.plan))).first()
    if plan is None:
        raise SourceError([loaded.located.problem(("reorganisation", "plan"), f"'{spec.reorganisation.plan}'?")])
    origin = f"reorg:{spec.reorganisation.code}"
    done = {(e.unit_id, e.day) for e in (await session.exec(select(UnitEvent).where(
        UnitEvent.plan_id == plan.id, UnitEvent.origin == spec.reorganisation.code))).all()}
    changes: list[Change] = []
    try:
        units = {u.code: u for u in (await session.exec(select(Unit).where(Unit.plan_id == plan.id))).all()}
        fresh = [u for u in spec.units if u.code.upper() not in units]
        # A file loaded before and extended since: what it already did is part of the plan's state now,
        # and only the rest is checked (and applied).
        applied = frozenset(i for i, e in enumerate(spec.events)
                            if all(c in units and (units[c].id, e.date) in done for c in e.subjects))
        if fresh or len(applied) < len(spec.events):
            created = frozenset(code for code, u in units.items() if u.origin == origin)
            problems = check_against(loaded, await plan_state(session, plan), applied=applied, created=created)
            if problems:
                raise SourceError(problems)
        for new in fresh:
            unit = Unit(plan_id=plan.id, code=new.code.upper(), name=new.name, kind=new.kind, valid_from=new.valid_from,
                        origin=origin)
            session.add(unit)
            await session.flush()
            by_norm = {fold(alias): alias for alias in reversed((new.code, new.name, *new.aliases)) if fold(alias)}
            for norm, alias in by_norm.items():  # "Sở NN&MT" and "Sở NNMT" are one key
                session.add(UnitAlias(unit_id=unit.id, alias=alias, norm=norm))
            units[unit.code] = unit
            changes.append(Change("add", "unit", unit.code, {"valid_from": (None, new.valid_from)}))
        for event in sorted(spec.events, key=lambda e: e.date):
            for code in event.subjects:
                unit = units[code]
                if (unit.id, event.date) in done:
                    continue
                changes += await _apply(session, plan, event, unit, units, origin, spec.reorganisation.code)
        await finish_load(session, plan, changes, dry_run=dry_run, actor=actor, action="reorg.load",
                          detail={"file": loaded.path, "sha256": loaded.sha256, "changes": len(changes)})
    except BaseException:
        await session.rollback()
        raise
    return LoadResult(spec.reorganisation.plan, changes, dry_run)


async def _apply(session: AsyncSession, plan: Plan, event, unit: Unit, units: dict[str, Unit], origin: str,
                 code: str) -> list[Change]:
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
        detail = {"old": unit.name, "new": event.name}
        changes.append(Change("update", "unit", unit.code, {"name": (unit.name, event.name)}))
        unit.name = event.name
        known = set((await session.exec(select(UnitAlias.norm).where(UnitAlias.unit_id == unit.id))).all())
        if fold(event.name) not in known:  # found by its new name; the old one stays an alias
            session.add(UnitAlias(unit_id=unit.id, alias=event.name, norm=fold(event.name)))
    else:
        moved, decided = await _move_tasks(session, unit, event, target, units, day, origin)
        detail = {"tasks": moved, "decision": decided}
        for task_code, role, new_owner in moved:
            changes.append(Change("move", "assignment", f"{task_code} ({role})",
                                  {"owner": (unit.code, new_owner), "from": (None, day.isoformat())}))
        for task_code in decided:
            changes.append(Change("retire", "assignment", f"{task_code}: {unit.code} → {DECISION}"))
        if event.kind in ("merge", "retire"):
            changes.append(Change("update", "unit", unit.code, {"valid_to": (unit.valid_to, end),
                                                               "successor": (None, target.code if target else None)}))
            unit.valid_to = end
            unit.successor_id = target.id if target else None
            if target is not None:
                await _offer_successor(session, unit, target, day)
    session.add(UnitEvent(plan_id=plan.id, day=day, kind=event.kind, unit_id=unit.id,
                          target_id=target.id if target else None, detail=detail, source=event.source, origin=code))
    await session.flush()
    return changes


async def _move_tasks(session: AsyncSession, unit: Unit, event, target: Unit | None, units: dict[str, Unit],
                      day: date, origin: str) -> tuple[list[tuple[str, str, str]], list[str]]:
    end = day - timedelta(days=1)
    rows = (await session.exec(select(Assignment, Task).join(Task, Task.id == Assignment.task_id).where(
        Assignment.unit_id == unit.id, Assignment.active))).all()
    moved: list[tuple[str, str, str]] = []
    decided: list[str] = []
    for assignment, task in rows:
        if not valid_on(assignment.valid_from, assignment.valid_to, day):
            continue
        if event.kind == "split" and task.code not in event.tasks:
            continue
        owner_code = event.tasks.get(task.code) or (target.code if target else None)
        assignment.valid_to = end
        if owner_code is None:
            decided.append(task.code)
            continue
        owner = units[owner_code.upper()]
        already = (await session.exec(select(Assignment).where(
            Assignment.task_id == task.id, Assignment.unit_id == owner.id, Assignment.active))).all()
        in_force = [a for a in already if a.valid_to is None or a.valid_to >= day]
        # A unit already leading the task does not also become its supporter; a lead is never downgraded.
        if not any(a.role == assignment.role or a.role == "lead" for a in in_force):
            session.add(Assignment(task_id=task.id, unit_id=owner.id, role=assignment.role, valid_from=day,
                                   origin=origin))
        moved.append((task.code, assignment.role, owner.code))
    return moved, decided


async def _offer_successor(session: AsyncSession, unit: Unit, target: Unit, day: date) -> None:
    """The old unit's focal points may now speak for the successor: they are asked (models.people)."""
    grants = (await session.exec(select(RoleGrant).where(
        RoleGrant.unit_id == unit.id, RoleGrant.role == Role.focal, RoleGrant.status == GrantStatus.active))).all()
    for grant in grants:
        exists = (await session.exec(select(RoleGrant.id).where(
            RoleGrant.member_id == grant.member_id, RoleGrant.unit_id == target.id, RoleGrant.role == Role.focal,
            RoleGrant.status != GrantStatus.revoked))).first()
        if exists is None:
            session.add(RoleGrant(member_id=grant.member_id, role=Role.focal, unit_id=target.id,
                                  status=GrantStatus.pending, granted_by=f"reorg:{unit.code}→{target.code}:{day}"))
