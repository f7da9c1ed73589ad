"""Files built from the data for people who ask in chat or on the command line (the handlers' `Exports`
port, and `nhacviec draft` / `nhacviec export`).

The database is read on the event loop (a session is not for threads); the file is then written in a
thread, so that a province's document does not hold other chats while python-docx or openpyxl works.
`asyncio.to_thread` copies the context, so the file is written in the asker's language (the draft itself
is always Vietnamese: it goes to Vietnamese authorities).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from jobs import sheets
from jobs.render import docx
from locales import _
from models.annual import Year, year_data
from models.chat import Attachment
from models.contributions import texts_beside
from models.evidence import names_of
from models.store.tables import Plan


class Exports:
    def __init__(self, tz: ZoneInfo, *, place: str = "") -> None:
        self.tz = tz
        self.place = place  # the report's place ("Vĩnh Long"); "" reads it from the plan

    async def year(self, session: AsyncSession, plan: Plan, year: int, now: datetime) -> Year:
        return await year_data(session, plan, year, now.astimezone(self.tz).date())

    async def workbook(self, session: AsyncSession, plan: Plan, now: datetime, year: int) -> Attachment:
        """Every obligation of `year` with its latest report, the year before beside it (jobs/year_workbook.py)."""
        data = await self.year(session, plan, year, now)
        files = await names_of(session, [(e.obligation.assignment_id, e.obligation.period_id) for e in data.entries
                                         if e.report])
        support = await texts_beside(session, [(e.obligation.task_id, e.obligation.period_id) for e in data.entries])
        return Attachment(f"nhacviec-{plan.code}-{year}.xlsx", await self.workbook_file(data, files, support),
                          sheets.MIME,
                          _("Tổng hợp năm {year} — {plan}").format(year=year, plan=plan.short or plan.code))

    async def draft(self, session: AsyncSession, plan: Plan, year: int, now: datetime) -> Attachment:
        """The draft of the consolidated report for `year` (jobs/draft.py), as .docx."""
        data = await self.year(session, plan, year, now)
        return Attachment(f"baocao-{plan.code}-{year}.docx", await self.draft_file(data, now), docx.MIME,
                          _("Dự thảo báo cáo năm {year} — {plan}").format(year=year, plan=plan.short or plan.code))

    async def workbook_file(self, data: Year, files: dict[tuple[int, int], list[str]] | None = None,
                            support: dict[tuple[int, int], str] | None = None) -> bytes:
        """`files`, `support`: evidence file names and support units' contributions shown beside the reports."""
        from jobs import year_workbook  # openpyxl: loaded by the first export, not at start-up

        return await asyncio.to_thread(year_workbook.render, data, year_workbook.Beside(files or {}, support or {}))

    async def draft_file(self, data: Year, now: datetime) -> bytes:
        return await asyncio.to_thread(self._draft_bytes, data, now)

    def _draft_bytes(self, data: Year, now: datetime) -> bytes:
        from jobs import draft

        return docx.render(draft.build(data, today=now.astimezone(self.tz).date(), place=self.place))
