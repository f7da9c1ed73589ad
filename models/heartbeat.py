"""When a background job last ran, in a row every process can read (the tick for /healthz).

The web server and the tick may live in different processes (several bot processes on one
PostgreSQL database), so the time is kept in the database rather than in memory.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from models.store import kv

TICK = "heartbeat.tick"


async def beat(session: AsyncSession, now: datetime, key: str = TICK) -> None:
    """Record that the job ran at `now` (inside the caller's transaction)."""
    await kv.put(session, key, now.isoformat())


async def last_beat(session: AsyncSession, key: str = TICK) -> datetime | None:
    value = await kv.get(session, key)
    return datetime.fromisoformat(value) if value else None
