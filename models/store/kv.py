"""Reading and writing the KeyValue table."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from models.store.base import utcnow
from models.store.tables import KeyValue

TELEGRAM_USERNAME = "telegram.username"


async def get(session: AsyncSession, key: str) -> str | None:
    row = await session.get(KeyValue, key)
    return row.value if row else None


async def put(session: AsyncSession, key: str, value: str) -> None:
    row = await session.get(KeyValue, key)
    if row is None:
        session.add(KeyValue(key=key, value=value))
    elif row.value != value:
        row.value = value
        row.updated_at = utcnow()
