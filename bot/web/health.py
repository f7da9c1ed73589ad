"""GET /healthz: 200 when the database answers and the reminder tick ran lately, 503 otherwise, with
one JSON line saying which: {"database": "ok", "tick": "late 95 s"}.

The tick's last run is read from the database (models.heartbeat), which every bot process writes
and reads: a web server in one process can vouch for a tick in another. A process that has just
started is given three tick intervals before a missing tick counts against it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models import heartbeat
from models.store.base import utcnow

log = logging.getLogger(__name__)

TIMEOUT = 3.0  # seconds: a health check that hangs is as bad as one that fails
LATE_AFTER = 3  # tick intervals


@dataclass
class Health:
    sessions: async_sessionmaker[AsyncSession]
    clock: Callable[[], datetime] = utcnow
    tick_seconds: int | None = 30  # None: this process runs no tick, only the database is checked
    last_tick: Callable[[AsyncSession], Awaitable[datetime | None]] | None = None
    started: float = 0.0  # time.monotonic() at start-up

    async def check(self) -> tuple[bool, dict[str, str]]:
        state = {"database": "ok"}
        last: datetime | None = None
        try:
            async with asyncio.timeout(TIMEOUT), self.sessions() as session:
                await (await session.connection()).exec_driver_sql("SELECT 1")
                if self.tick_seconds is not None:
                    last = await (self.last_tick or heartbeat.last_beat)(session)
        except Exception as error:  # whatever the driver raises, the answer is the same: not reachable
            log.warning("healthz: database unreachable (%s)", type(error).__name__)
            state["database"] = "unreachable"
            if self.tick_seconds is not None:
                state["tick"] = "unknown"
            return False, state
        if self.tick_seconds is None:
            return True, state
        limit = LATE_AFTER * self.tick_seconds
        if last is None:
            waited = time.monotonic() - self.started
            state["tick"] = "starting" if waited <= limit else "never ran"
            return waited <= limit, state
        late = (self.clock() - last).total_seconds()
        if late > limit:
            state["tick"] = f"late {int(late)} s"
            return False, state
        state["tick"] = "ok"
        return True, state

    async def handle(self, request: web.Request) -> web.Response:
        ok, state = await self.check()
        return web.Response(text=json.dumps(state) + "\n", status=200 if ok else 503, content_type="application/json",
                            headers={"Cache-Control": "no-store"})
