"""A database that goes away: every loop that keeps running says so once, in one line, and once more
when it is back — not a traceback every round (48 were logged during a 20 s PostgreSQL outage).

Two outages: a SQLite file whose folder is moved away (and back), and a PostgreSQL server that does not
answer (a closed port; no server is needed for this one)."""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.root import ROUTERS
from handlers.core import HandlerConfig
from handlers.dispatcher import Dispatcher
from jobs.runner import Jobs, outbox_sender
from jobs.tick import TickConfig
from models.chat import Incoming
from models.store import db
from models.store.tables import Delivery
from tests.faults.test_secrets_and_startup import closed_port

pytestmark = pytest.mark.faults

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CONFIG = TickConfig(tz=VN)


@dataclass
class Outage:
    engine: AsyncEngine
    sessions: async_sessionmaker
    restore: Callable[[], None] | None  # brings the database back, where the test can


@pytest.fixture(params=["sqlite moved away", "postgresql not answering"])
async def outage(request, sqlite_template: Path, tmp_path: Path) -> AsyncIterator[Outage]:
    if request.param == "sqlite moved away":
        folder = tmp_path / "data"
        folder.mkdir()
        shutil.copy(sqlite_template, folder / "nhacviec.db")
        engine = db.make_engine(f"sqlite:///{folder / 'nhacviec.db'}")
        folder.rename(tmp_path / "elsewhere")  # before the first connection: nothing holds the file open
        restore = lambda: (tmp_path / "elsewhere").rename(folder)  # noqa: E731
    else:
        engine = db.make_engine(f"postgresql://postgres@127.0.0.1:{closed_port()}/nhacviec")
        restore = None
    try:
        yield Outage(engine, db.session_factory(engine), restore)
    finally:
        await engine.dispose()


def said(caplog: pytest.LogCaptureFixture, logger: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == logger and r.levelno >= logging.WARNING]


def assert_one_line_each(records: list[logging.LogRecord]) -> None:
    for record in records:
        assert record.exc_info is None and "\n" not in record.getMessage(), record.getMessage()


async def test_the_outbox_sender_says_an_outage_once(outage, caplog):
    caplog.set_level(logging.WARNING)
    sender = outbox_sender(outage.sessions, CONFIG, {})
    stop = asyncio.Event()
    loop = asyncio.create_task(sender.run_forever(stop, idle=0.02))  # a round every 20 ms: dozens while down
    try:
        await asyncio.sleep(0.6)
        down = said(caplog, "jobs.sender")
        assert len(down) == 1 and "outbox: database unavailable (" in down[0].getMessage(), \
            [r.getMessage() for r in down]
        assert_one_line_each(down)
        if outage.restore is not None:
            outage.restore()
            await asyncio.sleep(0.3)
            back = said(caplog, "jobs.sender")[1:]
            assert [r.getMessage() for r in back] == ["outbox: database reachable again"]
    finally:
        stop.set()
        sender.wake()
        await asyncio.wait_for(loop, 5)


async def test_the_tick_says_an_outage_once(outage, caplog):
    caplog.set_level(logging.WARNING)
    jobs = Jobs(outage.sessions, CONFIG, {})
    for _tick in range(5):
        await jobs.tick_now()
    down = said(caplog, "jobs.runner")
    assert len(down) == 1 and "tick: database unavailable (" in down[0].getMessage(), [r.getMessage() for r in down]
    assert_one_line_each(down)
    if outage.restore is not None:
        outage.restore()
        await jobs.tick_now()
        await jobs.tick_now()
        assert [r.getMessage() for r in said(caplog, "jobs.runner")[1:]] == ["tick: database reachable again"]


async def test_messages_during_an_outage_are_answered_and_said_once(outage, caplog):
    caplog.set_level(logging.WARNING)
    bot = Dispatcher(outage.sessions, HandlerConfig(tz=VN), ROUTERS)
    for n in range(5):
        outcome = await bot.handle(Incoming(channel="telegram", chat_id="42", user_id="42", text="/trogiup",
                                            at=datetime.now(UTC), update_id=str(n)))
        assert "Vui lòng thử lại sau ít phút" in outcome.replies[0].text  # nobody is left without an answer
    down = said(caplog, "handlers.dispatcher")
    assert len(down) == 1 and "database unavailable while handling a telegram message" in down[0].getMessage()
    assert_one_line_each(down)
    if outage.restore is not None:
        outage.restore()
        outcome = await bot.handle(Incoming(channel="telegram", chat_id="42", user_id="42", text="/trogiup",
                                            at=datetime.now(UTC), update_id="back"))
        assert "/start" in outcome.replies[0].text
        assert [r.getMessage() for r in said(caplog, "handlers.dispatcher")[1:]] == ["database reachable again"]


async def test_a_bug_in_a_round_keeps_its_traceback_once(sessions, caplog):
    """Not every failure is an outage: what looks like a bug is logged with its traceback — once, not
    every round. Here a row of a kind this version does not know (written by a newer version that was
    then rolled back) makes every round fail."""
    caplog.set_level(logging.WARNING)
    now = datetime.now(UTC)
    async with sessions() as session:
        await session.exec(insert(Delivery.__table__), params=[{
            "kind": "notice", "channel": "telegram", "chat_id": "1", "payload": {"text": "x"}, "status": "pending",
            "reason": "", "attempts": 0, "created_at": now, "next_attempt_at": now}])
        await session.exec(text("UPDATE delivery SET kind = 'from-a-newer-version'"))
        await session.commit()
    sender = outbox_sender(sessions, CONFIG, {"telegram": object()})  # type: ignore[dict-item]  # never reached
    stop = asyncio.Event()
    loop = asyncio.create_task(sender.run_forever(stop, idle=0.02))
    try:
        await asyncio.sleep(0.5)
    finally:
        stop.set()
        sender.wake()
        await asyncio.wait_for(loop, 5)
    bugs = said(caplog, "jobs.sender")
    assert len(bugs) == 1 and bugs[0].exc_info is not None, [r.getMessage() for r in bugs]
    assert bugs[0].getMessage() == "outbox failed; trying again"
