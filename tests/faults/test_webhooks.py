"""What reaches the webhook server that is not an update, and an update Telegram delivers twice: through
the real channels, the real aiohttp server and the fake platform APIs.

A body that is not an update gets 400 and one WARNING line, without a traceback (a traceback per request
is how an attacker fills a disk and hides what matters); a redelivered update is handled once."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from sqlmodel import select

from bot.config import load_settings
from bot.root import Services, start_bot
from models.store.tables import Report
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.zalo_api import FakeZalo
from tests.handlers.dialog import Clock

pytestmark = pytest.mark.faults

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2025, 12, 1, 9, 0, tzinfo=VN)
TELEGRAM_SECRET = "tg-s3cret-value"
ZALO_SECRET = "zalo-s3cret-value"

NOT_UPDATES = {
    "nested 100,000 deep": b"[" * 100_000 + b"]" * 100_000,
    "nested objects": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "a JSON list": b"[1, 2, 3]",
    "a string": b'"update"',
    "a number": b"42",
    "null": b"null",
    "an empty object": b"{}",
}


@pytest.fixture
async def webhooks(db_url, engine, sessions, plan):
    """Both channels in webhook mode on one server; yields (running bot, fake Telegram, fake Zalo)."""
    async with FakeTelegram() as telegram, FakeZalo() as zalo:
        settings = load_settings(
            database_url=db_url, telegram_token=telegram.token, telegram_api_url=telegram.base_url,
            telegram_webhook_url="https://bot.example.gov.vn/tg", telegram_webhook_secret=TELEGRAM_SECRET,
            zalo_token=zalo.token, zalo_api_url=zalo.base_url, zalo_webhook_url="https://bot.example.gov.vn/zalo",
            zalo_webhook_secret=ZALO_SECRET, listen="127.0.0.1:0")
        running = await start_bot(Services(settings, engine, sessions), clock=Clock(NOW))
        try:
            yield running, telegram, zalo
        finally:
            await running.stop()


async def post(url: str, body: bytes, header: str, secret: str) -> int:
    async with aiohttp.ClientSession() as client, client.post(
            url, data=body, headers={header: secret, "Content-Type": "application/json"}) as response:
        return response.status


@pytest.mark.parametrize("channel", ["telegram", "zalo"])
async def test_bodies_that_are_not_updates_get_400_and_one_line(webhooks, caplog, channel):
    running, telegram, zalo = webhooks
    path, header, secret = {"telegram": ("/tg", "X-Telegram-Bot-Api-Secret-Token", TELEGRAM_SECRET),
                            "zalo": ("/zalo", "X-Bot-Api-Secret-Token", ZALO_SECRET)}[channel]
    url = f"http://127.0.0.1:{running.server.port}{path}"
    for what, body in NOT_UPDATES.items():
        caplog.clear()
        with caplog.at_level(logging.INFO):
            status = await post(url, body, header, secret)
            await asyncio.sleep(0.05)  # anything the channel would do in the background
        assert status == 400, what
        warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert [r.name for r in warnings] == ["bot.webhook"], (what, [r.getMessage() for r in warnings])
        assert warnings[0].getMessage().startswith(f"{channel} webhook: "), what
        assert all(r.exc_info is None and r.stack_info is None for r in caplog.records), what
    # The server still serves: a real update after all that is answered.
    update = telegram.message(1, "/trogiup") if channel == "telegram" else zalo.text("u1", "/trogiup")
    assert await post(url, json.dumps(update).encode(), header, secret) == 200
    fake = telegram if channel == "telegram" else zalo
    assert "/start MÃ-MỜI" in (await fake.wait_sent(1))[0].text


async def test_a_redelivered_telegram_update_is_handled_once(webhooks, sessions, invite):
    """Telegram sends an update again when our 200 is lost (a crash, a timeout): the same update_id
    posted twice files one report version and answers once."""
    running, telegram, _zalo = webhooks
    url = f"http://127.0.0.1:{running.server.port}/tg"
    start = telegram.message(700, f"/start {await invite('SCT')}")
    assert await telegram.push_to_webhook(start, url, TELEGRAM_SECRET) == 200
    await telegram.wait_sent(1, chat_id=700)
    report = telegram.message(700, "/bc IV.2.a 40% dn=2 đã hỗ trợ hai doanh nghiệp")
    telegram.updates.clear()  # webhook mode: nothing is polled, updates are pushed
    assert await telegram.push_to_webhook(report, url, TELEGRAM_SECRET) == 200
    assert await telegram.push_to_webhook(report, url, TELEGRAM_SECRET) == 200  # the same update_id again
    answers = await telegram.wait_sent(2, chat_id=700)
    await asyncio.sleep(0.5)  # room for a second answer, if there were one
    assert len(telegram.to_chat(700)) == 2  # the greeting and one answer to the report
    assert "Đã ghi nhận báo cáo IV.2.a · năm 2025 của SCT (bản 1)" in answers[1].text
    async with sessions() as session:
        reports = (await session.exec(select(Report))).all()
    assert [(r.version, r.percent) for r in reports] == [(1, 40)]


async def test_field_values_no_platform_sends(webhooks, caplog):
    """A date of 10^20: Telegram's library cannot read the update (400, one line); Zalo's date is only
    informational, so the message is handled as arriving now. And a Zalo "text" that is a number."""
    running, telegram, zalo = webhooks
    base = f"http://127.0.0.1:{running.server.port}"
    update = telegram.message(31, "/trogiup")
    update["message"]["date"] = 10**20
    caplog.set_level(logging.INFO)
    assert await post(f"{base}/tg", json.dumps(update).encode(), "X-Telegram-Bot-Api-Secret-Token",
                      TELEGRAM_SECRET) == 400
    update = zalo.text("u31", "/trogiup")
    update["message"]["date"] = 10**20
    assert await post(f"{base}/zalo", json.dumps(update).encode(), "X-Bot-Api-Secret-Token", ZALO_SECRET) == 200
    assert "/start MÃ-MỜI" in (await zalo.wait_sent(1, "u31"))[0].text
    update = zalo.text("u32", "")
    update["message"]["text"] = 12345  # not text at all: read as an empty message, answered
    assert await post(f"{base}/zalo", json.dumps(update).encode(), "X-Bot-Api-Secret-Token", ZALO_SECRET) == 200
    assert "chưa đăng ký" in (await zalo.wait_sent(1, "u32"))[0].text
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == [
        "telegram webhook: body is not an update (not a Telegram update (OverflowError))"]
    assert all(r.exc_info is None for r in caplog.records)
