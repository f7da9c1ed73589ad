"""Progress reports: guided, one line, reply to a reminder; versions, lateness, refusals."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from bot.root import ROUTERS
from handlers.dispatcher import Dispatcher
from jobs.tick import TickConfig, tick
from models.callbacks import ReportNow
from models.store.tables import AuditLog, Delivery, Report, ReportValue
from tests.handlers.dialog import Person, verify_dialog
from tests.jobs.conftest import VN, at


async def reports(sessions) -> list[Report]:
    async with sessions() as session:
        return list((await session.exec(select(Report).order_by(Report.id))).all())


async def test_guided_report_step_by_step_with_buttons(focal, sessions):
    await verify_dialog(focal, [
        ("/baocao", ["📝 SCT · IV.2.a · hạn Thứ Ba, 16/12/2025", "Tình trạng thực hiện?"]),
        ("[Đang thực hiện]", "bao nhiêu phần trăm"),
        ("[75%]", "Số lượt doanh nghiệp được hỗ trợ (lượt) trong kỳ này?"),
        ("4", "Kết quả chính hoặc ghi chú ngắn?"),
        ("Hỗ trợ 4 doanh nghiệp áp dụng ISO 9001", "khó khăn, vướng mắc"),
        ("[Không có]", ["Tình trạng: Đang thực hiện — 75%", "Số lượt doanh nghiệp được hỗ trợ: 4",
                        "Ghi chú: Hỗ trợ 4 doanh nghiệp áp dụng ISO 9001", "Gửi báo cáo này?"]),
        ("[Gửi báo cáo]", ["✅ Đã ghi nhận báo cáo IV.2.a · năm 2025 của SCT (bản 1): Đang thực hiện 75%."]),
    ])
    (report,) = await reports(sessions)
    assert (report.status, report.percent, report.note, report.via, report.late) == (
        "in_progress", 75, "Hỗ trợ 4 doanh nghiệp áp dụng ISO 9001", "guided", False)
    assert "note: Hỗ trợ 4 doanh nghiệp áp dụng ISO 9001" in report.raw_text
    async with sessions() as session:
        (value,) = (await session.exec(select(ReportValue))).all()
        assert value.value == Decimal(4)


async def test_guided_report_typed_answers_and_wrong_answers_are_re_asked(focal, sessions):
    await verify_dialog(focal, [
        ("/baocao", "Tình trạng thực hiện?"),
        ("5", ["Chưa rõ tình trạng", "gõ 1 (chưa triển khai)", "Tình trạng thực hiện?"]),
        ("dang thuc hien", "bao nhiêu phần trăm"),
        ("hơn một nửa", ["Phần trăm là một số từ 0 đến 100, ví dụ 80", "bao nhiêu phần trăm"]),
        ("60%", "Số lượt doanh nghiệp"),
        ("năm", ["không phải một số hợp lệ", "Số lượt doanh nghiệp"]),
        ("1.200", "ghi chú ngắn"),
        ("bỏ qua", "khó khăn"),
        ("Thiếu kinh phí đối ứng", "Đề xuất, kiến nghị"),
        ("Bổ sung kinh phí năm 2026", ["Vướng mắc: Thiếu kinh phí đối ứng", "Đề xuất: Bổ sung kinh phí năm 2026",
                                       "Số lượt doanh nghiệp được hỗ trợ: 1.200"]),
        ("gửi", "Đã ghi nhận"),
    ])
    (report,) = await reports(sessions)
    assert report.obstacles == "Thiếu kinh phí đối ứng" and report.proposals == "Bổ sung kinh phí năm 2026"


async def test_blocked_status_requires_the_obstacle(focal):
    await verify_dialog(focal, [
        ("/baocao", "Tình trạng"),
        ("[Gặp vướng mắc]", "phần trăm"),
        ("30", "doanh nghiệp"),
        ("[Bỏ qua]", "ghi chú"),
        ("[Bỏ qua]", "bắt buộc khi trạng thái là Gặp vướng mắc"),
        ("bỏ qua", "vui lòng nêu ngắn gọn vướng mắc"),
        ("Chưa được giao kinh phí", "Đề xuất"),
    ])


async def test_cancel_and_stale_buttons(focal, sessions):
    await focal.say("/baocao")
    status_buttons = list(focal.last)
    await focal.press("Hoàn thành")
    focal.last = status_buttons  # press a button of a step already answered
    assert "bước đã qua" in await focal.press("Chưa triển khai")
    assert "Đã hủy" in await focal.say("/huy")
    focal.last = status_buttons
    assert "hết hiệu lực" in await focal.press("Hoàn thành")
    assert await reports(sessions) == []


async def test_half_finished_report_survives_a_restart(focal, bot, clock, sessions):
    await focal.say("/baocao")
    await focal.press("Đang thực hiện")
    # A new Handlers object on the same database: what a restarted process would build.
    restarted = Dispatcher(sessions, bot.config, ROUTERS, clock)
    again = Person(restarted, clock, user_id=focal.user_id, name=focal.name)
    await verify_dialog(again, [("50", "doanh nghiệp"), ("2", "ghi chú"), ("bỏ qua", "khó khăn"),
                                ("không có", "Gửi báo cáo này?"), ("gửi", "Đã ghi nhận")])
    (report,) = await reports(sessions)
    assert (report.status, report.percent) == ("in_progress", 50)


async def test_one_line_report(focal, sessions):
    answer = await focal.say("/bc IV.2.a 80% dn=5 Đã hỗ trợ 5 doanh nghiệp áp dụng 5S")
    assert "✅ Đã ghi nhận báo cáo IV.2.a · năm 2025 của SCT (bản 1): Đang thực hiện 80%." in answer
    (report,) = await reports(sessions)
    assert (report.percent, report.note, report.via) == (80, "Đã hỗ trợ 5 doanh nghiệp áp dụng 5S", "oneline")
    assert report.raw_text == "/bc IV.2.a 80% dn=5 Đã hỗ trợ 5 doanh nghiệp áp dụng 5S"


async def test_one_line_loose_spelling_without_command(focal, sessions):
    assert "Hoàn thành" in await focal.say("iv2a xong dn=3 Khó khăn: thiếu người")
    (report,) = await reports(sessions)
    assert (report.status, report.percent, report.obstacles) == ("done", 100, "thiếu người")


async def test_a_full_stop_after_the_status_is_not_a_note(focal, sessions):
    assert "Đang thực hiện 50%" in await focal.say("/bc IV.2.a 50% Đang triển khai.")
    assert "Hoàn thành" in await focal.say("/bc IV.2.a xong. Đã tập huấn 3 lớp.")
    first, second = await reports(sessions)
    assert (first.note, second.note) == ("", "Đã tập huấn 3 lớp.")


async def test_one_line_without_status_asks_for_it(focal, sessions):
    answer = await focal.say("/bc IV.2.a dn=2")
    assert "Tình trạng thực hiện?" in answer
    assert "Đã ghi nhận" in await focal.press("Hoàn thành")
    (report,) = await reports(sessions)
    assert report.status == "done"


async def test_one_line_errors_explain_how_to_write_it(focal, sessions):
    assert "Chưa thấy mã nhiệm vụ" in await focal.say("/bc 80% xong rồi")
    assert "từ 0 đến 100" in await focal.say("/bc IV.2.a 180%")
    answer = await focal.say("/bc IV.2.a 80% xyz=3")
    assert "không có chỉ số “xyz”" in answer and "dn (Số lượt doanh nghiệp được hỗ trợ)" in answer
    assert "không phải một số hợp lệ cho dn" in await focal.say("/bc IV.2.a 80% dn=nhiều")
    assert "ví dụ" in (await focal.say("/bc")).lower()
    assert await reports(sessions) == []


async def test_focal_cannot_report_for_another_units_task(focal, sessions):
    answer = await focal.say("/bc II.3 80% dn=5")
    assert "không thuộc đơn vị anh/chị phụ trách (Sở Công Thương)" in answer
    assert "liên hệ Sở Khoa học và Công nghệ" in answer
    answer = await focal.say("/bc Sở Y tế IV.2.a 80%")
    assert "không thuộc đơn vị anh/chị phụ trách" in answer
    assert await reports(sessions) == []
    async with sessions() as session:
        denied = (await session.exec(select(AuditLog).where(AuditLog.action == "access.denied"))).all()
        assert len(denied) == 2


async def test_leader_cannot_report(leader, sessions):
    assert "chỉ xem tình hình, không gửi báo cáo" in await leader.say("/baocao")
    assert "chỉ xem tình hình, không gửi báo cáo" in await leader.say("/bc II.3 80%")
    assert await reports(sessions) == []


async def test_coordinator_reports_for_a_unit_and_is_asked_which_unit(coordinator, sessions):
    answer = await coordinator.say("/bc IV.2.a 50%")
    assert "Báo cáo cho đơn vị nào?" in answer and len(coordinator.options) == 9
    assert "Đã ghi nhận báo cáo IV.2.a · năm 2025 của SYT" in await coordinator.press("SYT")
    assert "của SCT" in await coordinator.say("/bc Sở Công Thương IV.2.a 60%")
    assert "của SKHCN" in await coordinator.say("/bc II.3 xong dn=7")  # one lead: no question


async def test_correction_adds_a_version_and_late_reports_are_marked(focal, clock, sessions):
    await focal.say("/bc IV.2.a 50% dn=2")
    answer = await focal.say("/bc IV.2.a 70% dn=3")
    assert "(bản 2)" in answer and "Bản trước vẫn được lưu" in answer
    clock.now += timedelta(days=16)  # Wednesday 17/12/2025: the deadline (16/12) has passed
    answer = await focal.say("/bc IV.2.a 90% dn=4")
    # The 2025 report just closed and the 2026 period just opened: ask, do not guess.
    assert "IV.2.a · năm 2025" in answer and "IV.2.a · năm 2026" in answer
    answer = await focal.press("năm 2025")
    assert "(bản 3)" in answer and "nộp muộn" in answer
    versions = await reports(sessions)
    assert [(r.version, r.is_latest, r.late, r.percent) for r in versions] == [
        (1, False, False, 50), (2, False, False, 70), (3, True, True, 90)]


async def test_reply_to_a_reminder_reports_for_its_task(focal, sessions):
    async with sessions() as session:  # the reminder of 09/12, as the tick queues it and the sender marks it sent
        await tick(session, TickConfig(tz=VN), at("2025-12-09 08:00"))
        (reminder,) = (await session.exec(select(Delivery).where(Delivery.chat_id == focal.chat_id))).all()
        reminder.status, reminder.external_message_id = "sent", "4242"
        await session.commit()
    answer = await focal.say("80% dn=6 đã tập huấn 6 doanh nghiệp", reply_to="4242")
    assert "Đã ghi nhận báo cáo IV.2.a" in answer
    (report,) = await reports(sessions)
    assert (report.via, report.percent, report.note) == ("reply", 80, "đã tập huấn 6 doanh nghiệp")


async def test_report_now_under_a_reminder_listing_several_items_offers_them(person, invite, sessions, clock):
    someone = person("260", "Đầu mối hai đơn vị")
    await someone.say(f"/start {await invite('SCT')}")
    await someone.say(f"/start {await invite('SYT')}")
    async with sessions() as session:
        await tick(session, TickConfig(tz=VN), at("2025-12-09 08:00"))
        (reminder,) = (await session.exec(select(Delivery).where(Delivery.chat_id == "260"))).all()
    assert len(reminder.payload["items"]) == 2  # one message for both units' items
    await someone.press_value(ReportNow(delivery=reminder.id, owner=reminder.member_id).pack())
    assert "Báo cáo cho đơn vị nào?" in someone.text
    stranger = person("261", "Người khác")
    await stranger.say(f"/start {await invite('SXD')}")
    assert "dành cho người khác" in await stranger.press_value(
        ReportNow(delivery=reminder.id, owner=reminder.member_id).pack())


@pytest.mark.faults
async def test_reports_are_not_taken_in_groups(bot, clock, focal, sessions):
    group = Person(bot, clock, user_id=focal.user_id, chat_type="group", chat_id="-100200")
    answer = await group.say("/bc IV.2.a 80%")
    assert "chỉ dùng trong tin nhắn riêng với bot" in answer and "https://t.me/nhacviec_test_bot" in answer
    assert await reports(sessions) == []
    assert await group.say("chào cả nhà") == ""  # ordinary group chatter is not for the bot


async def test_language_switch(focal):
    assert "English" in await focal.say("/ngonngu en")
    answer = await focal.say("/bc IV.2.a 80% dn=1")
    assert "Recorded the report IV.2.a · year 2025 of SCT (version 1): In progress 80%." in answer
    assert "Tiếng Việt" in await focal.say("/language vi")


async def test_unknown_command_and_unclear_text(focal):
    assert "Không có lệnh /xyz" in await focal.say("/xyz")
    assert "chưa hiểu" in await focal.say("hôm nay trời đẹp")


async def test_simultaneous_reports_on_one_task_get_distinct_versions(bot, clock, person, invite, sessions):
    import asyncio

    people = []
    for n in range(8):
        someone = person(str(700 + n), f"Đầu mối {n}")
        await someone.say(f"/start {await invite('SCT')}")
        people.append(someone)
    answers = await asyncio.gather(*(p.say(f"/bc IV.2.a {10 * n}% dn={n}") for n, p in enumerate(people)))
    assert all("Đã ghi nhận" in a for a in answers), answers
    versions = await reports(sessions)
    assert sorted(r.version for r in versions) == list(range(1, 9))
    assert sum(r.is_latest for r in versions) == 1 and max(versions, key=lambda r: r.version).is_latest
