"""Files built from the data for people who ask in chat or on the command line (the handlers' `Exports`
port, and `nhacviec draft` / `nhacviec export`).

A file asked for in chat is made entirely in a worker thread, on its own connection to the database
(`database_url`): reading a province's year is a long query, and on SQLite the bot's one connection is used
on the event loop, so reading it there would hold every other chat; so would openpyxl or python-docx. The
asking handler ends its transaction first, so it does not hold the bot's connection while it waits.
`asyncio.to_thread` copies the context, so the file is written in the asker's language (the draft itself
is always Vietnamese: it goes to Vietnamese authorities). Without `database_url` (the command line, tests
on an in-memory database) the year is read on the caller's session and only the file is made in a thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from jobs import sheets
from jobs.render import docx
from locales import _
from models.annual import Year, year_data
from models.chat import Attachment
from models.contributions import texts_beside
from models.evidence import names_of
from models.store import db
from models.store.tables import Plan

T = TypeVar("T")


class Exports:
    def __init__(self, tz: ZoneInfo, *, place: str = "", database_url: str | None = None) -> None:
        self.tz = tz
        self.place = place  # the report's place ("Vĩnh Long"); "" reads it from the plan
        self.database_url = database_url  # files asked in chat are made on their own connection, in a thread

    async def _own_connection(self, session: AsyncSession, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """`work` on a session of its own, in a worker thread with its own event loop; on the caller's session
        when there is no database to connect to again."""
        url = self.database_url
        if url is None or db.normalise_url(url).database in (None, "", ":memory:"):
            return await work(session)

        async def alone() -> T:
            engine = db.make_engine(url)
            try:
                async with db.session_factory(engine)() as own:
                    return await work(own)
            finally:
                await engine.dispose()

        return await asyncio.to_thread(asyncio.run, alone())

    async def year(self, session: AsyncSession, plan: Plan, year: int, now: datetime) -> Year:
        return await year_data(session, plan, year, now.astimezone(self.tz).date())

    async def workbook(self, session: AsyncSession, plan: Plan, now: datetime, year: int) -> Attachment:
        """Every obligation of `year` with its latest report, the year before beside it (jobs/year_workbook.py)."""
        async def work(own: AsyncSession) -> bytes:
            from jobs import year_workbook  # openpyxl: loaded by the first export, not at start-up

            data, files, support = await self._workbook_inputs(own, plan, year, now)
            return year_workbook.render(data, year_workbook.Beside(files, support))

        content = await self._own_connection(session, work) if self.database_url else \
            await self.workbook_file(*await self._workbook_inputs(session, plan, year, now))
        return Attachment(f"nhacviec-{plan.code}-{year}.xlsx", content, sheets.MIME,
                          _("Tổng hợp năm {year} — {plan}").format(year=year, plan=plan.short or plan.code))

    async def _workbook_inputs(self, session: AsyncSession, plan: Plan, year: int, now: datetime
                               ) -> tuple[Year, dict[tuple[int, int], list[str]], dict[tuple[int, int], str]]:
        """The year, and what its rows show beside the reports: evidence file names, support units' contributions."""
        data = await self.year(session, plan, year, now)
        files = await names_of(session, [(e.obligation.assignment_id, e.obligation.period_id) for e in data.entries
                                         if e.report])
        support = await texts_beside(session, [(e.obligation.task_id, e.obligation.period_id) for e in data.entries])
        return data, files, support

    async def draft(self, session: AsyncSession, plan: Plan, year: int, now: datetime) -> Attachment:
        """The draft of the consolidated report for `year` (jobs/draft.py), as .docx."""
        async def work(own: AsyncSession) -> bytes:
            return self._draft_bytes(await self.year(own, plan, year, now), now)

        content = await self._own_connection(session, work) if self.database_url else \
            await self.draft_file(await self.year(session, plan, year, now), now)
        return Attachment(f"baocao-{plan.code}-{year}.docx", content, docx.MIME,
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
