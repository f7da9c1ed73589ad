"""Running the jobs: an APScheduler interval tick (and one at start-up) that claims what is due, and
the outbox sender's loop that sends it.

Jobs are never stored in the scheduler: APScheduler 3 marks a job done before it runs and cannot
share a job store between processes. A tick derives everything from the database instead, so a
restart, a crash or a second process changes nothing (docs/architecture.md)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import traceback
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from jobs import digest
from jobs.compose import Composer
from jobs.sender import OutboxSender, OutcomeHook
from jobs.tick import TickConfig, tick
from jobs.trouble import Trouble
from locales import _, use_locale
from models import heartbeat
from models.chat import Attachment, Reply, Sender
from models.plans import followed_plans
from models.rules.text import clean
from models.store.base import utcnow

log = logging.getLogger(__name__)


class DigestReplies:
    """Builds a digest's messages once per moment and language; every recipient gets the same.

    The text goes out whatever happens to the attachments: a chart or a workbook that cannot be made
    (one bad value in years of data) is left out, said once per moment in one line, and the digest is
    sent as text rather than failing for everyone."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], config: TickConfig) -> None:
        self.sessions = sessions
        self.config = config
        self._cache: dict[tuple[str, str], list[Reply]] = {}
        self._said: set[tuple[str, str]] = set()  # (moment, attachment) whose failure was logged
        # The outbox sends to several recipients at once: one of them builds, the others wait for it.
        self._building = asyncio.Lock()

    async def __call__(self, moment: datetime, locale: str) -> list[Reply]:
        key = (moment.isoformat(), locale)
        async with self._building:
            if key not in self._cache:
                self._cache = {k: v for k, v in self._cache.items() if k[0] == key[0]}  # keep only this week's
                self._said = {k for k in self._said if k[0] == key[0]}
                self._cache[key] = await self.build(moment, locale)
        return self._cache[key]

    async def build(self, now: datetime, locale: str) -> list[Reply]:
        async with self.sessions() as session:
            plans = await followed_plans(session)
            if not plans:
                return []
            every = [await digest.build(session, plan, now, self.config.tz, contributions=True) for plan in plans]
        data = [d for d in every if d.has_news] or every[:1]  # plans with nothing to say are left out
        # Drawing and writing the workbook take seconds for a province: in a thread, so that the chats and
        # the other sends go on meanwhile (the data is read above, on the loop: sessions are not for threads).
        return await asyncio.to_thread(self._render, now, locale, data)

    def _render(self, now: datetime, locale: str, data: list[digest.Digest]) -> list[Reply]:
        from jobs import chart, workbook  # matplotlib and openpyxl: loaded by the first digest, not at start-up

        with use_locale(locale):
            day = data[0].today.isoformat()
            pictures = [self._attachment(now, "chart", partial(lambda d: Attachment(
                f"nhacviec-{d.plan.code}-{day}.png", chart.render(d), "image/png",
                _("Biểu đồ tình hình ngày {day}").format(day=day)), d)) for d in data]
            table = self._attachment(now, "workbook", lambda: workbook.attachment(
                data, _("Bảng tổng hợp ngày {day}").format(day=day)))
            made = [Reply("", attachment=a) for a in (*pictures, table) if a is not None]
            drawn = all(p is not None for p in pictures)
            if drawn and table is not None:
                return [Reply(digest.texts(data)), *made]
            if table is not None:
                note = _("⚠️ Lần này bot chưa vẽ được biểu đồ; bảng Excel vẫn gửi kèm.")
            elif drawn:
                note = _("⚠️ Lần này bot chưa tạo được bảng Excel; biểu đồ vẫn gửi kèm.")
            else:
                note = _("⚠️ Lần này bot chưa tạo được biểu đồ và bảng Excel; bản tin chỉ gồm phần chữ.")
            return [Reply(digest.texts(data, attachments=False) + "\n\n" + note), *made]

    def _attachment(self, now: datetime, what: str, make: Callable[[], Attachment]) -> Attachment | None:
        try:
            return make()
        except Exception as error:  # a renderer's bug must not cost anyone the digest
            key = (now.isoformat(), what)
            if key not in self._said:
                self._said.add(key)
                log.error("digest of %s: the %s could not be made (%s); sent without it", now.isoformat(), what,
                          one_line(error))
            return None


def one_line(error: BaseException) -> str:
    """An error as one log line: its type, the first line of its text, and where it was raised."""
    text = clean(str(error)).strip().splitlines()[0] if clean(str(error)).strip() else ""
    frames = traceback.extract_tb(error.__traceback__)
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    return f"{type(error).__name__}: {text[:200]}{where}" if text else f"{type(error).__name__}{where}"


class Jobs:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], config: TickConfig, senders: Mapping[str, Sender],
                 *, tick_seconds: int = 30, send_rate: float = 25.0, lease_seconds: int = 120,
                 clock: Callable[[], datetime] = utcnow, on_outcome: OutcomeHook | None = None,
                 on_tick: Callable[[float, float], None] | None = None) -> None:
        self.sessions = sessions
        self.config = config
        self.clock = clock
        self.tick_seconds = tick_seconds
        self.on_tick = on_tick  # (seconds taken, Unix time finished), e.g. for metrics
        self.sender = outbox_sender(sessions, config, senders, rate=send_rate, clock=clock,
                                    lease=timedelta(seconds=lease_seconds), on_outcome=on_outcome)
        self.scheduler = AsyncIOScheduler(timezone=config.tz)
        self._stop = asyncio.Event()
        self._sending: asyncio.Task | None = None
        self.trouble = Trouble("tick", log)

    async def tick_now(self) -> None:
        started = time.monotonic()
        try:
            async with self.sessions() as session:
                result = await tick(session, self.config, self.clock())
                # /healthz, in whichever process serves it, reads this row to know the tick is alive.
                await heartbeat.beat(session, self.clock())
                await session.commit()
            if self.on_tick is not None:
                self.on_tick(time.monotonic() - started, time.time())
            self.trouble.ok()
            if result.queued:
                log.info("tick: %d messages queued", len(result.queued))
                self.sender.wake()
        except Exception as error:  # a failed tick is retried by the next one; it must not stop the scheduler
            self.trouble.failed(error)

    async def start(self, *, single_process: bool) -> None:
        await self.sender.recover(everything=single_process)
        self.scheduler.add_job(self.tick_now, "interval", seconds=self.tick_seconds, next_run_time=utcnow(),
                               max_instances=1, coalesce=True, id="tick")
        self.scheduler.start()
        self._sending = asyncio.create_task(self.sender.run_forever(self._stop))

    async def stop(self) -> None:
        self._stop.set()
        self.sender.wake()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self._sending is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self._sending, timeout=10)


def outbox_sender(sessions: async_sessionmaker[AsyncSession], config: TickConfig, senders: Mapping[str, Sender],
                  **options: Any) -> OutboxSender:
    """The outbox sender with its composer and the weekly digest's builder (also `nhacviec digest --send`)."""
    composer = Composer(sessions=sessions, digest=DigestReplies(sessions, config), default_locale=config.default_locale)
    return OutboxSender(sessions, senders, compose=composer, tz=config.tz, default_locale=config.default_locale,
                        **options)
