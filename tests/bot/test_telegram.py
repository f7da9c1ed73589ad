"""The real python-telegram-bot Application against the fake Bot API, over loopback HTTP."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from sqlmodel import select

from bot.channels.telegram import MAX_TEXT, TelegramChannel, split_text
from bot.config import load_settings
from bot.root import Services, start_bot
from models.chat import Option, Reply
from models.people import create_invite
from models.store.tables import Report, Unit
from tests.fakes.telegram_api import FakeTelegram, Fault
from tests.handlers.dialog import Clock

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2025, 12, 1, 9, 0, tzinfo=VN)


@pytest.fixture
async def fake():
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
def make_services(db_url, engine, sessions):
    def make(fake: FakeTelegram, **extra: str) -> Services:
        settings = load_settings(database_url=db_url, telegram_token=fake.token,
                                 telegram_api_url=fake.base_url, **extra)
        return Services(settings, engine, sessions)
    return make


async def invite_code(sessions, unit_code: str | None, role: str = "focal") -> str:
    async with sessions() as session:
        unit_id = (await session.exec(select(Unit.id).where(Unit.code == unit_code))).one() if unit_code else None
        _invite, code = await create_invite(session, role=role, unit_id=unit_id, created_by="test", now=NOW, days=14)
        await session.commit()
    return code


@pytest.fixture
async def polling_bot(fake, make_services, plan):
    running = await start_bot(make_services(fake), clock=Clock(NOW))
    yield running
    await running.stop()


async def test_register_and_report_by_buttons_in_polling_mode(fake, polling_bot, sessions):
    code = await invite_code(sessions, "SCT")
    fake.message(200, f"/start {code}", name="Trần Thị Bình")
    (greeting,) = await fake.wait_sent(1, chat_id=200)
    assert "Chào anh/chị Trần Thị Bình!" in greeting.text and "Sở Công Thương" in greeting.text
    # The person's own command menu, in Vietnamese, for their chat only (set right after the greeting).
    for _ in range(50):
        if "chat:200" in fake.commands:
            break
        await asyncio.sleep(0.05)
    menu = fake.commands["chat:200"]
    assert [c["command"] for c in menu][:3] == ["start", "baocao", "bc"]
    assert fake.commands["all_private_chats"][0]["command"] == "start"

    fake.message(200, "/baocao")
    status = (await fake.wait_sent(2, chat_id=200))[-1]
    assert "Tình trạng thực hiện?" in status.text
    labels = dict(status.buttons)
    assert list(labels)[:2] == ["1. Chưa triển khai", "2. Đang thực hiện"]
    assert all(len(data.encode()) <= 64 for data in labels.values())
    fake.press(200, labels["3. Hoàn thành"], message_id=status.message_id)
    indicator = (await fake.wait_sent(3, chat_id=200))[-1]
    assert "Số lượt doanh nghiệp" in indicator.text
    assert (next(m for m, _ in fake.calls if m == "editMessageReplyMarkup"),) == ("editMessageReplyMarkup", )
    for answer in ("3", "bỏ qua", "không có"):
        count = len(fake.to_chat(200))
        fake.message(200, answer)
        await fake.wait_sent(count + 1, chat_id=200)
    confirm = fake.to_chat(200)[-1]
    assert "Gửi báo cáo này?" in confirm.text
    fake.press(200, dict(confirm.buttons)["✅ Gửi báo cáo"], message_id=confirm.message_id)
    count = len(fake.to_chat(200))
    done, evidence = (await fake.wait_sent(count + 2, chat_id=200))[count:]
    assert "✅ Đã ghi nhận báo cáo IV.2.a · năm 2025 của SCT (bản 1): Hoàn thành." in done.text
    assert "Tệp minh chứng" in evidence.text and [label for label, _data in evidence.buttons] == ["Bỏ qua"]
    async with sessions() as session:
        (report,) = (await session.exec(select(Report))).all()
        assert (report.status, report.channel, report.via) == ("done", "telegram", "guided")


async def test_one_line_report_and_non_text_messages(fake, polling_bot, sessions):
    fake.message(201, f"/start {await invite_code(sessions, 'SYT')}")
    await fake.wait_sent(1, chat_id=201)
    fake.message(201, "/bc IV.2.a 80% dn=5 Đã hỗ trợ 5 doanh nghiệp áp dụng 5S")
    reply = (await fake.wait_sent(2, chat_id=201))[-1]
    assert "Đã ghi nhận báo cáo IV.2.a · năm 2025 của SYT (bản 1): Đang thực hiện 80%." in reply.text
    fake.photo(202)  # from someone not registered: a photo is evidence, and only focal points send evidence
    reply = (await fake.wait_sent(1, chat_id=202))[-1]
    assert "chưa đăng ký" in reply.text


async def test_rate_limits_and_server_errors_are_survived(fake, polling_bot, sessions):
    fake.faults += [Fault("sendMessage", "429", count=1, retry_after=1), Fault("sendMessage", "502", count=1),
                    Fault("setMyCommands", "500", count=5)]
    fake.message(202, f"/start {await invite_code(sessions, 'SXD')}")
    (greeting,) = await fake.wait_sent(1, chat_id=202, within=15)
    assert "Sở Xây dựng" in greeting.text
    assert fake.status_counts[429] == 1 and fake.status_counts[502] == 1
    fake.message(202, "/trogiup")  # the bot is still up after the menu failed
    assert "/baocao" in (await fake.wait_sent(2, chat_id=202))[-1].text
    assert fake.status_counts[500] >= 1 and "chat:202" not in fake.commands


async def test_long_replies_are_split_at_4096(fake, make_services, plan):
    running = await start_bot(make_services(fake), clock=Clock(NOW))
    try:
        channel: TelegramChannel = running.channels[0]
        text = "\n".join(f"Dòng {i}: " + ("nội dung báo cáo " * 12).strip() for i in range(120))
        await channel.send("300", Reply(text, (Option("OK", "c:1:1:ok"),)))
        sent = fake.to_chat(300)
        assert len(sent) == (len(text) // MAX_TEXT) + 1 and all(len(s.text) <= MAX_TEXT for s in sent)
        assert "\n".join(s.text for s in sent) == text
        assert sent[-1].buttons == [("OK", "c:1:1:ok")] and all(not s.buttons for s in sent[:-1])
    finally:
        await running.stop()


def test_split_text_prefers_line_breaks():
    assert split_text("a" * 10, 4096) == ["a" * 10]
    chunks = split_text(("x" * 50 + "\n") * 200, 1000)
    assert all(len(c) <= 1000 for c in chunks) and all(c.endswith("x") for c in chunks)


@pytest.mark.faults
async def test_webhook_mode_checks_the_secret(fake, make_services, plan, sessions):
    services = make_services(fake, telegram_webhook_url="https://bot.example.gov.vn/tg-hook",
                             telegram_webhook_secret="s3cret-value", webhook_listen="127.0.0.1:0")
    running = await start_bot(services, clock=Clock(NOW))
    try:
        assert fake.webhook_url == "https://bot.example.gov.vn/tg-hook" and fake.webhook_secret == "s3cret-value"
        url = f"http://127.0.0.1:{running.server.port}/tg-hook"
        code = await invite_code(sessions, "SCT")
        update = fake.message(210, f"/start {code}")
        fake.updates.clear()  # in webhook mode nothing is polled: the update is pushed
        assert await fake.push_to_webhook(update, url, "wrong") == 403
        assert await fake.push_to_webhook(update, url, None) == 403
        await asyncio.sleep(0.3)
        assert fake.to_chat(210) == []  # rejected requests were not processed
        async with aiohttp.ClientSession() as client:
            response = await client.post(url, data=b"not json",
                                         headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-value"})
            assert response.status == 400
            response = await client.post(url, data=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                                         headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-value"})
            assert response.status == 413
        assert await fake.push_to_webhook(update, url, "s3cret-value") == 200
        (greeting,) = await fake.wait_sent(1, chat_id=210)
        assert "Sở Công Thương" in greeting.text
    finally:
        await running.stop()


async def test_sign_in_links_go_out_without_a_link_preview(fake, polling_bot, sessions):
    fake.message(220, f"/start {await invite_code(sessions, None, 'coordinator')}")
    (greeting,) = await fake.wait_sent(1, chat_id=220)
    assert "link_preview_options" not in greeting.params  # other messages keep the platform's default
    fake.message(220, "/web")
    link = (await fake.wait_sent(2, chat_id=220))[-1]
    assert "http://127.0.0.1:8080/web/login/" in link.text
    assert link.params["link_preview_options"] == {"is_disabled": True}


@pytest.fixture
async def bot_in_tmp(fake, make_services, plan, tmp_path, monkeypatch):
    """A polling bot working in a temporary directory (with PostgreSQL, the files folder is `files/` there)."""
    monkeypatch.chdir(tmp_path)
    running = await start_bot(make_services(fake), clock=Clock(NOW))
    yield running
    await running.stop()


async def test_documents_and_photos_are_evidence_and_tep_sends_them_back(fake, bot_in_tmp, sessions, db_url):
    """Over real HTTP: a document and a photo go through getFile and the download route and onto the report;
    one over 20 MB is refused from the size in the message (never fetched); /tep sends the files as documents."""
    pdf = b"%PDF-1.7\n" + bytes(range(256)) * 4 + b"%%EOF"
    jpeg = b"\xff\xd8\xff\xe0" + bytes(range(256)) + b"\xff\xd9"
    fake.message(203, f"/start {await invite_code(sessions, 'SCT')}")
    await fake.wait_sent(1, chat_id=203)
    fake.message(203, "/bc IV.2.a 80%")
    await fake.wait_sent(2, chat_id=203)
    fake.document(203, pdf, file_name="Biên bản.pdf", mime_type="application/pdf")
    assert "📎 Đã đính kèm “Biên bản.pdf” vào báo cáo IV.2.a" in (await fake.wait_sent(3, chat_id=203))[-1].text
    fake.document(203, b"%PDF", file_name="to.pdf", mime_type="application/pdf", size=21 * 1024 * 1024)
    assert "vượt giới hạn 20 MB" in (await fake.wait_sent(4, chat_id=203))[-1].text
    fake.document(203, b"\x89PNG\r\n\x1a\n" + bytes(range(256)), file_name="so-do.png", mime_type="image/png")
    assert "📎 Đã đính kèm “so-do.png”" in (await fake.wait_sent(5, chat_id=203))[-1].text
    fake.photo(203, jpeg, width=1600, height=1200)
    assert "📎 Đã đính kèm “anh-" in (await fake.wait_sent(6, chat_id=203))[-1].text
    assert [m for m, _ in fake.calls if m in ("getFile", "download")] == ["getFile", "download"] * 3
    files = load_settings(database_url=db_url).evidence_dir()
    assert len([p for p in files.rglob("*") if p.is_file()]) == 3

    fake.message(303, f"/start {await invite_code(sessions, None, 'coordinator')}")
    await fake.wait_sent(1, chat_id=303)
    fake.message(303, "/tep SCT IV.2.a")
    sent = await fake.wait_sent(5, chat_id=303)
    assert "📎 Tệp minh chứng của báo cáo IV.2.a · năm 2025 (SCT, bản 1): 3 tệp." in sent[1].text
    assert [s.method for s in sent[2:]] == ["sendDocument"] * 3  # a picture too: sent as a file, not recompressed
    documents = [s.params["document"] for s in sent[2:]]
    assert (documents[0]["filename"], documents[0]["content"]) == ("Biên bản.pdf", pdf)
    assert documents[1]["filename"] == "so-do.png"
    assert documents[2]["content"] == jpeg and documents[2]["filename"].startswith("anh-")


async def test_a_command_written_as_a_files_caption_is_not_thrown_away(fake, bot_in_tmp, sessions):
    """Telegram users type the message as the file's caption: "/bc IV.2.a 80%" with the minutes attached is a
    report, filed before the file, which then goes onto it (it was dropped, the file put on the older version)."""
    fake.message(203, f"/start {await invite_code(sessions, 'SCT')}")
    await fake.wait_sent(1, chat_id=203)
    fake.message(203, "/bc IV.2.a 50%")
    await fake.wait_sent(2, chat_id=203)
    fake.document(203, b"%PDF-1.7\n%%EOF", file_name="Biên bản.pdf", mime_type="application/pdf",
                  caption="/bc IV.2.a 80% đã tổ chức tập huấn")
    sent = await fake.wait_sent(4, chat_id=203)
    assert "Đã ghi nhận báo cáo IV.2.a · năm 2025 của SCT (bản 2): Đang thực hiện 80%" in sent[2].text
    assert "📎 Đã đính kèm “Biên bản.pdf” vào báo cáo IV.2.a · năm 2025 (SCT, bản 2)" in sent[3].text
    fake.photo(203, caption="Ảnh hội thảo")  # a caption that is no command describes the file: not answered
    assert "📎 Đã đính kèm" in (await fake.wait_sent(5, chat_id=203))[-1].text
