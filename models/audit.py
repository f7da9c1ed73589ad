"""The audit log: who changed what, and who was refused what."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from models.tables import AuditLog


async def record(
    session: AsyncSession,
    actor: str,
    action: str,
    entity: str = "",
    entity_id: str | int = "",
    detail: dict[str, Any] | None = None,
    member_id: int | None = None,
) -> AuditLog:
    """Add an entry to the caller's transaction (it is written when the caller commits)."""
    entry = AuditLog(actor=actor, action=action, entity=entity, entity_id=str(entity_id),
                     detail=detail or {}, member_id=member_id)
    session.add(entry)
    return entry
