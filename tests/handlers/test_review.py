"""The coordinator's review (/tiepnhan, /tralai, the day's list) and the focal point's side of it (the Revise
button, /rut): as people type it, against a real database, the outbox sending what it queued."""

from __future__ import annotations

import io
from datetime import date, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from jobs import digest, workbook
from jobs.runner import outbox_sender
from jobs.tick import TickConfig, tick
from models.chat import Reply, Sent
from models.obligations import unreported
from models.planfiles.load_plan import load_plan
from models.planfiles.plan_file import read_plan
from models.store.tables import AuditLog, Plan, Report
from plans import DEFAULT_PLAN
from tests.conftest import INSTALLED
from tests.handlers.dialog import Person
from tests.outbox import deliveries

VN = ZoneInfo("Asia/Ho_Chi_Minh")


class Inbox:
    """A chat platform that keeps what the outbox sender delivers to it."""

    channel = "telegram"

    def __init__(self) -> None:
        self.sent: list[tuple[str, Reply]] = []

    async def deliver(self, chat_id: str, reply: Reply) -> Sent:
        self.sent.append((chat_id, reply))
        return Sent(str(len(self.sent)))

    def to(self, chat_id: str) -> list[Reply]:
        return [reply for chat, reply in self.sent if chat == chat_id]


async def send_outbox(sessions, clock) -> Inbox:
    inbox = Inbox()
    sender = outbox_sender(sessions, TickConfig(tz=VN, channels=frozenset({"telegram"})), {"telegram": inbox},
                           clock=clock, per_chat_interval=0.0)
    await sender.run_once()
    return inbox


async def versions(sessions) -> list[Report]:
    async with sessions() as session:
        return list((await session.exec(select(Report).order_by(Report.id))).all())


async def test_a_coordinator_accepts_a_report(coordinator, focal, sessions):
    await focal.say("/bc IV.2.a 60% dn=3 tập huấn")
    assert "(01/12/2025, bản 1, mới)" in await coordinator.say("/tinhhinh SCT")
    assert "✅ Đã tiếp nhận báo cáo IV.2.a · năm 2025 · SCT (bản 1)." in await coordinator.say(
        "/tiepnhan SCT IV.2.a năm 2025")
    (report,) = await versions(sessions)
    assert (report.review, report.reviewed_by, report.review_comment) == ("accepted", "telegram:300", "")
    assert report.reviewer_id is not None and report.reviewed_at is not None
    assert "bản 1, đã tiếp nhận)" in await focal.say("/tinhhinh")
    assert "đã được Lê Văn Cường tiếp nhận trước đó" in await coordinator.say("/tiepnhan so cong thuong IV.2.a")
    assert "Chưa hiểu “abc”" in await coordinator.say("/tiepnhan SCT IV.2.a abc")
    assert "Chưa có báo cáo IV.2.a nào của Sở Y tế" in await coordinator.say("/tiepnhan SYT IV.2.a")
    assert "Ghi đơn vị rồi mã nhiệm vụ" in await coordinator.say("/tiepnhan SCT")


async def test_a_returned_report_is_missing_again_and_its_focal_points_get_the_comment(
        coordinator, focal, leader, sessions, clock, plan):
    await focal.say("/bc IV.2.a 60% dn=3 tập huấn Kaizen")
    assert "SCT: IV.2.a" not in await coordinator.say("/chuabaocao")
    assert "Ghi ý kiến trả lại" in await coordinator.say("/tralai SCT IV.2.a năm 2025")
    answer = await coordinator.say("/tralai SCT IV.2.a năm 2025 Bổ sung số doanh nghiệp được hỗ trợ")
    assert "↩️ Đã trả lại báo cáo IV.2.a · năm 2025 · SCT (bản 1)" in answer
    assert "Đã báo ý kiến cho 1 đầu mối của đơn vị." in answer
    # Not reported any more: the missing list, reminders (what the tick chases), status, for everyone who reads it.
    assert "SCT: IV.2.a" in await coordinator.say("/chuabaocao")
    async with sessions() as session:
        chased = await unreported(session, [plan.id], due_from=date(2025, 12, 1), due_to=date(2025, 12, 31))
    assert any(o.unit_code == "SCT" and o.task_code == "IV.2.a" for o in chased)
    for reader in (coordinator, leader, focal):
        assert "↩️ trả lại: Bổ sung số doanh nghiệp được hỗ trợ" in await reader.say("/tinhhinh SCT")
    # The comment reaches the focal point through the outbox, with a button to revise.
    (row,) = await deliveries(sessions, "returned")
    assert row.chat_id == focal.chat_id
    inbox = await send_outbox(sessions, clock)
    (message,) = inbox.to(focal.chat_id)
    assert "Lê Văn Cường trả lại báo cáo IV.2.a · năm 2025 của Sở Công Thương (bản 1)" in message.text
    assert "Ý kiến: Bổ sung số doanh nghiệp được hỗ trợ" in message.text
    assert "được tính là chưa báo cáo" in message.text
    assert [o.label for o in message.options] == ["✏️ Sửa báo cáo"]
    assert not (await send_outbox(sessions, clock)).sent  # sent once


