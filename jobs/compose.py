"""Turning a queued delivery into what is sent, just before it is sent.

Its text is composed now, in the recipient's language, from what it carries; items reported since it
was queued are left out, and a message left with nothing to say is not sent (an empty list).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from jobs import messages, review_list
from locales import _, use_locale
from models.callbacks import ReportNow
from models.chat import Option, Reply
from models.obligations import plan_calendar
from models.outbox import Item
from models.registry import pending_successions
from models.reports import reported
from models.store.tables import DeliveryKind
from models.wording import succession_question

DigestBuilder = Callable[[datetime, str], Awaitable[list[Reply]]]  # (moment, locale) → replies


@dataclass(kw_only=True)
class Composer:
    sessions: async_sessionmaker[AsyncSession]
    digest: DigestBuilder
    default_locale: str = "vi"

    async def __call__(self, row: Mapping[str, Any], today: date) -> list[Reply]:
        payload = row["payload"] or {}
        kind = DeliveryKind(row["kind"])
        with use_locale(payload.get("locale") or self.default_locale):
            if kind == DeliveryKind.digest:
                return await self.digest(datetime.fromisoformat(payload["moment"]),
                                         payload.get("locale") or self.default_locale)
            async with self.sessions() as session:
                if kind == DeliveryKind.succession:
                    return await _succession(session, int(payload["grant"]), row["member_id"], today)
                if kind == DeliveryKind.notice:
                    return [Reply(str(payload.get("text", "")))]
                if kind == DeliveryKind.returned:
                    return await review_list.returned(session, int(payload["report"]), row["member_id"])
                if kind == DeliveryKind.review_list:
                    return await review_list.review_list(session, row["member_id"])
                items = [Item.from_json(item) for item in payload.get("items", [])]
                done = await reported(session, [(i.assignment_id, i.period_id) for i in items])
                items = [i for i in items if (i.assignment_id, i.period_id) not in done]
                if not items:
                    return []
                calendar = await plan_calendar(session)
            can_reply = row["channel"] == "telegram"
            if kind == DeliveryKind.escalation:
                return [Reply(messages.escalation(items, today, calendar, payload.get("without_focal", [])))]
            button = Option(_("📝 Báo cáo ngay"), ReportNow(delivery=row["id"], owner=row["member_id"] or 0).pack())
            if kind == DeliveryKind.nudge:
                text = messages.nudge(items, today, calendar, str(payload.get("by", "")), can_reply=can_reply)
            else:
                text = messages.reminder(items, today, calendar, can_reply=can_reply)
            return [Reply(text, (button,))]


async def _succession(session: AsyncSession, grant_id: int, member_id: int | None, today: date) -> list[Reply]:
    """The question, unless it was answered (with /xacnhan) since it was queued."""
    for pending in await pending_successions(session, today, member_id=member_id):
        if pending.grant.id == grant_id:
            return [succession_question(pending)]
    return []
