"""Which unit is which on a given day: the registry as of a date, who succeeded whom, a unit's history.

Units are effective-dated (valid_from/valid_to) and a unit that ended names its successor. Everything
that asks "who is this unit now?" — name matching, status, the CLI — asks here, so that the answer is
the same everywhere. Reports stay with the unit that filed them; a successor shows its predecessors'.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.store.tables import (
    Assignment,
    GrantStatus,
    Member,
    Role,
    RoleGrant,
    Task,
    Unit,
    UnitEvent,
)


def valid_on(valid_from: date | None, valid_to: date | None, day: date) -> bool:
    """An effective-dated row (unit, assignment) holds on `day`; open ends mean "always"."""
    return (valid_from is None or valid_from <= day) and (valid_to is None or valid_to >= day)


def effective_on(column_from, column_to, day) -> ColumnElement[bool]:
    """`valid_on` in SQL, for two date columns and a date (or an expression giving one)."""
    return and_(or_(column_from.is_(None), column_from <= day), or_(column_to.is_(None), column_to >= day))


def in_force(unit: Unit, day: date | None) -> bool:
    """The unit exists on `day` (None: at any time) and is still listed by its plan."""
    if not unit.active:
        return False
    return day is None or valid_on(unit.valid_from, unit.valid_to, day)


def current_of(units: Mapping[int, Unit], unit: Unit, day: date) -> Unit | None:
    """The unit that carries `unit`'s work on `day`: itself, or the end of its successor chain."""
    seen: set[int] = set()
    while unit is not None and unit.id not in seen:
        if in_force(unit, day):
            return unit
        seen.add(unit.id)  # a cycle cannot be loaded (models/reorgfile.py), but never loop on one
        if unit.valid_to is not None and unit.valid_to < day and unit.successor_id in units:
            assert unit.successor_id is not None  # it is a key of `units`
            unit = units[unit.successor_id]
        else:
            return None
    return None


def predecessors(units: Mapping[int, Unit], unit_id: int) -> list[Unit]:
    """Every unit whose work passed, directly or through others, to `unit_id` (oldest chains first)."""
    found: list[Unit] = []
    frontier = [unit_id]
    seen = {unit_id}
    while frontier:
        target = frontier.pop(0)
        for unit in units.values():
            if unit.successor_id == target and unit.id not in seen:
                seen.add(unit.id)
                found.append(unit)
                frontier.append(unit.id)
    return found


@dataclass(frozen=True)
class Succession:
    """`former` ended on `since - 1 day`; its work is `current`'s from `since`."""

    former: Unit
    current: Unit
    since: date
    kind: str  # merge | retire


def succession(former: Unit, current: Unit, kinds: Mapping[int, str]) -> Succession:
    assert former.valid_to is not None
    return Succession(former, current, former.valid_to + timedelta(days=1), kinds.get(former.id, "merge"))


async def units_at(session: AsyncSession, day: date | None, *, plan_ids: Sequence[int] | None = None) -> list[Unit]:
    """The province's units in existence on `day` (None: at any time), those some plan lists or a
    reorganisation created; with `plan_ids`, only the units those plans give tasks to."""
    query = select(Unit).where(Unit.active)
    if day is not None:
        query = query.where(effective_on(Unit.valid_from, Unit.valid_to, day))
    if plan_ids is not None:
        query = query.where(col(Unit.id).in_(select(Assignment.unit_id).join(Task, col(Task.id) == Assignment.task_id)
                                        .where(col(Task.plan_id).in_(list(plan_ids)), Assignment.active)))
    return list((await session.exec(query.order_by(col(Unit.id)))).all())


async def lead_counts(session: AsyncSession, unit_ids: Sequence[int], day: date | None) -> dict[int, int]:
    """Tasks each unit leads on `day` (None: at any time)."""
    where: list[ColumnElement[bool] | bool] = [col(Assignment.unit_id).in_(list(unit_ids)), Assignment.role == "lead",
                                               Assignment.active, Task.active]
    if day is not None:
        where.append(effective_on(Assignment.valid_from, Assignment.valid_to, day))
    return dict((await session.exec(
        select(Assignment.unit_id, func.count(func.distinct(Assignment.task_id)))
        .join(Task, col(Task.id) == Assignment.task_id).where(*where).group_by(col(Assignment.unit_id)))).all())