async def test_the_revise_button_starts_from_the_returned_version(coordinator, focal, sessions, clock):
    await focal.say("/bc IV.2.a 60% dn=3 tập huấn Kaizen")
    await coordinator.say("/tralai SCT IV.2.a Bổ sung số liệu quý IV")
    (message,) = (await send_outbox(sessions, clock)).to(focal.chat_id)
    answer = await focal.press_value(message.options[0].value)
    assert "Sửa báo cáo IV.2.a · năm 2025 từ bản 1 bị trả lại (ý kiến: Bổ sung số liệu quý IV)" in answer
    assert "Tình trạng: Đang thực hiện — 60%" in answer and ": 3" in answer and "Ghi chú: tập huấn Kaizen" in answer
    assert "✅ Đã ghi nhận báo cáo IV.2.a · năm 2025 của SCT (bản 2)" in await focal.press("Gửi báo cáo")
    first, second = await versions(sessions)
    assert (first.review, first.is_latest) == ("returned", False)
    assert (second.review, second.percent, second.note, second.is_latest) == ("new", 60, "tập huấn Kaizen", True)
    assert "SCT: IV.2.a" not in await coordinator.say("/chuabaocao")
    assert "không còn ở trạng thái trả lại" in await focal.press_value(message.options[0].value)


async def test_nobody_reviews_a_report_they_filed(coordinator, sessions):
    assert "Đã ghi nhận" in await coordinator.say("/bc SCT IV.2.a 50% báo cáo thay")
    assert "không tiếp nhận hay trả lại được báo cáo do chính mình gửi" in await coordinator.say(
        "/tiepnhan SCT IV.2.a")
    assert "chính mình gửi" in await coordinator.say("/tralai SCT IV.2.a thiếu số liệu")
    (report,) = await versions(sessions)
    assert report.review == "new"
    async with sessions() as session:
        assert (await session.exec(select(AuditLog).where(AuditLog.action == "access.denied",
                                                          AuditLog.entity == "report"))).all()


@pytest.fixture
def without_review(tmp_path) -> Path:
    """The shipped plan file with `review: false` in its header."""
    text = Path(DEFAULT_PLAN).read_text(encoding="utf-8").replace("plan:\n", "plan:\n  review: false\n", 1)
    (tmp_path / "plan.yaml").write_text(text, encoding="utf-8")
    return tmp_path / "plan.yaml"


async def test_a_plan_without_review_accepts_reports_on_arrival(sessions, plan, person, invite, without_review):
    async with sessions() as session:
        await load_plan(session, read_plan(without_review), actor="test", today=INSTALLED)
        assert (await session.get(Plan, plan.id)).review is False
    focal = person("200", "Trần Thị Bình")
    await focal.say(f"/start {await invite('SCT')}")
    coordinator = person("300", "Lê Văn Cường")
    await coordinator.say(f"/start {await invite(None, 'coordinator')}")
    await focal.say("/bc IV.2.a 60%")
    (report,) = await versions(sessions)
    assert report.review == "accepted" and report.reviewed_at is not None
    assert "không dùng bước tiếp nhận" in await coordinator.say("/tiepnhan SCT IV.2.a")


async def test_the_days_list_of_new_reports_has_accept_and_return_buttons(coordinator, focal, person, invite,
                                                                          sessions, clock):
    syt = person("201", "Võ Văn Yên")
    await syt.say(f"/start {await invite('SYT')}")
    await focal.say("/bc IV.2.a 60% tập huấn")
    await syt.say("/bc IV.2.a xong")
    await coordinator.say("/bc SXD IV.2.a 10%")  # the coordinator's own: not offered to them
    config = TickConfig(tz=VN, channels=frozenset({"telegram"}), review_list_time=time(16, 30))
    clock.now = clock.now.replace(hour=16, minute=29)
    async with sessions() as session:
        await tick(session, config, clock.now)
    assert not await deliveries(sessions, "review_list")  # not before its time
    clock.now = clock.now.replace(hour=16, minute=31)
    async with sessions() as session:
        await tick(session, config, clock.now)
        await tick(session, TickConfig(tz=VN, channels=frozenset({"telegram"})), clock.now + timedelta(minutes=1))
    assert len(await deliveries(sessions, "review_list")) == 1  # once a day
    sent = (await send_outbox(sessions, clock)).to(coordinator.chat_id)
    (message,) = [r for r in sent if "mới chờ tiếp nhận:" in r.text]  # (the weekly digest may come too)
    assert "📥 2 báo cáo mới chờ tiếp nhận:" in message.text
    assert "1. SCT · IV.2.a · năm 2025 (bản 1): 🔵 Đang thực hiện 60% “tập huấn” — Trần Thị Bình" in message.text
    assert "SXD" not in message.text
    assert [o.label for o in message.options] == ["✅ Tiếp nhận #1", "↩️ Trả lại #1", "✅ Tiếp nhận #2",
                                                  "↩️ Trả lại #2"]
    coordinator.last = [message]
    assert "✅ Đã tiếp nhận báo cáo IV.2.a · năm 2025 · SCT (bản 1)." in await coordinator.press("Tiếp nhận #1")
    coordinator.last = [message]
    assert "Gõ ý kiến" in await coordinator.press("Trả lại #2")
    assert "↩️ Đã trả lại báo cáo IV.2.a · năm 2025 · SYT (bản 1)" in await coordinator.say("Ghi rõ số cơ sở áp dụng")
    sct, syt_report, _own = await versions(sessions)
    assert (sct.review, syt_report.review, syt_report.review_comment) == ("accepted", "returned",
                                                                          "Ghi rõ số cơ sở áp dụng")
    assert (await deliveries(sessions, "returned"))[0].chat_id == syt.chat_id
    # The list is off by default.
    clock.now += timedelta(days=1)
    async with sessions() as session:
        await tick(session, TickConfig(tz=VN, channels=frozenset({"telegram"})), clock.now)
    assert len(await deliveries(sessions, "review_list")) == 1


