"""Files built from the data for people who ask in chat or on the command line (the handlers' `Exports`
port, and `nhacviec draft` / `nhacviec export`).

A file asked for in chat is made in another process (`database_url`; one worker process, started with
the first file and kept), on its own connection to the database: reading a province's year is a long
query and openpyxl or python-docx long Python work; in the bot's process either would hold every other
chat, on the loop or through the GIL (on SQLite the bot's one connection is even used on the loop). The
asking handler ends its transaction first, so it does not hold the bot's connection while it waits. The
worker is told the asker's language (the draft itself is always Vietnamese: it goes to Vietnamese
authorities). Without `database_url` (the command line, tests on an in-memory database) the year is read
on the caller's session and only the file is made, in a thread.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from jobs import sheets
from jobs.render import docx
from locales import _, current_locale, use_locale
from models.annual import Year, year_data
from models.chat import Attachment
from models.contributions import texts_beside
from models.evidence import names_of
from models.store import db
from models.store.tables import Plan


class Exports:
    def __init__(self, tz: ZoneInfo, *, place: str = "", database_url: str | None = None) -> None:
        self.tz = tz
        self.place = place  # the report's place ("Vĩnh Long"); "" reads it from the plan
        self.database_url = database_url  # files asked in chat are made in the worker process, from there

    def _worker_url(self) -> str | None:
        url = self.database_url
        if url is None or db.normalise_url(url).database in (None, "", ":memory:"):
            return None  # nothing another process could connect to
        return url

    async def year(self, session: AsyncSession, plan: Plan, year: int, now: datetime) -> Year:
        return await year_data(session, plan, year, now.astimezone(self.tz).date())

    async def workbook(self, session: AsyncSession, plan: Plan, now: datetime, year: int) -> Attachment:
        """Every obligation of `year` with its latest report, the year before beside it (jobs/year_workbook.py)."""
        url = self._worker_url()
        content = await _in_worker(_Job("workbook", url, plan.id, year, now, self.tz, self.place, current_locale())) \
            if url else await self.workbook_file(*await self._workbook_inputs(session, plan, year, now))
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
        url = self._worker_url()
        content = await _in_worker(_Job("draft", url, plan.id, year, now, self.tz, self.place, current_locale())) \
            if url else await self.draft_file(await self.year(session, plan, year, now), now)
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


# --- the worker process -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Job:
    """A file to make in the worker: everything it needs, picklable."""

    kind: str  # workbook | draft
    url: str
    plan_id: int
    year: int
    now: datetime
    tz: ZoneInfo
    place: str
    locale: str


_worker: ProcessPoolExecutor | None = None


async def _in_worker(job: _Job) -> bytes:
    global _worker
    if _worker is None:  # "spawn": a clean interpreter, not a copy of the bot's loop and connections
        _worker = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    try:
        return await asyncio.get_running_loop().run_in_executor(_worker, _make, job)
    except BrokenProcessPool:
        _worker = None  # it died (killed, out of memory): the next file starts a new one
        raise


def _make(job: _Job) -> bytes:
    """In the worker process."""
    return asyncio.run(_make_on_own_connection(job))


async def _make_on_own_connection(job: _Job) -> bytes:
    exports = Exports(job.tz, place=job.place)
    engine = db.make_engine(job.url)
    try:
        async with db.session_factory(engine)() as session:
            plan = await session.get(Plan, job.plan_id)
            assert plan is not None, "the plan was read by the asking message"
            with use_locale(job.locale):
                if job.kind == "workbook":
                    from jobs import year_workbook

                    data, files, support = await exports._workbook_inputs(session, plan, job.year, job.now)
                    return year_workbook.render(data, year_workbook.Beside(files, support))
                return exports._draft_bytes(await exports.year(session, plan, job.year, job.now), job.now)
    finally:
        await engine.dispose()
