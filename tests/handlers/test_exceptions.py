"""A coordinator extends a deadline (/giahan) or exempts a unit from a report (/miennop): every view and the
reminders count from the new deadline, an exempted period is owed by nobody, each is audited and revocable."""

import io
import re
from datetime import datetime

from openpyxl import load_workbook
from sqlmodel import select

from jobs import digest, workbook
from jobs.chart import unit_shares
from jobs.preview import preview
from jobs.tick import TickConfig, due_now
from models.store.tables import AuditLog, ClaimStatus, ObligationException, Report
from tests.handlers.conftest import VN
from tests.handlers.dialog import Person
from tests.sheets import cells


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=VN)


async def sct_items(sessions, moment: str):
    """What a tick would send about SCT's IV.2.a at `moment` (not the older steps it would skip): (step, due)."""
    async with sessions() as session:
        due = await due_now(session, TickConfig(tz=VN, channels=frozenset({"telegram"})), at(moment))
    return sorted({(a.item.step, a.item.due.isoformat()) for a in due.actions
                   if a.item and a.item.unit == "SCT" and a.item.task == "IV.2.a" and a.status == ClaimStatus.claimed})


def fewer(before: str, after: str) -> bool:
    """The overdue list's count went down by one ("Quá hạn chưa báo cáo: 38 báo cáo …")."""
    def count(text: str) -> int:
        return int(re.search(r"Quá hạn chưa báo cáo: (\d+)", text)[1])
    return count(after) == count(before) - 1


async def audit(sessions, action: str) -> list[AuditLog]:
    async with sessions() as session:
        return list((await session.exec(select(AuditLog).where(AuditLog.action == action))).all())


async def test_an_extension_moves_the_reminders_the_late_flag_and_shows_in_status(
        coordinator, focal, leader, sessions, clock):
    # Without an extension, on 17/12/2025 SCT's 2025 report (due 16/12) is overdue: step +1.
    assert await sct_items(sessions, "2025-12-17 08:00") == [(1, "2025-12-16")]
    answer = await coordinator.say("/giahan Sở Công Thương IV.2.a 31/12/2025 chờ số liệu quý IV")
    assert "Đã gia hạn báo cáo IV.2.a · năm 2025 của Sở Công Thương đến 31/12/2025 (hạn gốc 16/12/2025)" in answer
    assert "Lý do: chờ số liệu quý IV" in answer and "/giahan SCT IV.2.a năm 2025 hủy" in answer
    # Reminders count from the new deadline: on 17/12 nothing is overdue, the steps before 31/12 come.
    assert await sct_items(sessions, "2025-12-17 08:00") == []
    assert await sct_items(sessions, "2025-12-24 08:00") == [(-5, "2025-12-31")]
    async with sessions() as session:
        planned = await preview(session, TickConfig(tz=VN, channels=frozenset({"telegram"})), at("2025-12-24 08:00"))
    (message,) = [m for m in planned.messages if m.recipient == focal.name]
    assert "Hạn: Thứ Tư, 31/12/2025" in message.text and "(đã gia hạn, hạn gốc 16/12/2025)" in message.text
    # Status, for the unit and for a leader, says so with the reason.
    assert "gia hạn đến Thứ Tư, 31/12/2025" in await focal.say("/tinhhinh")
    assert "hạn gốc 16/12/2025: chờ số liệu quý IV" in await leader.say("/tinhhinh SCT")
    # A report on 29/12 is on time for the extended deadline.
    clock.now = at("2025-12-29 09:00")
    await focal.say("/bc IV.2.a xong")
    async with sessions() as session:
        (report,) = (await session.exec(select(Report))).all()
    assert report.late is False
    (row,) = await audit(sessions, "deadline.extend")
    assert row.entity_id == "SCT:IV.2.a:2025" and row.detail["new_due"] == "2025-12-31"
    assert row.detail["reason"] == "chờ số liệu quý IV" and row.member_id is not None


async def test_revoking_an_extension_restores_the_deadline(coordinator, focal, sessions):
    await coordinator.say("/giahan SCT IV.2.a năm 2025 31/12/2025 chờ số liệu")
    assert await sct_items(sessions, "2025-12-17 08:00") == []
    assert "Đã hủy gia hạn báo cáo IV.2.a của Sở Công Thương" in await coordinator.say("/giahan SCT IV.2.a hủy")
    assert await sct_items(sessions, "2025-12-17 08:00") == [(1, "2025-12-16")]
    assert "hạn Thứ Ba, 16/12/2025" in await focal.say("/tinhhinh")
    (revoked,) = await audit(sessions, "deadline.extend.revoke")
    assert revoked.entity_id == "SCT:IV.2.a:2025" and revoked.detail["reason"] == "chờ số liệu"
    async with sessions() as session:
        (row,) = (await session.exec(select(ObligationException))).all()
    assert row.revoked_at is not None  # kept, marked revoked
    assert "Không có gia hạn nào đang có hiệu lực" in await coordinator.say("/giahan SCT IV.2.a hủy")