async def test_a_withdrawn_report_puts_the_period_back_in_the_missing_list(coordinator, focal, sessions):
    await focal.say("/bc IV.2.a 60% tập huấn")
    assert "SCT: IV.2.a" not in await coordinator.say("/chuabaocao")
    answer = await focal.say("/rut IV.2.a")
    assert "Đã rút báo cáo IV.2.a · năm 2025 · SCT (bản 1)" in answer and "vẫn được lưu trong lịch sử" in answer
    assert "SCT: IV.2.a" in await coordinator.say("/chuabaocao")
    assert "↩️ đã rút" in await focal.say("/tinhhinh")
    (report,) = await versions(sessions)
    assert report.withdrawn_at is not None and report.is_latest  # kept, marked
    assert "Không có bản báo cáo nào của anh/chị để rút" in await focal.say("/rut")
    assert "đã được đơn vị rút" in await coordinator.say("/tiepnhan SCT IV.2.a")
    assert "Không tìm thấy nhiệm vụ “XYZ”" in await focal.say("/rut XYZ")


async def test_a_report_cannot_be_withdrawn_after_7_days(focal, clock, sessions):
    await focal.say("/bc IV.2.a 60% tập huấn")
    clock.now += timedelta(days=8)
    assert "đã quá 7 ngày nên không rút được nữa" in await focal.say("/rut")
    (report,) = await versions(sessions)
    assert report.withdrawn_at is None


async def test_only_coordinators_review_leaders_see_the_state_nothing_in_groups(
        bot, clock, coordinator, focal, leader):
    await focal.say("/bc IV.2.a 60% tập huấn")
    assert "dành cho cán bộ điều phối" in await focal.say("/tiepnhan SCT IV.2.a")
    assert "dành cho cán bộ điều phối" in await leader.say("/tralai SCT IV.2.a sai")
    assert "bản 1, mới)" in await leader.say("/tinhhinh SCT")
    group = Person(bot, clock, user_id=coordinator.user_id, chat_type="group", chat_id="-100777")
    assert "chỉ dùng trong tin nhắn riêng" in await group.say("/tiepnhan SCT IV.2.a")
    await coordinator.say("/tralai SCT IV.2.a Thiếu số liệu")
    assert "📥 Chờ tiếp nhận: 0 báo cáo · trả lại: 1" in await leader.say("/tinhhinh")
    assert "trả lại: Thiếu số liệu" in await group.say("/tinhhinh SCT")  # viewing works in a group


async def test_the_digest_and_its_workbook_show_the_review_state(coordinator, focal, person, invite, sessions, clock,
                                                                 plan):
    syt = person("201", "Võ Văn Yên")
    await syt.say(f"/start {await invite('SYT')}")
    await focal.say("/bc IV.2.a 60% tập huấn")
    await syt.say("/bc IV.2.a xong")
    await coordinator.say("/tralai SCT IV.2.a Thiếu số liệu")
    async with sessions() as session:
        data = await digest.build(session, await session.get(Plan, plan.id), clock.now, VN)
    text = digest.text(data)
    assert "📥 Tiếp nhận: 1 báo cáo chờ tiếp nhận · 1 báo cáo bị trả lại, chờ bản mới." in text
    (line,) = [r for r in data.rounds if r.due == date(2025, 12, 16)]
    assert line.reported == 1  # of SCT and SYT, only SYT's counts as reported
    sheet = load_workbook(io.BytesIO(workbook.render(data)))["Tình hình"]
    rows = list(sheet.iter_rows(values_only=True))
    head = next(r for r in rows if r and r[0] == "Mã đơn vị")
    column = head.index("Tiếp nhận")
    by_unit = {r[0]: r for r in rows if r and r[2] == "IV.2.a"}
    assert by_unit["SCT"][column] == "trả lại: Thiếu số liệu" and by_unit["SYT"][column] == "mới"
    assert by_unit["SCT"][head.index("Quá hạn")] == "chưa đến hạn"  # not counted as received
