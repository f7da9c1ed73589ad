"""The audit log: who changed what, and who was refused what."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlmodel.ext.asyncio.session import AsyncSession

from models.store.base import utcnow
from models.store.tables import AuditLog


async def record(
    session: AsyncSession,
    actor: str,
    action: str,
    entity: str = "",
    entity_id: str | int = "",
    detail: dict[str, Any] | None = None,
    member_id: int | None = None,
) -> None:
    """Write an entry inside the caller's transaction: it exists exactly when the caller commits."""
    await session.exec(insert(AuditLog).values(
        at=utcnow(), actor=actor, action=action, entity=entity, entity_id=str(entity_id), detail=detail or {},
        member_id=member_id))
