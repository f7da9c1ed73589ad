"""Files built from the data for people who ask in chat (the handlers' `Exports` port)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from jobs import digest, workbook
from locales import _, format_date
from models.chat import Attachment
from models.store.tables import Plan


class Exports:
    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz

    async def workbook(self, session: AsyncSession, plans: Sequence[Plan], now: datetime) -> Attachment:
        data = [await digest.build(session, plan, now, self.tz, contributions=True) for plan in plans]
        return workbook.attachment(data, _("Tổng hợp ngày {day}").format(day=format_date(data[0].today)))