async def test_a_second_extension_replaces_the_first(coordinator, focal, sessions):
    await coordinator.say("/giahan SCT IV.2.a 24/12/2025 lần một")
    await coordinator.say("/giahan SCT IV.2.a 2025 31/12/2025 lần hai")
    assert await sct_items(sessions, "2025-12-26 08:00") == [(-5, "2025-12-31")]
    async with sessions() as session:
        rows = (await session.exec(select(ObligationException).order_by(ObligationException.id))).all()
    assert [r.revoked_at is None for r in rows] == [False, True]


async def test_an_exempted_period_leaves_the_overdue_list_and_shows_why(coordinator, focal, leader, sessions, clock):
    clock.now = at("2025-12-18 09:00")
    overdue = await leader.say("/quahan")
    assert "IV.2.a · năm 2025" in await leader.say("/tinhhinh SCT")
    answer = await coordinator.say("/miennop SCT IV.2.a năm 2025 đơn vị không còn nhiệm vụ này")
    assert "Đã miễn nộp báo cáo IV.2.a · năm 2025 cho Sở Công Thương" in answer
    assert "/miennop SCT IV.2.a năm 2025 hủy" in answer
    assert fewer(overdue, await leader.say("/quahan"))
    status = await leader.say("/tinhhinh SCT")
    assert "Không còn phải nộp:" in status and "IV.2.a · năm 2025 — đơn vị không còn nhiệm vụ này" in status
    assert "Quá hạn chưa báo cáo" not in status
    assert await sct_items(sessions, "2025-12-19 08:00") == []  # no reminders, no escalations
    (row,) = await audit(sessions, "exemption.grant")
    assert row.entity_id == "SCT:IV.2.a:2025" and row.detail == {"reason": "đơn vị không còn nhiệm vụ này"}
    # Revoked: overdue again.
    assert "Đã hủy miễn nộp" in await coordinator.say("/miennop SCT IV.2.a năm 2025 hủy")
    assert await leader.say("/quahan") == overdue
    assert len(await audit(sessions, "exemption.grant.revoke")) == 1


async def test_an_exemption_from_now_on_stops_future_periods(coordinator, focal, leader, sessions):
    assert "SCT: " in await leader.say("/chuabaocao") or "SCT" in await leader.say("/chuabaocao")
    answer = await coordinator.say("/miennop SCT IV.2.a từ nay không còn phụ trách")
    assert "Từ nay (01/12/2025) Sở Công Thương không phải nộp báo cáo IV.2.a" in answer
    missing = await leader.say("/chuabaocao")
    assert "SCT" not in missing
    assert "⚪ miễn nộp: không còn phụ trách" in await focal.say("/tinhhinh")
    # Next year's period too: no reminder in December 2026.
    assert await sct_items(sessions, "2025-12-09 08:00") == []
    assert await sct_items(sessions, "2026-12-09 08:00") == []
    assert "Đã hủy miễn nộp" in await coordinator.say("/miennop SCT IV.2.a từ nay hủy")
    assert await sct_items(sessions, "2026-12-09 08:00") == [(-5, "2026-12-16")]
    assert "SCT" in await leader.say("/chuabaocao")


async def test_only_coordinators_extend_and_exempt_and_never_in_a_group(
        bot, clock, coordinator, focal, leader, sessions):
    for who in (focal, leader):
        assert "cán bộ điều phối" in await who.say("/giahan SCT IV.2.a 31/12/2025 xin thêm thời gian")
        assert "cán bộ điều phối" in await who.say("/miennop SCT IV.2.a năm 2025 lý do")
    group = Person(bot, clock, user_id=coordinator.user_id, chat_type="group", chat_id="-100555")
    await group.say("/giahan SCT IV.2.a 31/12/2025 trong nhóm")
    await group.say("/miennop SCT IV.2.a năm 2025 trong nhóm")
    async with sessions() as session:
        assert (await session.exec(select(ObligationException))).all() == []


