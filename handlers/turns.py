"""Messages take turns for the database before asking its connection pool.

Each message is one transaction on one connection, and the pool has few (SQLite: one per process,
models/store/sqlite_inline.py). With 64 messages in flight, 63 would wait inside the pool, where each wait
and hand-over goes through SQLAlchemy's greenlet bridge: measured on one-line reports, 64 at once cost
2.45 ms of CPU each against 1.7 ms one at a time. Waiting here, at a plain asyncio semaphore as wide as the
pool, costs next to nothing (1.6–1.8 ms at 64 at once). Jobs and the web view still use the pool directly,
so a message may wait there behind them, as before.

A message that waits for something long after committing (a file made in a worker process: `Context.release`)
gives its turn back first, as it gives the connection back.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class Turn:
    """One message's turn; `give_back` ends it early (idempotent)."""

    def __init__(self, semaphore: asyncio.Semaphore) -> None:
        self._semaphore: asyncio.Semaphore | None = semaphore

    def give_back(self) -> None:
        if self._semaphore is not None:
            self._semaphore.release()
            self._semaphore = None


class Turns:
    def __init__(self, width: int) -> None:
        self._semaphore = asyncio.Semaphore(width)

    @asynccontextmanager
    async def take(self) -> AsyncIterator[Turn]:
        await self._semaphore.acquire()
        turn = Turn(self._semaphore)
        try:
            yield turn
        finally:
            turn.give_back()
