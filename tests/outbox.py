"""Reading what the outbox holds the way the sender would send it: its messages' texts, composed."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import select

from jobs.compose import Composer
from jobs.runner import DigestReplies
from jobs.tick import TickConfig
from models.store.tables import Claim, Delivery

VN = ZoneInfo("Asia/Ho_Chi_Minh")


async def deliveries(sessions, kind: str | None = None) -> list[Delivery]:
    async with sessions() as session:
        query = select(Delivery).order_by(Delivery.id)
        if kind:
            query = query.where(Delivery.kind == kind)
        return list((await session.exec(query)).all())


async def claims(sessions, kind: str | None = None) -> list[Claim]:
    async with sessions() as session:
        query = select(Claim).order_by(Claim.id)
        if kind:
            query = query.where(Claim.kind == kind)
        return list((await session.exec(query)).all())


async def text_of(sessions, delivery: Delivery, today: date) -> str:
    """The message as it would go out on `today` (items reported since left out; "" if nothing is left)."""
    composer = Composer(sessions=sessions, digest=DigestReplies(sessions, TickConfig(tz=VN)))
    replies = await composer(delivery.model_dump(), today)
    return "\n".join(r.text for r in replies)
