"""Zalo end to end: our client and channel against the fake Zalo Bot API, polling and webhook."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import func, select

from bot.channels.zalo import MAX_TEXT, ZaloClient, split_text
from bot.config import load_settings
from bot.root import Services, start_bot
from jobs.runner import outbox_sender
from jobs.tick import TickConfig, tick
from models.store.tables import ChannelAccount, InboundSeen, Report
from tests.fakes.zalo_api import FakeZalo
from tests.handlers.dialog import Clock

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2025, 12, 1, 9, 0, tzinfo=VN)


@pytest.fixture
async def fake():
    async with FakeZalo() as server:
        yield server


@pytest.fixture
async def zalo_bot(fake, db_url, engine, sessions, plan):
    running = []

    async def start(**extra: str):
        settings = load_settings(database_url=db_url, zalo_token=fake.token, zalo_api_url=fake.base_url, **extra)
        bot = await start_bot(Services(settings, engine, sessions), clock=Clock(NOW))
        running.append(bot)
        return bot
    yield start
    for bot in running:
        await bot.stop()


async def test_register_and_guided_report_with_numbered_options(fake, zalo_bot, invite, sessions):
    await zalo_bot()
    code = await invite("SCT")
    fake.text("u100", code)  # on Zalo people often send just the code
    (greeting,) = await fake.wait_sent(1, "u100")
    assert "Chào anh/chị Nguyễn Văn An!" in greeting.text and "Sở Công Thương" in greeting.text
    for answer, expected in [("/baocao", "Trả lời bằng một số từ 1 đến 4."), ("2", "Có thể gõ: “0%”"),
                             ("75", "trong kỳ này"), ("3", "ghi chú ngắn"), ("bỏ qua", "khó khăn"),
                             ("không có", "1. ✅ Gửi báo cáo"), ("1", "✅ Đã ghi nhận báo cáo IV.2.a")]:
        count = len(fake.to_chat("u100"))
        fake.text("u100", answer)
        replies = (await fake.wait_sent(count + 1, "u100"))[count:]
        if answer == "1":  # the report is filed; its last step, evidence files, follows
            replies = (await fake.wait_sent(count + 2, "u100"))[count:]
            assert "Tệp minh chứng (ảnh, PDF…) — gửi tệp hoặc Bỏ qua" in replies[-1].text
        assert expected in replies[0].text, (answer, replies[0].text)
    async with sessions() as session:
        (report,) = (await session.exec(select(Report))).all()
    assert (report.channel, report.status, report.percent) == ("zalo", "in_progress", 75)


async def test_one_line_report_and_status_query(fake, zalo_bot, invite):
    await zalo_bot()
    fake.text("u101", f"/start {await invite('SYT')}")
    await fake.wait_sent(1, "u101")
    fake.text("u101", "/bc IV.2.a 80% dn=5 Đã hỗ trợ 5 doanh nghiệp")
    assert "Đã ghi nhận báo cáo IV.2.a" in (await fake.wait_sent(2, "u101"))[-1].text
    fake.text("u101", "/tinhhinh")
    assert "🏢 Sở Y tế (SYT)" in (await fake.wait_sent(3, "u101"))[-1].text


@pytest.mark.faults
async def test_images_bots_and_redeliveries(fake, zalo_bot, invite, sessions):
    await zalo_bot()
    fake.text("u102", "", event="message.sticker.received")
    assert "chỉ nhận tin nhắn văn bản" in (await fake.wait_sent(1, "u102"))[0].text
    fake.text("u103", "xin chào", is_bot=True)  # another bot, or our own echo: dropped
    code = await invite("SCT")
    update = fake.text("u104", f"/start {code}", message_id="same-id-1")
    await fake.wait_sent(1, "u104")
    fake.updates.append(update)  # delivered again
    fake.text("u104", "/trogiup")
    await fake.wait_sent(2, "u104")
    await asyncio.sleep(0.2)
    assert len(fake.to_chat("u104")) == 2 and fake.to_chat("u103") == []
    async with sessions() as session:
        assert (await session.exec(select(func.count()).select_from(ChannelAccount))).one() == 1
        assert (await session.exec(select(func.count()).select_from(InboundSeen).where(
            InboundSeen.channel == "zalo", InboundSeen.message_id == "same-id-1"))).one() == 1


@pytest.mark.faults
async def test_webhook_mode(fake, zalo_bot, invite, sessions):
    bot = await zalo_bot(zalo_webhook_url="https://bot.example.gov.vn/zalo", zalo_webhook_secret="zalo-secret-1",
                         webhook_listen="127.0.0.1:0")
    assert fake.webhook_url == "https://bot.example.gov.vn/zalo" and fake.webhook_secret == "zalo-secret-1"
    url = f"http://127.0.0.1:{bot.server.port}/zalo"
    code = await invite("SCT")
    update = fake.text("u200", f"/start {code}")
    fake.updates.clear()
    assert await fake.push(update, url, None) == 401
    assert await fake.push(update, url, "wrong-secret") == 403
    assert await fake.push(None, url, "zalo-secret-1", raw=b"not json") == 400
    assert await fake.push(None, url, "zalo-secret-1", raw=b"{" + b" " * (2 * 1024 * 1024) + b"}") == 413
    assert await fake.push({"event_name": "message.reaction"}, url, "zalo-secret-1") == 200  # no message: ignored
    assert await fake.push({"ok": True, "result": update}, url, "zalo-secret-1") == 200  # the wrapped shape
    (greeting,) = await fake.wait_sent(1, "u200")
    assert "Sở Công Thương" in greeting.text
    assert await fake.push(update, url, "zalo-secret-1") == 200  # the flat shape, same message id: once
    second = fake.text("u200", "/tinhhinh")
    assert await fake.push(second, url, "zalo-secret-1") == 200
    await fake.wait_sent(2, "u200")
    await asyncio.sleep(0.2)
    assert len(fake.to_chat("u200")) == 2
    async with sessions() as session:
        assert (await session.exec(select(func.count()).select_from(ChannelAccount))).one() == 1


async def test_reminders_reach_zalo_members(fake, zalo_bot, invite, sessions):
    bot = await zalo_bot()
    fake.text("u300", f"/start {await invite('SCT')}")
    await fake.wait_sent(1, "u300")
    config = TickConfig(tz=VN, channels=frozenset({"zalo"}))
    async with sessions() as session:
        await tick(session, config, datetime(2025, 12, 9, 8, 0, tzinfo=VN))
    zalo = bot.channels[0]
    await outbox_sender(sessions, config, {"zalo": zalo}, clock=Clock(datetime(2025, 12, 9, 8, 0, tzinfo=VN)),
                        per_chat_interval=0).run_once()
    reminder = fake.to_chat("u300")[-1]
    assert "⏰ Đề nghị Sở Công Thương gửi báo cáo IV.2.a" in reminder.text
    assert "1. 📝 Báo cáo ngay" in reminder.text and "trả lời tin này" not in reminder.text  # no replies on Zalo
    fake.text("u300", "1")  # picks "Báo cáo ngay" from the numbered list
    assert "Tình trạng thực hiện?" in (await fake.wait_sent(3, "u300"))[-1].text


async def test_linking_telegram_and_zalo_accounts(fake, zalo_bot, invite, person, sessions):
    await zalo_bot()
    telegram = person("555", "Trần Thị Bình")
    await telegram.say(f"/start {await invite('SCT')}")
    answer = await telegram.say("/lienket")
    code = answer.split(": ", 1)[1].split("\n")[0]
    fake.text("u400", f"/lienket {code}")
    assert "Đã liên kết" in (await fake.wait_sent(1, "u400"))[0].text
    fake.text("u400", "/kenh zalo")
    assert "qua Zalo" in (await fake.wait_sent(2, "u400"))[-1].text
    async with sessions() as session:
        accounts = (await session.exec(select(ChannelAccount))).all()
    assert len({a.member_id for a in accounts}) == 1 and {a.channel for a in accounts} == {"telegram", "zalo"}
    # Reminders go once, to the chosen channel.
    config = TickConfig(tz=VN, channels=frozenset({"telegram", "zalo"}))
    async with sessions() as session:
        result = await tick(session, config, datetime(2025, 12, 9, 8, 0, tzinfo=VN))
    (reminder,) = [q for q in result.queued if q.kind == "reminder"]
    assert reminder.recipient.channel == "zalo" and reminder.recipient.chat_id == "u400"


async def test_client_splits_long_text_and_keeps_the_token_out_of_errors(fake):
    text = "\n".join(f"Dòng {i}: " + ("nội dung " * 30).strip() for i in range(40))
    chunks = split_text(text)
    assert all(len(c) <= MAX_TEXT for c in chunks) and "\n".join(chunks) == text
    assert split_text("x" * 4500) == ["x" * 2000, "x" * 2000, "x" * 500]
    client = ZaloClient(fake.token, "http://127.0.0.1:9")  # nothing listens there
    with pytest.raises(Exception) as caught:
        await client.send_message("u1", "hello")
    assert fake.token not in str(caught.value) and fake.token not in repr(caught.value)
    assert caught.value.__cause__ is None and caught.value.__context__ is not None  # not shown, not chained
    await client.close()
    good = ZaloClient(fake.token, fake.base_url)
    assert await good.get_update(hold_seconds=0) is None  # 408: nothing yet, not an error
    await good.close()


async def test_an_image_is_downloaded_from_its_link_and_attached(fake, zalo_bot, invite, db_url, tmp_path,
                                                                 monkeypatch):
    """Zalo delivers an image as a link: the bot downloads it, stores it and attaches it to the report; /tep on
    Zalo lists the names (Zalo takes no files from a bot)."""
    jpeg = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 3 + b"\xff\xd9"
    monkeypatch.chdir(tmp_path)  # with PostgreSQL the files folder is `files/` in the working directory
    await zalo_bot()
    fake.text("u106", f"/start {await invite('SCT')}")
    await fake.wait_sent(1, "u106")
    fake.text("u106", "/bc IV.2.a 80%")
    await fake.wait_sent(2, "u106")
    fake.image("u106", jpeg, caption="Ảnh hội thảo")
    assert "📎 Đã đính kèm “anh-" in (await fake.wait_sent(3, "u106"))[-1].text
    assert [c for c, _params in fake.calls if c == "download"] == ["download"]
    files = load_settings(database_url=db_url).evidence_dir()
    assert [p.read_bytes() for p in files.rglob("*") if p.is_file()] == [jpeg]
    fake.text("u306", f"/start {await invite(None, 'coordinator')}")
    await fake.wait_sent(1, "u306")
    fake.text("u306", "/tep SCT IV.2.a")
    listing = (await fake.wait_sent(2, "u306"))[-1].text
    assert "1 tệp" in listing and "1. anh-" in listing and "Zalo không nhận tệp" in listing
