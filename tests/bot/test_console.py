"""The console channel: numbered options, and numbers that are answers rather than picks."""

import asyncio
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot import metrics
from bot.channels.console import ConsoleChannel
from bot.channels.numbered import choice_for, render
from bot.config import load_settings
from bot.root import ROUTERS, Services, build_dispatcher, start_bot
from handlers.core import HandlerConfig
from handlers.dispatcher import Dispatcher
from models.chat import Option, Reply
from models.store.tables import Delivery
from tests.handlers.dialog import Clock

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_numbered_rendering():
    reply = Reply("Chọn:", (Option("1. Chưa triển khai", "a"), Option("✅ Gửi", "b")))
    assert render(reply) == "Chọn:\n\n1. Chưa triển khai\n2. ✅ Gửi\nTrả lời bằng một số từ 1 đến 2."
    assert choice_for("2", reply) == "b" and choice_for(" 1. ", reply) == "a"
    assert choice_for("3", reply) is None and choice_for("hai", reply) is None
    values = Reply("Bao nhiêu?", (Option("Bỏ qua", "skip"),), numbered=False)
    assert render(values) == "Bao nhiêu?\nCó thể gõ: “Bỏ qua”" and choice_for("1", values) is None


async def test_console_guided_report_takes_numbers_as_values(sessions, plan, invite):
    handlers = Dispatcher(sessions, HandlerConfig(tz=VN), ROUTERS, Clock(datetime(2025, 12, 1, 9, tzinfo=VN)))
    console = ConsoleChannel(handlers, user_id="0912", name="Bình")
    assert "Sở Công Thương" in "\n".join(await console.say(f"/start {await invite('SCT')}"))
    await console.say("/baocao")
    await console.say("2")  # option 2: in progress
    await console.say("5")  # 5 %, not option 5
    answer = "\n".join(await console.say("1"))  # one enterprise, not "Bỏ qua"
    assert "ghi chú ngắn" in answer
    for line in ("bỏ qua", "không có"):
        answer = "\n".join(await console.say(line))
    assert "Tình trạng: Đang thực hiện — 5%" in answer and "Số lượt doanh nghiệp được hỗ trợ: 1" in answer
    assert "Đã ghi nhận" in "\n".join(await console.say("1"))


async def test_without_a_token_reminders_to_console_accounts_go_to_the_log(db_url, engine, sessions, plan, invite,
                                                                         caplog):
    """`nhacviec run` with no channel: the tick still runs, and what falls due for someone who tried the bot
    in the terminal is claimed, sent to the log (one line per message), and counted."""
    clock = Clock(datetime(2025, 12, 1, 9, tzinfo=VN))
    services = Services(load_settings(database_url=db_url), engine, sessions)
    console = ConsoleChannel(build_dispatcher(services, clock=clock), user_id="binh", name="Bình")
    await console.say(f"/start {await invite('SCT')}")
    clock.now = datetime(2025, 12, 9, 8, 0, tzinfo=VN)  # five working days before IV.2.a's 16/12 deadline
    sent = {"channel": "console", "kind": "reminder", "result": "sent"}
    before = metrics.REGISTRY.get_sample_value("nhacviec_deliveries_total", sent) or 0.0
    caplog.set_level(logging.INFO, logger="bot.channels.console")
    running = await start_bot(services, clock=clock, jobs=True)
    try:
        assert running.channels == []
        for _ in range(200):
            if any("console:binh ←" in r.getMessage() for r in caplog.records):
                break
            await asyncio.sleep(0.05)
    finally:
        await running.stop()
    (line,) = [r.getMessage() for r in caplog.records if "console:binh ←" in r.getMessage()]
    assert "IV.2.a" in line and "16/12/2025" in line and "\n" not in line
    async with sessions() as session:
        (row,) = (await session.exec(select(Delivery).where(Delivery.kind == "reminder"))).all()
    assert (row.channel, row.chat_id, row.status) == ("console", "binh", "sent")
    assert metrics.REGISTRY.get_sample_value("nhacviec_deliveries_total", sent) == before + 1


async def test_console_attaches_a_file_by_its_path_and_tep_answers_paths(sessions, plan, invite, tmp_path):
    """`/dinhkem PATH` is the terminal's attach button; /tep on the console answers where each file is kept."""
    files = tmp_path / "files"
    handlers = Dispatcher(sessions, HandlerConfig(tz=VN, files_dir=files), ROUTERS,
                          Clock(datetime(2025, 12, 1, 9, tzinfo=VN)))
    focal = ConsoleChannel(handlers, user_id="0912", name="Bình")
    await focal.say(f"/start {await invite('SCT')}")
    await focal.say("/bc IV.2.a 80%")
    document = tmp_path / "Biên bản họp.pdf"
    document.write_bytes(b"%PDF-1.4 bien ban")
    answer = "\n".join(await focal.say(f"/dinhkem {document}"))
    assert "📎 Đã đính kèm “Biên bản họp.pdf” vào báo cáo IV.2.a · năm 2025 (SCT, bản 1)." in answer
    assert "không tải được tệp" in "\n".join(await focal.say(f"/dinhkem {tmp_path / 'khong-co.pdf'}"))
    assert "Viết: /dinhkem ĐƯỜNG-DẪN-TỆP" in "\n".join(await focal.say("/dinhkem"))
    coordinator = ConsoleChannel(handlers, user_id="0913", name="Cường")
    await coordinator.say(f"/start {await invite(None, 'coordinator')}")
    (kept,) = [p for p in files.rglob("*") if p.is_file()]
    assert f"1. Biên bản họp.pdf: {kept}" in "\n".join(await coordinator.say("/tep SCT IV.2.a"))
    assert kept.read_bytes() == b"%PDF-1.4 bien ban"
