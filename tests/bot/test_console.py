"""The console channel: numbered options, and numbers that are answers rather than picks."""

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.channels.console import ConsoleChannel
from bot.channels.numbered import choice_for, render
from bot.root import ROUTERS
from handlers.core import HandlerConfig
from handlers.dispatcher import Dispatcher
from models.chat import Option, Reply
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
