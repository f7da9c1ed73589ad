"""SQLite's log is copied into the database file by a thread while the bot runs (models/store/checkpoint.py),
not by whichever message's commit grows it past SQLite's own threshold."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3

from sqlalchemy import text

from bot.config import load_settings
from bot.root import Services, start_bot
from models.store import checkpoint, db


async def _write(engine, rows: int) -> None:
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE IF NOT EXISTS filler (id INTEGER PRIMARY KEY, body TEXT)"))
    for n in range(rows):
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO filler (body) VALUES (:b)"), {"b": f"{n}" * 500})


def _rows_in_the_file_alone(path, copy) -> int:
    """What the database file holds without its log (a copy of the file alone)."""
    shutil.copy(path, copy)
    connection = sqlite3.connect(copy)
    try:
        found = connection.execute("SELECT name FROM sqlite_master WHERE name = 'filler'").fetchone()
        return connection.execute("SELECT count(*) FROM filler").fetchone()[0] if found else 0
    finally:
        connection.close()


async def test_commits_leave_the_log_to_the_thread(tmp_path):
    path = tmp_path / "bot.db"
    engine = db.make_engine(f"sqlite:///{path}")
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA wal_autocheckpoint"))).scalar_one() == checkpoint.AUTOMATIC_PAGES
        await _write(engine, 300)  # ~300 pages: under SQLite's default threshold of 1,000 too
        assert _rows_in_the_file_alone(path, tmp_path / "copy.db") == 0  # all of it still in the log
        busy, logged, copied = checkpoint.checkpoint(str(path))
        assert busy == 0 and logged >= 300 and copied == logged
        assert _rows_in_the_file_alone(path, tmp_path / "copy2.db") == 300
    finally:
        await engine.dispose()


async def test_the_running_bot_checkpoints_sqlite_in_the_background(tmp_path, monkeypatch):
    monkeypatch.setattr(checkpoint, "EVERY_SECONDS", 0.05)
    path = tmp_path / "bot.db"
    settings = load_settings(database_url=f"sqlite:///{path}")
    engine = db.make_engine(settings.database_url)
    await db.upgrade(engine)
    running = await start_bot(Services(settings, engine, db.session_factory(engine)))
    try:
        assert running.checkpointer is not None
        await _write(engine, 50)
        for _ in range(100):
            if running.checkpointer.done >= 2 and _rows_in_the_file_alone(path, tmp_path / "copy.db") == 50:
                break
            await asyncio.sleep(0.05)
        assert _rows_in_the_file_alone(path, tmp_path / "copy.db") == 50
    finally:
        await running.stop()
        await engine.dispose()
    assert running.checkpointer._task is None  # stopped with the bot
