"""A second adversarial pass over the coordinator's tools (issue 14): each test reproduces something an attacker
or a bad day found, against a real database, and stays as the proof that it is closed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from handlers.core import HandlerConfig
from models.store.tables import Evidence, ObligationException, Report
from tests.conftest import dispatcher
from tests.handlers.conftest import VN

pytestmark = pytest.mark.faults


async def test_an_extension_past_a_year_from_today_can_still_be_revoked_by_its_period(coordinator, focal, sessions):
    # An extension to 15/12/2026, more than a year from today (as could be made before extensions were kept within
    # a year): the confirmation's own undo command, and an exemption, must still find the period.
    await coordinator.say("/giahan SCT IV.2.a 31/12/2025 chờ số liệu")
    async with sessions() as session:
        row = (await session.exec(select(ObligationException))).one()
        row.new_due = date(2026, 12, 15)
        session.add(row)
        await session.commit()
    assert "Đã hủy gia hạn báo cáo IV.2.a của Sở Công Thương" in await coordinator.say(
        "/giahan SCT IV.2.a năm 2025 hủy")
    assert "Đã miễn nộp báo cáo IV.2.a · năm 2025" in await coordinator.say(
        "/miennop SCT IV.2.a năm 2025 không còn nhiệm vụ")


async def test_an_extension_beyond_a_year_from_today_is_refused(coordinator, focal):
    # 31/12/9999, or even 15/12/2026, took the period out of status, /baocao and every list, unseen: the unit
    # could not even report it. A year from today (02/12/2026) is as far as status and the lists look.
    for day in ("31/12/9999", "15/12/2026"):
        answer = await coordinator.say(f"/giahan SCT IV.2.a {day} chờ")
        assert "quá xa" in answer and "02/12/2026" in answer and "/miennop" in answer
    assert "hạn Thứ Ba, 16/12/2025" in await focal.say("/tinhhinh")
    assert "Đã gia hạn" in await coordinator.say("/giahan SCT IV.2.a 02/12/2026 chờ số liệu cả năm")
    assert "gia hạn đến Thứ Tư, 02/12/2026" in await focal.say("/tinhhinh")
    assert "IV.2.a" in await focal.say("/baocao")


async def test_rut_takes_a_period_after_the_task_as_the_other_commands_do(focal, clock):
    await focal.say("/bc IV.2.a 60% tập huấn")
    # The task exists: the answer must not say it was not found, but read the period (or say what is wrong).
    assert "Không có bản báo cáo nào của anh/chị để rút" in await focal.say("/rut IV.2.a quý IV/2025")
    answer = await focal.say("/rut IV.2.a năm 2025 nhầm số")
    assert "Không tìm thấy nhiệm vụ" not in answer and "/rut IV.2.a năm 2025" in answer
    assert "Đã rút báo cáo IV.2.a · năm 2025 · SCT (bản 1)" in await focal.say("/rut IV.2.a năm 2025")


async def test_nhapso_reads_numbers_the_vietnamese_way_as_bc_does(coordinator, focal):
    # "1.250" is one thousand two hundred and fifty in Vietnamese (and in /bc): not 1,25.
    assert "DN_HO_TRO năm 2021 = 1.250 lượt" in await coordinator.say("/nhapso DN_HO_TRO 2021 1.250 Báo cáo 45/BC")
    assert "DN_HO_TRO năm 2022 = 1.234.567 lượt" in await coordinator.say(
        "/nhapso DN_HO_TRO 2022 1.234.567 Báo cáo 46/BC")
    assert "= 8,3" in await coordinator.say("/nhapso NSLD 2021 8,3 Báo cáo 47/BC")
    # What Python alone would read, a person does not write: refused, nothing recorded.
    for odd in ("1_000", "1e3", "1e-999", "0x10"):
        answer = await coordinator.say(f"/nhapso DN_HO_TRO 2023 {odd} Báo cáo")
        assert "không phải một con số" in answer, (odd, answer)
    assert "DN_HO_TRO 2023" not in await coordinator.say("/nhapso")


@pytest.fixture
def files_dir(tmp_path):
    return tmp_path / "files"


@pytest.fixture
async def bot(sessions, plan, clock, files_dir):
    """The dispatcher with a files folder (evidence taken), as tests/handlers/test_evidence.py builds it."""
    return await dispatcher(sessions, HandlerConfig(admins=("telegram:900",), tz=VN, files_dir=files_dir), clock)


async def test_a_revoked_focal_points_draft_files_do_not_follow_them_to_another_unit(
        coordinator, focal, invite, sessions, files_dir):
    # Sent before any report: kept as a draft for SCT's next report.
    assert "tệp nháp" in await focal.send_file("Biên bản SCT.pdf", b"%PDF-1.4 noi bo SCT")
    answer = await coordinator.say("/thuhoi Trần Thị Bình")
    assert "Đã bỏ bản báo cáo họ đang nhập dở." in answer
    # The same person, later registered for another unit, files there: SCT's file must not go onto it.
    await focal.say(f"/start {await invite('SYT')}")
    answer = await focal.say("/bc IV.2.a 50% tập huấn")
    assert "Đã ghi nhận báo cáo IV.2.a · năm 2025 của SYT" in answer and "📎" not in answer
    async with sessions() as session:
        assert (await session.exec(select(Evidence))).all() == []
    assert [p for p in files_dir.rglob("*") if p.is_file()] == []  # nobody else sent those bytes


async def test_a_reason_over_the_field_limit_is_refused_as_a_return_comment_is(coordinator, focal, sessions):
    long = "chờ số liệu " * 200  # 2,400 characters: a report's fields and a return comment stop at 2,000
    answer = await coordinator.say(f"/giahan SCT IV.2.a 31/12/2025 {long}")
    assert "Lý do dài 2399 ký tự, vượt giới hạn 2000" in answer
    assert "Lý do dài" in await coordinator.say(f"/miennop SCT IV.2.a năm 2025 {long}")
    assert "Lý do dài" in await coordinator.say(f"/miennop SCT IV.2.a từ nay {long}")
    async with sessions() as session:
        assert (await session.exec(select(ObligationException))).all() == []


async def test_huy_bo_cancels_and_is_never_taken_as_a_reason(coordinator, focal, sessions):
    # "hủy bỏ" is how Vietnamese says "cancel": taken as the reason, it granted the exemption it meant to revoke.
    assert "Không có miễn nộp nào đang có hiệu lực" in await coordinator.say("/miennop SCT IV.2.a năm 2025 hủy bỏ")
    assert "Không có miễn nộp nào đang có hiệu lực" in await coordinator.say("/miennop SCT IV.2.a từ nay hủy bỏ")
    await coordinator.say("/miennop SCT IV.2.a năm 2025 đơn vị không còn nhiệm vụ")
    assert "Đã hủy miễn nộp" in await coordinator.say("/miennop SCT IV.2.a năm 2025 Hủy bỏ")
    assert "Không có gia hạn nào đang có hiệu lực" in await coordinator.say("/giahan SCT IV.2.a hủy bỏ")
    async with sessions() as session:
        rows = (await session.exec(select(ObligationException))).all()
    assert [(r.reason, r.revoked_at is not None) for r in rows] == [("đơn vị không còn nhiệm vụ", True)]


async def test_a_stale_button_of_the_days_list_does_not_undo_a_review_made_since(coordinator, focal, sessions):
    await focal.say("/bc IV.2.a 60% tập huấn")
    async with sessions() as session:
        report = (await session.exec(select(Report))).one()
    accept = f"rw:0:{report.id}:a"  # the day's list's button (owner 0: any coordinator's to press)
    # Returned by command after the day's list went out; the list's old "Tiếp nhận" must not accept it behind
    # the focal point's back (they were told to revise).
    await coordinator.say("/tralai SCT IV.2.a Thiếu số liệu quý IV")
    answer = await coordinator.press_value(accept)
    assert "đã được trả lại" in answer and "/tiepnhan SCT IV.2.a" in answer
    await focal.say("/bc IV.2.a 70% bổ sung")
    await coordinator.say("/tiepnhan SCT IV.2.a")
    async with sessions() as session:
        latest = (await session.exec(select(Report).where(Report.is_latest))).one()
    assert "đã được tiếp nhận" in await coordinator.press_value(f"rw:0:{latest.id}:r")
    assert "Gõ ý kiến" not in coordinator.text
    async with sessions() as session:
        first, second = (await session.exec(select(Report).order_by(Report.id))).all()
    assert (first.review, second.review) == ("returned", "accepted")


async def test_a_return_comment_begun_from_the_list_does_not_return_a_report_accepted_meanwhile(
        coordinator, focal, sessions):
    await focal.say("/bc IV.2.a 60% tập huấn")
    async with sessions() as session:
        report = (await session.exec(select(Report))).one()
    assert "Gõ ý kiến" in await coordinator.press_value(f"rw:0:{report.id}:r")
    await coordinator.say("/tiepnhan SCT IV.2.a")  # changed their mind before typing the comment
    assert "đã được tiếp nhận" in await coordinator.say("Thiếu số liệu")
    async with sessions() as session:
        assert (await session.exec(select(Report.review))).one() == "accepted"


async def test_a_forged_id_past_the_database_integer_is_a_polite_no(coordinator, focal):
    # Ids are INTEGER columns (PostgreSQL int4): 2,147,483,648 and up made PostgreSQL refuse the query, and every
    # button that names a row (Telegram does not sign callback data) answered with the crash apology.
    for data in ("rw:0:2147483648:a", "thh:0:99999999999", "xc:0:99999999999", "rv:0:99999999999",
                 "go:0:99999999999", "cf:0:99999999999:yes"):
        for who in (coordinator, focal):
            answer = await who.press_value(data)
            assert "bot gặp lỗi" not in answer, (data, answer)
            assert "Lựa chọn không hợp lệ" in answer or "dành cho cán bộ điều phối" in answer, (data, answer)
    assert "Không tìm thấy người dùng “99999999999”" in await coordinator.say("/thuhoi 99999999999")
    assert "Không tìm thấy người dùng" in await coordinator.say("/thuhoi #2147483648")
