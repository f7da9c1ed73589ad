"""The SQLite engine runs its statements in the event loop on one connection (models/sqlite_inline.py):
what that must still guarantee."""

import asyncio
import sqlite3
import threading
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from models.store import db


@pytest.fixture
async def sqlite_engine(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'inline.db'}")
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL)"))
    yield engine
    await engine.dispose()


async def count(engine) -> int:
    async with engine.connect() as conn:
        return (await conn.execute(text("SELECT count(*) FROM item"))).scalar_one()


async def test_concurrent_transactions_take_turns_and_all_commit(sqlite_engine):
    sessions = db.session_factory(sqlite_engine)

    async def write(n: int) -> None:
        async with sessions() as session:
            await session.exec(text("INSERT INTO item (name) VALUES (:n)"), params={"n": f"a{n}"})
            await asyncio.sleep(0)  # another transaction would run here if the connection were shared
            await session.exec(text("INSERT INTO item (name) VALUES (:n)"), params={"n": f"b{n}"})
            await session.commit()

    await asyncio.gather(*(write(n) for n in range(40)))
    assert await count(sqlite_engine) == 80


async def test_a_failed_transaction_is_rolled_back_and_the_connection_stays_usable(sqlite_engine):
    sessions = db.session_factory(sqlite_engine)
    async with sessions() as session:
        await session.exec(text("INSERT INTO item (name) VALUES ('x')"))
        await session.commit()
    with pytest.raises(IntegrityError):
        async with sessions() as session:
            await session.exec(text("INSERT INTO item (name) VALUES ('y')"))
            await session.exec(text("INSERT INTO item (name) VALUES ('x')"))  # duplicate: the whole message fails
    assert await count(sqlite_engine) == 1
    async with sessions() as session:
        await session.exec(text("INSERT INTO item (name) VALUES ('y')"))
        await session.commit()
    assert await count(sqlite_engine) == 2


async def test_a_write_waits_for_another_process_lock_instead_of_failing(sqlite_engine, tmp_path):
    # The CLI (another process) holding the write lock for a moment: the bot's write waits, then succeeds.
    held = threading.Event()

    def other_process() -> None:
        other = sqlite3.connect(tmp_path / "inline.db", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO item (name) VALUES ('cli')")
        held.set()
        time.sleep(0.4)
        other.execute("COMMIT")
        other.close()

    thread = threading.Thread(target=other_process)
    thread.start()
    await asyncio.to_thread(held.wait)
    started = time.monotonic()
    async with db.session_factory(sqlite_engine)() as session:
        await session.exec(text("INSERT INTO item (name) VALUES ('bot')"))
        await session.commit()
    waited = time.monotonic() - started
    thread.join()
    assert await count(sqlite_engine) == 2
    assert waited >= 0.2  # it did wait for the lock rather than write around it


async def test_pragmas_are_set_on_the_connection(sqlite_engine):
    async with sqlite_engine.connect() as conn:
        assert (await conn.execute(text("PRAGMA journal_mode"))).scalar_one() == "wal"
        assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar_one() == 1
        assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar_one() == 30000