@dataclass(frozen=True)
class HistoryEntry:
    day: date
    kind: str  # merge | rename | split | retire | start | end
    unit: Unit  # the unit the event happened to
    other: Unit | None  # merged into / successor, or (for the unit asked about) the unit that came in
    detail: dict
    source: str


async def unit_history(session: AsyncSession, unit: Unit) -> list[HistoryEntry]:
    """What happened to `unit` and what came into it: its own events and those naming it as target,
    and every event of a predecessor (so `SKHCN` shows STTTT's merger and where its tasks went)."""
    units = {u.id: u for u in (await session.exec(select(Unit))).all()}
    related = {unit.id, *(u.id for u in predecessors(units, unit.id))}
    codes = {units[i].code for i in related}
    entries = []
    for e in (await session.exec(select(UnitEvent).order_by(col(UnitEvent.day), col(UnitEvent.id)))).all():
        # A split names its receiving units only in its task list.
        receives = any(owner in codes for _task, _role, owner in e.detail.get("tasks", []))
        if e.unit_id in related or e.target_id in related or receives:
            entries.append(HistoryEntry(e.day, e.kind, units[e.unit_id],
                                        units.get(e.target_id) if e.target_id else None, e.detail, e.source))
    if unit.valid_from is not None:
        entries.append(HistoryEntry(unit.valid_from, "start", unit, None, {}, ""))
    return sorted(entries, key=lambda e: (e.day, e.kind != "start"))


@dataclass(frozen=True)
class PendingSuccession:
    grant: RoleGrant
    member: Member
    former: Unit
    current: Unit
    event: UnitEvent


async def pending_successions(session: AsyncSession, today: date, *, member_id: int | None = None
                              ) -> list[PendingSuccession]:
    """Focal points of a unit that merged or retired, offered its successor and not yet answering, once
    the event's day has come. One row per pending grant (the earliest event that led to it)."""
    former = aliased(Unit)
    current = aliased(Unit)
    old_grant = aliased(RoleGrant)
    statement = (
        # sqlmodel's select is typed for up to 4 entities and session.exec takes no other: 5 here.
        select(RoleGrant, Member, former, current, UnitEvent)  # type: ignore[call-overload]
        .join(Member, Member.id == RoleGrant.member_id)
        .join(current, current.id == RoleGrant.unit_id)
        .join(UnitEvent, UnitEvent.target_id == current.id)
        .join(former, former.id == UnitEvent.unit_id)
        .join(old_grant, and_(col(old_grant.member_id) == RoleGrant.member_id, col(old_grant.unit_id) == former.id,
                              col(old_grant.role) == Role.focal, col(old_grant.status) != GrantStatus.revoked))
        .where(RoleGrant.status == GrantStatus.pending, RoleGrant.role == Role.focal, UnitEvent.day <= today)
        .order_by(RoleGrant.id, UnitEvent.day)
    )
    if member_id is not None:
        statement = statement.where(RoleGrant.member_id == member_id)
    found: dict[int, PendingSuccession] = {}
    for grant, member, old, new, event in (await session.exec(statement)).all():
        found.setdefault(grant.id, PendingSuccession(grant, member, old, new, event))
    return list(found.values())


async def focal_points(session: AsyncSession, unit_ids: Sequence[int]) -> list[tuple[int, Member, str]]:
    """(unit id, member, grant status) for focal points of the units: active ones and those pending."""
    rows = (await session.exec(
        select(RoleGrant.unit_id, Member, RoleGrant.status).join(Member, col(Member.id) == RoleGrant.member_id)
        .where(col(RoleGrant.unit_id).in_(list(unit_ids)), RoleGrant.role == Role.focal,
               RoleGrant.status != GrantStatus.revoked).order_by(RoleGrant.status, Member.display_name))).all()
    return [(unit_id, member, status) for unit_id, member, status in rows
            if unit_id is not None]  # never None (the `in_` above): for the type checker
