"""Reports are never taken in group chats — not by command, not by a button, not by typing into a flow —
checked through the real Telegram channel against the fake Bot API.

Telegram does not sign button data, and in a group everyone sees everyone's buttons; a client can also
press, in a group, data copied from a private chat. The dispatcher refuses both where updates enter."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.config import load_settings
from bot.root import Services, start_bot
from jobs.runner import outbox_sender
from jobs.tick import TickConfig, tick
from models.store.tables import Conversation, Report
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.dialog import Clock

pytestmark = pytest.mark.faults

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2025, 12, 9, 8, 0, tzinfo=VN)  # a reminder step of the 2025 annual reports (due 16/12/2025)
FOCAL, GROUP = 800, -100800
PRIVATE_ONLY = "chỉ dùng trong tin nhắn riêng với bot"


@pytest.fixture
async def telegram(db_url, engine, sessions, plan):
    async with FakeTelegram() as fake:
        settings = load_settings(database_url=db_url, telegram_token=fake.token, telegram_api_url=fake.base_url)
        running = await start_bot(Services(settings, engine, sessions), clock=Clock(NOW))
        try:
            yield running, fake
        finally:
            await running.stop()


async def reports(sessions) -> list[Report]:
    async with sessions() as session:
        return list((await session.exec(select(Report))).all())


async def answer(fake: FakeTelegram, chat: int, count: int) -> str:
    return (await fake.wait_sent(count, chat_id=chat))[-1].text


async def test_report_buttons_pressed_in_a_group_are_refused(telegram, sessions, invite):
    running, fake = telegram
    fake.message(FOCAL, f"/start {await invite('SCT')}")
    await fake.wait_sent(1, chat_id=FOCAL)

    # A reminder with its "Báo cáo ngay" button, sent by the outbox through the running channel.
    config = TickConfig(tz=VN, channels=frozenset({"telegram"}))
    async with sessions() as session:
        await tick(session, config, NOW)
    await outbox_sender(sessions, config, {"telegram": running.channels[0]}, clock=Clock(NOW),
                        per_chat_interval=0).run_once()
    reminder = fake.to_chat(FOCAL)[-1]
    (label, report_now), = reminder.buttons
    assert label == "📝 Báo cáo ngay" and report_now.startswith("go:")

    # Pressed by its owner, but in a group: refused, and no report flow is opened.
    fake.press(FOCAL, report_now, message_id=reminder.message_id, chat_id=GROUP, chat_type="group")
    assert PRIVATE_ONLY in await answer(fake, GROUP, 1)

    # In private, the report flow runs to its last step …
    sent = len(fake.to_chat(FOCAL))
    fake.press(FOCAL, report_now, message_id=reminder.message_id)
    step = await answer(fake, FOCAL, sent + 1)
    assert "Tình trạng thực hiện?" in step
    for typed in ("xong", "3", "bỏ qua", "không có"):
        sent = len(fake.to_chat(FOCAL))
        fake.message(FOCAL, typed)
        await answer(fake, FOCAL, sent + 1)
    confirm = fake.to_chat(FOCAL)[-1]
    assert "Gửi báo cáo này?" in confirm.text
    send = dict(confirm.buttons)["✅ Gửi báo cáo"]

    # … typing into it from the group does nothing (group chatter is not for the bot) …
    fake.message(FOCAL, "1", chat_id=GROUP, chat_type="group")
    # … and its confirm button, pressed in the group, is refused: nothing is filed.
    fake.press(FOCAL, send, message_id=confirm.message_id, chat_id=GROUP, chat_type="group")
    assert PRIVATE_ONLY in await answer(fake, GROUP, 2)
    await asyncio.sleep(0.3)
    assert len(fake.to_chat(GROUP)) == 2
    assert await reports(sessions) == []
    async with sessions() as session:  # the private flow is still waiting at its last step
        (conversation,) = (await session.exec(select(Conversation))).all()
    assert conversation.chat_id == str(FOCAL) and conversation.step == "confirm"

    # The same button in private files the report: the data pressed in the group was valid.
    sent = len(fake.to_chat(FOCAL))
    fake.press(FOCAL, send, message_id=confirm.message_id)
    assert "✅ Đã ghi nhận báo cáo IV.2.a" in await answer(fake, FOCAL, sent + 1)
    assert [(r.status, r.channel) for r in await reports(sessions)] == [("done", "telegram")]


async def test_someone_elses_button_is_refused_in_private_too(telegram, sessions, invite):
    _running, fake = telegram
    fake.message(FOCAL, f"/start {await invite('SCT')}")
    fake.message(FOCAL + 1, f"/start {await invite('SYT')}")
    await fake.wait_sent(1, chat_id=FOCAL)
    await fake.wait_sent(1, chat_id=FOCAL + 1)
    fake.message(FOCAL, "/baocao")
    question = (await fake.wait_sent(2, chat_id=FOCAL))[-1]
    done = dict(question.buttons)["3. Hoàn thành"]
    fake.press(FOCAL + 1, done, message_id=question.message_id)  # forged: another person's flow option
    assert "dành cho người khác" in await answer(fake, FOCAL + 1, 2)
    assert await reports(sessions) == []
