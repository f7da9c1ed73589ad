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


def unit_name(unit: Unit, day: date | None) -> str:
    """The unit's name on `day` (None: its latest). A rename applies from its date only: before it the unit
    is shown by the name it had then. Every place that shows a unit's name asks here."""
    return named_on(unit.name, unit.former_names, day)


def unit_kind(unit: Unit, day: date | None) -> str:
    """The unit's kind (Sở, Cục, …) on `day`: a rename may change it too."""
    return named_on(unit.kind, unit.former_names, day, "kind")


def named_on(latest: str, former_names: Sequence[Mapping[str, str]] | None, day: date | None, key: str = "name"
             ) -> str:
    """`unit_name` from the columns themselves (for queries that select them rather than the unit)."""
    if day is not None:
        for former in former_names or ():  # oldest first
            if day <= date.fromisoformat(former["until"]):
                return former[key]
    return latest


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

    @property
    def former_name(self) -> str:
        """The old unit as it was called on its last day."""
        return unit_name(self.former, self.since - timedelta(days=1))

    @property
    def current_name(self) -> str:
        return unit_name(self.current, self.since)


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

    @property
    def former_name(self) -> str:
        return unit_name(self.former, self.event.day - timedelta(days=1))

    @property
    def current_name(self) -> str:
        return unit_name(self.current, self.event.day)


async def pending_successions(session: AsyncSession, today: date, *, member_id: int | None = None
                              ) -> list[PendingSuccession]:
    """Focal points of a unit that has merged or retired by `today` who have not said whether they carry on
    for the unit doing its work today. Derived from the data on every call, as reminders are: whoever
    registered for the old unit, before or after the reorganisation file was loaded, is asked from the day
    of the event. Their answer is their grant on the successor: active (yes) or revoked (no); a "pending"
    grant (made by loads of an earlier release) is no answer yet. One row per person and successor."""
    units = {u.id: u for u in (await session.exec(select(Unit))).all()}
    ended = [u.id for u in units.values() if u.valid_to is not None and u.valid_to < today and u.successor_id]
    if not ended:
        return []
    query = (select(RoleGrant, Member).join(Member, col(Member.id) == RoleGrant.member_id)
             .where(col(RoleGrant.unit_id).in_(ended), RoleGrant.role == Role.focal,
                    RoleGrant.status == GrantStatus.active))
    answered_query = select(RoleGrant.member_id, RoleGrant.unit_id).where(
        RoleGrant.role == Role.focal, col(RoleGrant.status).in_([GrantStatus.active, GrantStatus.revoked]))
    if member_id is not None:
        query = query.where(RoleGrant.member_id == member_id)
        answered_query = answered_query.where(RoleGrant.member_id == member_id)
    answered = set((await session.exec(answered_query)).all())
    events = {e.unit_id: e for e in (await session.exec(select(UnitEvent).where(
        col(UnitEvent.unit_id).in_(ended), col(UnitEvent.kind).in_(["merge", "retire"])))).all()}
    found: dict[tuple[int, int], PendingSuccession] = {}
    # The most recent event first: after two mergers in a row, the question names the last one.
    # The query took only grants of ended units: unit_id and valid_to are set.
    rows = sorted((await session.exec(query)).all(), key=lambda row: (-units[row[0].unit_id].valid_to.toordinal(),  # type: ignore[index, union-attr]
                                                                       row[0].id))
    for grant, member in rows:
        assert grant.unit_id is not None  # a grant of an ended unit
        former = units[grant.unit_id]
        current = current_of(units, former, today)
        event = events.get(former.id)
        if current is None or current.id == former.id or event is None or (member.id, current.id) in answered:
            continue
        found.setdefault((member.id, current.id), PendingSuccession(grant, member, former, current, event))
    return sorted(found.values(), key=lambda p: p.grant.id)


async def focal_points(session: AsyncSession, unit_ids: Sequence[int], day: date | None = None
                       ) -> list[tuple[int, Member, str]]:
    """(unit id, member, grant status) for focal points of the units: active ones and, on `day`, those of
    merged units who have not said yet whether they carry on for these ("pending")."""
    rows = (await session.exec(
        select(RoleGrant.unit_id, Member, RoleGrant.status).join(Member, col(Member.id) == RoleGrant.member_id)
        .where(col(RoleGrant.unit_id).in_(list(unit_ids)), RoleGrant.role == Role.focal,
               RoleGrant.status != GrantStatus.revoked)
        .order_by(col(RoleGrant.status), col(Member.display_name)))).all()
    # unit_id is never None here (the query asks for these units): the test only tells the type checker.
    found = [(unit_id, member, status) for unit_id, member, status in rows if unit_id is not None]
    if day is not None:
        listed = {(unit_id, member.id) for unit_id, member, _status in found}
        found += [(p.current.id, p.member, GrantStatus.pending) for p in await pending_successions(session, day)
                  if p.current.id in unit_ids and (p.current.id, p.member.id) not in listed]
    return found
