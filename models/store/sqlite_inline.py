"""SQLite driven from the event loop itself: the aiosqlite-shaped connection our SQLite engine uses.

Why not aiosqlite's worker thread: every cursor, execute, fetch and close crosses to that thread and
back (about twenty crossings for one report), and each crossing waits for the GIL while the loop is
busy with other chats. Measured on a one-line report: 3.4 ms with the thread, 1.2 ms in the loop
(`bench/updates.py` has the end-to-end figure). SQLite's own work for one message is tens of
microseconds, so doing it in the loop costs less than handing it off.

What this asks of the rest of the code, and `models.store.db.make_engine` provides: one connection per
process (a single-connection pool), so two of our own transactions never wait on each other's lock
inside the loop. The one remaining wait is another process (the CLI loading a plan) holding the
write lock: the loop then pauses, at most `busy_timeout`, instead of failing the message.

SQLAlchemy's aiosqlite dialect is kept for everything else (SQL dialect, types, error classes,
which are sqlite3's own); it is given this connection through `async_creator`.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal


class InlineCursor:
    """aiosqlite's cursor shape over a sqlite3 cursor. SQLAlchemy enters what `connection.cursor()`
    returns with `__aenter__`; here that is the cursor itself."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> InlineCursor:
        self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> InlineCursor:
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size or self._cursor.arraysize)

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class _RunNow:
    """Stands in for aiosqlite's queue to its thread; SQLAlchemy posts its isolation-level change there."""

    @staticmethod
    def put_nowait(item: tuple[asyncio.Future | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as error:  # handed to the waiting future, as aiosqlite does
            if future is not None:
                future.set_exception(error)
            return
        if future is not None:
            future.set_result(result)


class InlineConnection:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn = connection
        self._connection: sqlite3.Connection | None = connection  # SQLAlchemy checks it before commit/rollback
        self._tx = _RunNow()

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._conn.cursor())

    async def commit(self) -> None:
        self._conn.commit()

    async def rollback(self) -> None:
        self._conn.rollback()

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        """Forced close (a connection SQLAlchemy found unusable, or one being garbage-collected)."""
        if self._connection is not None:
            self._connection = None
            self._conn.close()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: Literal["DEFERRED", "EXCLUSIVE", "IMMEDIATE"] | None) -> None:
        self._conn.isolation_level = value


def connector(database: str, *, timeout: float) -> Callable[[], Any]:
    """The `async_creator` for `create_async_engine`."""
    async def connect() -> InlineConnection:
        # check_same_thread off: the pool may close a connection from a garbage-collector callback.
        return InlineConnection(sqlite3.connect(database, timeout=timeout, check_same_thread=False))
    return connect
