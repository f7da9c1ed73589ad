"""SQLite's write-ahead log is copied back into the database file by a thread, not by a message's commit.

SQLite does that copy (a checkpoint) itself, inside the commit that grows the log past 1,000 pages: that
commit then writes the pages and waits for the disk, on the event loop, while every other chat waits.
Measured on the one-line report path: commits p50 0.10 ms, p99 0.86 ms, max 20 ms, and those slow commits
were half of all commit time. So while the bot runs, a thread with its own connection checkpoints every
few seconds in PASSIVE mode (it never blocks a writer or a reader, and skips what it cannot copy yet), and
the automatic checkpoint is moved to 10,000 pages (about 40 MB of log), a backstop for when no bot runs
(`nhacviec` commands alone; the last connection to close checkpoints anyway).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3

log = logging.getLogger(__name__)

AUTOMATIC_PAGES = 10_000  # PRAGMA wal_autocheckpoint for every connection (models/store/db.py)
EVERY_SECONDS = 2.0


def checkpoint(database: str) -> tuple[int, int, int]:
    """One PASSIVE checkpoint on a connection of its own: (busy, pages in the log, pages copied)."""
    connection = sqlite3.connect(database, timeout=1)
    try:
        busy, logged, copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return int(busy), int(logged), int(copied)
    finally:
        connection.close()


class Checkpointer:
    """Runs `checkpoint` in a thread every `every` seconds until stopped."""

    def __init__(self, database: str, every: float | None = None) -> None:
        self.database = database
        self.every = EVERY_SECONDS if every is None else every
        self.done = 0  # checkpoints run (the tests watch it)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="sqlite-checkpoint")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            try:
                await asyncio.to_thread(checkpoint, self.database)
                self.done += 1
            except sqlite3.Error as error:  # a locked or vanished file: the next round, or SQLite's own, will do
                log.warning("sqlite checkpoint skipped: %s", error)
