"""The statements every message runs, compiled once and run straight on the session's driver connection.

Why: for the handful of statements each message runs (the redelivery guard, the revision counters, a unit's
latest reports, filing a report), SQLAlchemy's work per execution — finding the compiled form in its cache,
building the parameters, the execution context and the result, two greenlet hops each way — cost several
times what the database itself takes (a statement is 20–80 µs in SQLite). A `Prepared` statement is still
written with SQLAlchemy Core, so one definition serves SQLite and PostgreSQL; what it skips is only the
per-execution machinery: it is compiled once per dialect (and per length of its IN lists, as SQLAlchemy
expands them), its parameters are put in order with the types' own converters, and it runs on the
connection the session holds, inside the session's transaction.

What it does not do, so keep it to such statements: ORM events (the revision counters' session events do
not see these statements: none of them may touch a watched table), and column defaults other than a
Python value or function. A driver error is raised as SQLAlchemy's own (`IntegrityError`
for a unique key lost in a race), so callers handle it as they would any other.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import exc
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlmodel.ext.asyncio.session import AsyncSession

Statement = ClauseElement | Callable[[str], ClauseElement]  # or one per dialect name ("sqlite", "postgresql")
MAX_SHAPES = 64
_HELD = "prepared.connection"  # session.info: (its transaction, the driver connection, the dialect)
_ROWCOUNT = re.compile(r"(?:UPDATE|DELETE|INSERT \d+) (\d+)")


@dataclass(frozen=True)
class _Compiled:
    sql: str
    order: tuple[tuple[str, int | None], ...]  # what the SQL takes, in order: a parameter, or an item of an IN list
    names: tuple[str, ...]  # the same, as the compiled SQL names them (an IN list's items: name_1, name_2, …)
    defaults: Mapping[str, Any]  # values of parameters the statement carries itself (literals, column defaults)
    defaults_later: Mapping[str, Callable[[], Any]]  # column defaults computed per execution
    binds: Mapping[str, Callable[[Any], Any]]  # name → the type's converter, where it has one
    results: tuple[Callable[[Any], Any] | None, ...]  # per result column; empty when none converts


class Prepared:
    def __init__(self, statement: Statement) -> None:
        self._statement = statement
        self._base: dict[str, tuple[SQLCompiler, tuple[str, ...]]] = {}  # dialect → compiled, its IN-list names
        self._compiled: dict[tuple[str, tuple[int, ...]], _Compiled] = {}  # per dialect and IN-lists' lengths

    async def rows(self, session: AsyncSession, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """The rows the statement returns (a SELECT, or DML with RETURNING), each value converted by its type."""
        compiled, driver, dialect = await self._prepare(session, params or {})
        raw = await _run(driver, dialect, compiled, _arguments(compiled, params or {}), fetch=True)
        results = compiled.results
        if not results:
            return [tuple(row) for row in raw]
        return [tuple(value if convert is None or value is None else convert(value)
                      for convert, value in zip(results, row, strict=True)) for row in raw]

    async def run(self, session: AsyncSession, params: Mapping[str, Any] | None = None) -> int:
        """Run a statement that returns no rows; how many rows it changed."""
        compiled, driver, dialect = await self._prepare(session, params or {})
        return await _run(driver, dialect, compiled, _arguments(compiled, params or {}), fetch=False)

    async def run_many(self, session: AsyncSession, many: Sequence[Mapping[str, Any]]) -> None:
        """The statement once per set of parameters (e.g. a report's indicator values)."""
        if not many:
            return
        compiled, driver, dialect = await self._prepare(session, many[0])
        arguments = [_arguments(compiled, params) for params in many]
        try:
            if dialect.name == "sqlite":
                driver.executemany(compiled.sql, arguments)
            else:
                await driver._connection.executemany(compiled.sql, arguments)
        except Exception as error:
            raise _translated(error, driver, dialect, compiled) from error

    async def _prepare(self, session: AsyncSession, params: Mapping[str, Any]) -> tuple[_Compiled, Any, Dialect]:
        """The compiled statement, the driver connection (sqlite3's, or SQLAlchemy's asyncpg adapter, whose
        transaction is begun here as it would begin it for its own first statement), the dialect."""
        sync = session.sync_session
        if sync.autoflush and not sync._is_clean():  # the check SQLAlchemy's own flush starts with
            await session.flush()  # as the session would before its own statements: they see what it holds
        transaction = sync.get_transaction()
        held = session.info.get(_HELD)
        if held is not None and held[0] is transaction and transaction is not None and transaction.is_active:
            driver, dialect = held[1], held[2]  # this transaction's connection, found by an earlier statement
        else:
            connection = await session.connection()  # begins the session's transaction if it had none
            dialect = connection.dialect
            assert connection.sync_connection is not None
            fairy = connection.sync_connection.connection
            # SQLite: models/store/sqlite_inline.py's connection, i.e. sqlite3 itself, begun implicitly by its
            # first write exactly as when SQLAlchemy runs a statement on it. PostgreSQL: SQLAlchemy's asyncpg
            # adapter, which begins its transaction lazily (below).
            driver = fairy.driver_connection._conn if dialect.name == "sqlite" else fairy.dbapi_connection  # type: ignore[union-attr]  # set once connected
            session.info[_HELD] = (sync.get_transaction(), driver, dialect)
        if dialect.name != "sqlite" and driver._transaction is None:
            await driver._start_transaction()
        base = self._base.get(dialect.name)
        if base is None:
            base = self._base[dialect.name] = _base(self._statement, dialect)
        lists = base[1]
        shape = tuple(len(params[name]) for name in lists) if lists else ()
        compiled = self._compiled.get((dialect.name, shape))
        if compiled is None:
            if len(self._compiled) >= MAX_SHAPES:  # IN lists of ever new lengths: keep the cache bounded
                self._compiled.clear()
            compiled = self._compiled[(dialect.name, shape)] = _compile(base[0], lists, shape, dialect)
        return compiled, driver, dialect


def _base(statement: Statement, dialect: Dialect) -> tuple[SQLCompiler, tuple[str, ...]]:
    element = statement if isinstance(statement, ClauseElement) else statement(dialect.name)
    compiled = element.compile(dialect=dialect)
    assert isinstance(compiled, SQLCompiler)
    lists = tuple(name for name, bind in compiled.binds.items() if bind.expanding and bind.required)
    return compiled, lists


def _compile(compiled: SQLCompiler, lists: tuple[str, ...], shape: tuple[int, ...], dialect: Dialect) -> _Compiled:
    """The SQL for IN lists of these lengths, as SQLAlchemy expands it for an execution."""
    probe: dict[str, Any] = {name: None for name, bind in compiled.binds.items() if bind.required}
    probe.update({name: [None] * length for name, length in zip(lists, shape, strict=True)})
    state = compiled.construct_expanded_state(probe)
    expanded = {name for name in lists for name in state.parameter_expansion.get(name, ())}
    defaults = {name: value for name, value in state.parameters.items() if name not in expanded and value is not None}
    later: dict[str, Callable[[], Any]] = {}
    for column in [*compiled.insert_prefetch, *compiled.update_prefetch]:  # the table's own column defaults
        default: Any = column.default  # a ScalarElementColumnDefault or CallableColumnDefault: both have `arg`
        if default is None or not (default.is_scalar or default.is_callable):
            raise ValueError(f"a prepared statement cannot compute the default of {column}")
        if default.is_scalar:
            defaults[column.key] = default.arg
        else:
            later[column.key] = partial(default.arg, None)  # SQLAlchemy wraps it to take the execution context
    sources = {item: (name, index) for name in lists
               for index, item in enumerate(state.parameter_expansion.get(name, ()))}
    assert state.positiontup is not None
    order = tuple(sources.get(name, (name, None)) for name in state.positiontup)
    columns = list(getattr(compiled.statement, "exported_columns", ()))
    results = tuple(column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns)
    results = results if any(results) else ()  # empty: rows come back as the driver gives them
    converters = {name: bind.type.dialect_impl(dialect).bind_processor(dialect)
                  for name, bind in compiled.binds.items() if name in state.positiontup}
    converters.update(state.processors)  # an IN list's items, as SQLAlchemy expanded them
    binds = {name: convert for name, convert in converters.items() if convert is not None}
    return _Compiled(state.statement, order, tuple(name for name in state.positiontup), defaults, later, binds,
                     results)


def _arguments(compiled: _Compiled, params: Mapping[str, Any]) -> tuple[Any, ...]:
    values: list[Any] = []
    for (name, index), positional in zip(compiled.order, compiled.names, strict=True):
        if index is not None:
            value = params[name][index]
        elif name in params:
            value = params[name]
        elif name in compiled.defaults:
            value = compiled.defaults[name]
        elif name in compiled.defaults_later:
            value = compiled.defaults_later[name]()
        else:
            raise KeyError(f"no value for the parameter {name!r}")
        convert = compiled.binds.get(positional)
        values.append(convert(value) if convert is not None and value is not None else value)
    return tuple(values)


async def _run(driver: Any, dialect: Dialect, compiled: _Compiled, arguments: tuple[Any, ...], *,
               fetch: bool) -> Any:
    try:
        if dialect.name == "sqlite":
            cursor = driver.execute(compiled.sql, arguments)
            return cursor.fetchall() if fetch else cursor.rowcount
        if fetch:
            return await driver._connection.fetch(compiled.sql, *arguments)
        status = await driver._connection.execute(compiled.sql, *arguments)
        found = _ROWCOUNT.match(status or "")
        return int(found.group(1)) if found else -1
    except Exception as error:
        raise _translated(error, driver, dialect, compiled) from error


def _translated(error: Exception, driver: Any, dialect: Dialect, compiled: _Compiled) -> Exception:
    """The driver's error as SQLAlchemy raises it (IntegrityError, OperationalError, …); any other as it is."""
    dbapi = dialect.loaded_dbapi
    if dialect.name != "sqlite":
        try:
            driver._handle_exception(error)  # SQLAlchemy's asyncpg adapter: raises the DB-API class of the error
        except Exception as adapted:
            error = adapted
    if not isinstance(error, dbapi.Error):
        return error
    return exc.DBAPIError.instance(compiled.sql, None, error, dbapi.Error)
