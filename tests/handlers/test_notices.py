"""/thongbao: a coordinator's notice reaches each focal point once, through the outbox."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.channels.telegram import TelegramChannel
from bot.root import ROUTERS
from handlers.core import HandlerConfig
from handlers.dispatcher import Dispatcher
from jobs.runner import outbox_sender
from jobs.tick import TickConfig
from models.store.tables import AuditLog, Claim
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import VN
from tests.handlers.dialog import Person
from tests.outbox import deliveries, text_of


@pytest.fixture
async def fake():
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def telegram(fake, sessions):
    """A sending-only Telegram channel on the fake Bot API."""
    channel = TelegramChannel(fake.token, fake.base_url, Dispatcher(sessions, HandlerConfig(tz=VN), ROUTERS))
    await channel.start(receive=False)
    yield channel
    await channel.stop()


@pytest.fixture
async def focal_points(focal, person, invite):
    """Trần Thị Bình (SCT, from the `focal` fixture), Huỳnh Văn Giang (SYT), and Đỗ Thị Hoa, focal point
    of two units (SCT and SXD)."""
    giang = person("210", "Huỳnh Văn Giang")
    await giang.say(f"/start {await invite('SYT')}")
    hoa = person("220", "Đỗ Thị Hoa")
    await hoa.say(f"/start {await invite('SCT')}")
    await hoa.say(f"/start {await invite('SXD')}")
    return focal, giang, hoa


async def test_a_notice_to_one_unit_reaches_its_focal_points(coordinator, focal_points, sessions, clock):
    bình, _giang, hoa = focal_points
    answer = await coordinator.say("/thongbao so cong thuong Đề nghị gửi báo cáo năm trước ngày 15/12.")
    assert "Đã xếp thông báo vào hàng gửi: sẽ tới 2 đầu mối của 1 đơn vị." in answer
    rows = await deliveries(sessions, "notice")
    assert sorted(r.chat_id for r in rows) == sorted([bình.chat_id, hoa.chat_id])
    assert await text_of(sessions, rows[0], clock().date()) == (
        "📢 Thông báo của Lê Văn Cường (Sở Khoa học và Công nghệ):\n\nĐề nghị gửi báo cáo năm trước ngày 15/12.")
    async with sessions() as session:
        audit = (await session.exec(select(AuditLog).where(AuditLog.action == "notice.send"))).one()
        assert audit.detail["units"] == ["SCT"] and audit.detail["messages"] == 2
        assert audit.detail["text"] == "Đề nghị gửi báo cáo năm trước ngày 15/12."


async def test_a_notice_to_all_reaches_each_focal_point_once(coordinator, focal_points, sessions, clock, fake,
                                                             telegram):
    answer = await coordinator.say("/thongbao tất cả Họp sơ kết lúc 8h00 thứ Sáu, 05/12/2025.")
    assert "sẽ tới 3 đầu mối của 3 đơn vị." in answer  # Đỗ Thị Hoa holds two units: one message
    assert "Chưa có đầu mối (" in answer and "SKHCN" in answer and "SCT," not in answer
    sender = outbox_sender(sessions, TickConfig(tz=VN, channels=frozenset({"telegram"})), {"telegram": telegram},
                           clock=clock, per_chat_interval=0.0)
    assert (await sender.run_once()).sent == 3
    assert (await sender.run_once()).outcomes == []  # a second run sends nothing again
    sent = sorted(s.chat_id for s in fake.sent)
    assert sent == ["200", "210", "220"]
    assert all("Họp sơ kết lúc 8h00" in s.text for s in fake.sent)
    keys = [c.key for c in await claims_of(sessions)]
    assert len(keys) == len(set(keys)) == 3


async def claims_of(sessions) -> list[Claim]:
    async with sessions() as session:
        return list((await session.exec(select(Claim).where(Claim.kind == "notice"))).all())


async def test_a_unit_named_loosely_is_chosen_and_the_text_kept(coordinator, person, invite, sessions):
    vũng_liêm = person("230", "Phan Văn Khánh")
    await vũng_liêm.say(f"/start {await invite('UBND-VLI')}")
    answer = await coordinator.say("/thongbao UBND Đề nghị cập nhật danh sách đầu mối.")
    assert "khớp với nhiều đơn vị" in answer and "Nội dung đã được giữ lại" in answer
    assert "sẽ tới 1 đầu mối của 1 đơn vị" in await coordinator.press("UBND-VLI")
    (row,) = await deliveries(sessions, "notice")
    assert row.chat_id == "230" and "Đề nghị cập nhật danh sách đầu mối." in row.payload["text"]
    await coordinator.say("/thongbao UBND Nhắc lại: cập nhật danh sách.")
    assert "gửi thông báo cho đơn vị nào?" in await coordinator.say("huyện nào cũng được")  # asked again
    assert "sẽ tới 1 đầu mối của 1 đơn vị" in await coordinator.say("vung liem")  # typed, as on Zalo
    assert "Nhắc lại: cập nhật danh sách." in (await deliveries(sessions, "notice"))[-1].payload["text"]


async def test_bad_notices_are_answered_and_nothing_is_sent(coordinator, focal, leader, sessions, bot, clock):
    assert "Thông báo cần người nhận và nội dung." in await coordinator.say("/thongbao")
    assert "Thông báo chưa có nội dung." in await coordinator.say("/thongbao SCT")
    assert "Thông báo chưa có nội dung." in await coordinator.say("/thongbao tất cả")
    answer = await coordinator.say("/thongbao Sởhưcấu Đề nghị báo cáo")
    assert "Không tìm thấy đơn vị “Sởhưcấu” ở đầu thông báo." in answer and "/thongbao SCT" in answer
    assert "Sở Y tế" not in answer
    nobody = await coordinator.say("/thongbao SYT Đề nghị báo cáo")
    assert "không có đầu mối nào nhận được" in nobody and "Chưa có đầu mối (1 đơn vị): SYT" in nobody
    for someone in (focal, leader):
        assert "dành cho cán bộ điều phối" in await someone.say("/thongbao SCT Thử")
    in_group = Person(bot, clock, user_id=coordinator.user_id, chat_type="group", chat_id="-100555")
    assert "chỉ dùng trong tin nhắn riêng" in await in_group.say("/thongbao SCT Thử")
    assert await deliveries(sessions, "notice") == []
