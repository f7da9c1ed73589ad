"""Files built from the data for people who ask in chat (the handlers' `Exports` port)."""

from __future__ import annotations

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

    async def workbook(self, session: AsyncSession, plan: Plan, now: datetime) -> Attachment:
        data = await digest.build(session, plan, now, self.tz, contributions=True)
        return workbook.attachment(data, _("Tổng hợp ngày {day}").format(day=format_date(data.today)))