async def test_bad_input_is_answered_with_how_to_write_it(coordinator, focal, sessions):
    assert "“32/13/2025” không phải ngày" in await coordinator.say("/giahan SCT IV.2.a 32/13/2025 lý do")
    assert "Cách ghi: /giahan" in await coordinator.say("/giahan SCT IV.2.a 31/12/2025")
    assert "Vui lòng ghi lý do" in await coordinator.say("/giahan SCT IV.2.a 31/12/2025")
    assert "Cách ghi: /giahan" in await coordinator.say("/giahan")
    assert "Hạn mới phải sau hạn hiện tại" in await coordinator.say("/giahan SCT IV.2.a 10/12/2025 sớm hơn")
    assert "Chưa xác định được đơn vị “Sở Không Có”" in await coordinator.say("/giahan Sở Không Có IV.2.a 31/12/2025 x")
    assert "không được giao nhiệm vụ “II.3”" in await coordinator.say("/miennop SCT II.3 lý do")
    assert "không có kỳ báo cáo này" in await coordinator.say("/miennop SCT IV.2.a quý I/2025 lý do")
    assert "Vui lòng ghi lý do miễn nộp" in await coordinator.say("/miennop SCT IV.2.a năm 2025")
    await coordinator.say("/miennop SCT IV.2.a năm 2025 lý do")
    assert "Đã miễn rồi (lý do: lý do)" in await coordinator.say("/miennop SCT IV.2.a năm 2025 lần nữa")
    async with sessions() as session:
        assert len((await session.exec(select(ObligationException))).all()) == 1


async def test_the_digest_and_both_workbooks_show_exceptions(coordinator, focal, leader, sessions, plan, clock):
    await coordinator.say("/giahan SCT IV.2.a 31/12/2025 chờ số liệu quý IV")
    await coordinator.say("/miennop SYT IV.2.a năm 2025 đã báo cáo chung với IV.2.b")
    async with sessions() as session:
        data = await digest.build(session, plan, at("2025-12-08 07:30"), VN)
    text = digest.text(data)
    assert "📝 Gia hạn, miễn nộp (2):" in text
    assert "IV.2.a · năm 2025 — gia hạn đến 31/12/2025 (hạn gốc 16/12/2025): chờ số liệu quý IV" in text
    assert "IV.2.a · năm 2025 — miễn nộp: đã báo cáo chung với IV.2.b" in text
    # The chart's rates leave the exempted period out (neither received nor missing).
    assert sum(s.received + s.overdue + s.not_due for s in unit_shares(data)) == len(data.items) - 1
    table = cells(workbook.render(data))
    (syt,) = table.where(**{"Mã đơn vị": "SYT", "Mã nhiệm vụ": "IV.2.a"})
    assert syt[table.column("Quá hạn")] == "miễn nộp"
    assert syt[table.column("Ghi chú")] == "miễn nộp: đã báo cáo chung với IV.2.b"
    (sct,) = table.where(**{"Mã đơn vị": "SCT", "Mã nhiệm vụ": "IV.2.a"})
    assert sct[table.column("Hạn")].date().isoformat() == "2025-12-31"
    # The year's workbook (/xuat): "Miễn nộp" is a state of its own, not counted as owed.
    clock.now = at("2025-12-20 09:00")
    await leader.say("/xuat")
    book = load_workbook(io.BytesIO(leader.last[0].attachment.content))
    rows = {(r[0].value, r[2].value): [c.value for c in r] for r in book["Tình hình"].iter_rows(min_row=2)}
    header = [c.value for c in book["Tình hình"][1]]
    assert rows[("SYT", "IV.2.a")][header.index("Tình trạng hạn")] == "Miễn nộp"
    assert rows[("SYT", "IV.2.a")][header.index("Ghi chú")] == "miễn nộp: đã báo cáo chung với IV.2.b"
    assert rows[("SCT", "IV.2.a")][header.index("Tình trạng hạn")] == "Chưa đến hạn"


async def test_the_confirmations_button_revokes_it(coordinator, focal, leader, sessions):
    await coordinator.say("/miennop SCT IV.2.a năm 2025 lý do")
    button = next(o.value for r in coordinator.last for o in r.options)
    assert "Đã hủy miễn nộp báo cáo IV.2.a của Sở Công Thương" in await coordinator.press("Hủy")
    assert "đã được hủy" in await coordinator.press_value(button)  # pressed twice: said, nothing more
    await coordinator.say("/giahan SCT IV.2.a 31/12/2025 chờ số liệu")
    prefix, _owner, exception = next(o.value for r in coordinator.last for o in r.options).split(":")
    # A leader sending the button's data as anyone's (owner 0) is still refused: only coordinators revoke.
    assert "cán bộ điều phối" in await leader.press_value(f"{prefix}:0:{exception}")
    assert await sct_items(sessions, "2025-12-17 08:00") == []  # still extended
    assert "Đã hủy gia hạn" in await coordinator.press("Hủy")
    assert await sct_items(sessions, "2025-12-17 08:00") == [(1, "2025-12-16")]
    assert [r.action for r in await audit(sessions, "exemption.grant.revoke")] == ["exemption.grant.revoke"]
