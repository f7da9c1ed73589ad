"""Revision counters: how a process knows its caches still hold what the database holds.

Each running bot keeps the catalog (plans, units, tasks) and who-is-who (members, their accounts and
roles) in memory, because reading them per message is most of a message's cost. Whatever changes them,
in any process (another bot on PostgreSQL, `nhacviec plan load`, `nhacviec member …`, a handler), moves
a counter in the same transaction; a bot reads both counters with one small statement per message and
drops what moved. The counters only ever grow and are incremented by the database itself
(`value + 1`), so two transactions bumping at once never leave one change unannounced.

Two counters are watched automatically: any flush or bulk statement that touches `Member`,
`ChannelAccount` or `RoleGrant` bumps `people.revision`, and one that touches what decides who owes which
report when (plans, schedules, periods, tasks, assignments, units and their events, extensions and
exemptions) bumps `obligations.revision` (session events), so no handler, job or CLI command written later
can forget to. The catalog counter is moved by the loaders themselves, once per load.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from typing import Any

from sqlalchemy import Connection, Integer, String, bindparam, cast, event, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from models.store.base import utcnow
from models.store.prepared import Prepared
from models.store.tables import (
    Assignment,
    ChannelAccount,
    KeyValue,
    Member,
    ObligationException,
    Period,
    Plan,
    RoleGrant,
    Schedule,
    Task,
    TaskSchedule,
    Unit,
    UnitEvent,
)

CATALOG = "catalog.revision"  # plans, units, tasks, reorganisations
PEOPLE = "people.revision"  # members, channel accounts, role grants
OBLIGATIONS = "obligations.revision"  # who owes which report when

_WATCHED: dict[str, tuple[type[SQLModel], ...]] = {
    PEOPLE: (Member, ChannelAccount, RoleGrant),
    OBLIGATIONS: (Plan, Schedule, Period, Task, TaskSchedule, Assignment, Unit, UnitEvent, ObligationException),
}
_COUNTER_OF_TABLE = {model.__tablename__: counter for counter, models in _WATCHED.items() for model in models}

_kv = KeyValue.__table__  # type: ignore[attr-defined]
_BUMP = (update(_kv).where(_kv.c.key == bindparam("counter"))
         .values(value=cast(cast(_kv.c.value, Integer) + 1, String), updated_at=bindparam("moved_at")))
_READ = Prepared(select(_kv.c.key, _kv.c.value).where(_kv.c.key.in_([CATALOG, PEOPLE, OBLIGATIONS])))


def bump_on(connection: Connection, key: str) -> None:
    """Move a counter by one, in the connection's transaction (a missing counter starts at 1)."""
    now = utcnow()
    if connection.execute(_BUMP, {"counter": key, "moved_at": now}).rowcount:
        return
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    connection.execute(insert(_kv).values(key=key, value="0", updated_at=now).on_conflict_do_nothing(
        index_elements=["key"]))
    connection.execute(_BUMP, {"counter": key, "moved_at": now})


async def bump(session: AsyncSession, key: str) -> None:
    """Move a counter by one in the session's transaction."""
    connection = await session.connection()
    await connection.run_sync(bump_on, key)


@dataclass(frozen=True)
class Revisions:
    catalog: int
    people: int
    obligations: int


async def read(session: AsyncSession) -> Revisions:
    """The counters, in one statement on the session's connection (prepared: this runs for every message)."""
    rows = await _READ.rows(session)
    values = {key: int(value) for key, value in rows}
    return Revisions(catalog=values.get(CATALOG, 0), people=values.get(PEOPLE, 0),
                     obligations=values.get(OBLIGATIONS, 0))


# --- changes to watched tables move their counter, whoever makes them ---------------------------------


@event.listens_for(Session, "before_flush")
def _watched_flushed(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    changed = chain(session.new, session.deleted,
                    (o for o in session.dirty if session.is_modified(o, include_collections=False)))
    counters = {counter for o in changed for counter, models in _WATCHED.items() if isinstance(o, models)}
    for counter in sorted(counters):
        bump_on(session.connection(), counter)


@event.listens_for(Session, "do_orm_execute")
def _watched_bulk_changed(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    counter = _COUNTER_OF_TABLE.get(table.name) if table is not None else None
    if counter is not None:
        bump_on(state.session.connection(), counter)

