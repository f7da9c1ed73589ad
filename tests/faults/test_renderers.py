"""One bad value must never cost anyone the workbook or the weekly digest.

Text is cleaned where it enters (the dispatcher), but rows stored before that — or written by another
tool — may still hold control characters, which openpyxl refuses (IllegalCharacterError). The renderers
clean what they write themselves; and a digest whose chart or workbook cannot be made at all still goes
out as text, the failure logged once."""

from __future__ import annotations

import io
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import matplotlib
import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from bot.config import load_settings
from bot.root import Services, start_bot
from jobs import chart, digest
from jobs.runner import outbox_sender
from jobs.tick import TickConfig, tick
from models.store.tables import Report, Unit
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.dialog import Clock

pytestmark = pytest.mark.faults

VN = ZoneInfo("Asia/Ho_Chi_Minh")
REPORTED = datetime(2025, 12, 10, 9, 0, tzinfo=VN)
DIGEST = datetime(2025, 12, 15, 7, 30, tzinfo=VN)  # Monday: the weekly digest's moment
FOCAL, COORDINATOR, ENGLISH_COORDINATOR = 900, 901, 902
OLD_NOTE = "tiến độ \x1b[31m tốt\x07"  # as a row stored before text was cleaned at the door could hold it


@pytest.fixture
async def telegram(db_url, engine, sessions, plan, invite):
    """The bot on the fake Bot API with a focal point's report whose note holds control characters, and
    two coordinators (one reading English)."""
    async with FakeTelegram() as fake:
        settings = load_settings(database_url=db_url, telegram_token=fake.token, telegram_api_url=fake.base_url)
        clock = Clock(REPORTED)
        running = await start_bot(Services(settings, engine, sessions), clock=clock)
        try:
            for user, who, unit in ((FOCAL, "focal", "SCT"), (COORDINATOR, "coordinator", None),
                                    (ENGLISH_COORDINATOR, "coordinator", None)):
                fake.message(user, f"/start {await invite(unit, who)}")
                await fake.wait_sent(1, chat_id=user)
            fake.message(ENGLISH_COORDINATOR, "/ngonngu en")
            fake.message(FOCAL, "/bc IV.2.a 40% dn=2 tiến độ tốt vướng mắc: =HYPERLINK(\"http://x\")")
            await fake.wait_sent(2, chat_id=FOCAL)
            await fake.wait_sent(2, chat_id=ENGLISH_COORDINATOR)
            async with sessions() as session:
                await session.exec(update(Report).values(note=OLD_NOTE))
                await session.commit()
            yield running, fake, clock
        finally:
            await running.stop()


def opened(sent) -> list[list]:
    book = load_workbook(io.BytesIO(sent.params["document"]["content"]))
    return [[cell.value for cell in row] for row in book.active.iter_rows()]


async def test_export_works_over_a_stored_control_character(telegram):
    _running, fake, _clock = telegram
    fake.message(COORDINATOR, "/xuat")
    (sent,) = [s for s in await fake.wait_sent(3, chat_id=COORDINATOR) if s.method == "sendDocument"]
    rows = opened(sent)
    (sct,) = [row for row in rows if row[0] == "SCT" and row[2] == "IV.2.a" and "năm 2025" in str(row[4])]
    assert "tiến độ [31m tốt" in sct  # what was written, minus the control characters
    assert '=HYPERLINK("http://x")' in sct  # a person's text stays text, never a formula Excel would run


async def test_the_digest_goes_out_whole_over_a_stored_control_character(telegram, sessions):
    running, fake, _clock = telegram
    config = TickConfig(tz=VN, channels=frozenset({"telegram"}))
    async with sessions() as session:
        await tick(session, config, DIGEST)
    result = await outbox_sender(sessions, config, {"telegram": running.channels[0]}, clock=Clock(DIGEST),
                                 per_chat_interval=0).run_once()
    assert result.failed == 0 and result.retried == 0
    for user in (COORDINATOR, ENGLISH_COORDINATOR):
        digest_messages = fake.to_chat(user)[-3:]
        assert [s.method for s in digest_messages] == ["sendMessage", "sendPhoto", "sendDocument"]
    assert any("tiến độ [31m tốt" in row for row in opened(fake.to_chat(COORDINATOR)[-1]))


async def test_a_digest_whose_chart_cannot_be_drawn_still_goes_out_as_text(telegram, sessions, caplog, monkeypatch,
                                                                         tmp_path):
    """A server whose matplotlib configuration asks for LaTeX it does not have: the chart fails for
    every recipient. The digest goes out with its text and workbook, and the failure is one log line."""
    running, fake, _clock = telegram
    monkeypatch.setenv("PATH", str(tmp_path))  # no latex here
    config = TickConfig(tz=VN, channels=frozenset({"telegram"}))
    async with sessions() as session:
        await tick(session, config, DIGEST)
    caplog.set_level(logging.WARNING)
    with matplotlib.rc_context({"text.usetex": True}):
        result = await outbox_sender(sessions, config, {"telegram": running.channels[0]}, clock=Clock(DIGEST),
                                     per_chat_interval=0).run_once()
    assert result.sent == 2 and result.failed == 0 and result.retried == 0
    vietnamese, english = fake.to_chat(COORDINATOR)[-2:], fake.to_chat(ENGLISH_COORDINATOR)[-2:]
    assert [s.method for s in vietnamese] == [s.method for s in english] == ["sendMessage", "sendDocument"]
    assert "📰 Bản tin tuần" in vietnamese[0].text and "Kèm theo: biểu đồ" not in vietnamese[0].text
    assert vietnamese[0].text.endswith("⚠️ Lần này bot chưa vẽ được biểu đồ; bảng Excel vẫn gửi kèm.")
    assert english[0].text.endswith("⚠️ This time the bot could not draw the chart; the Excel workbook is attached.")
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(problems) == 1, [r.getMessage() for r in problems]  # once, not per recipient nor per language
    (problem,) = problems
    assert problem.name == "jobs.runner" and problem.exc_info is None and "\n" not in problem.getMessage()
    assert "the chart could not be made (RuntimeError: " in problem.getMessage()


async def test_the_chart_draws_codes_as_written(telegram, sessions, plan):
    """Labels are data: a "$" in a unit's name or code stored by older data is drawn, not parsed as mathtext."""
    async with sessions() as session:
        await session.exec(update(Unit).where(Unit.code == "SCT").values(code="S$C_$T\x1b", name="Sở $C_$T\x1b"))
        await session.commit()
        data = await digest.build(session, plan, DIGEST, VN)
    assert chart.render(data).startswith(b"\x89PNG")
