"""Coordinator commands: nudge now, Excel now, the working group as the digest destination."""

import io

from openpyxl import load_workbook
from sqlmodel import select

from models.store.tables import ChatDestination
from tests.handlers.dialog import Person
from tests.outbox import deliveries, text_of


async def test_nudge_claims_a_reminder_for_each_focal_point_once_a_day(coordinator, focal, sessions, clock):
    answer = await coordinator.say("/nhacnho so cong thuong")
    assert "Đã gửi nhắc tới 1 đầu mối của Sở Công Thương: IV.2.a · năm 2025." in answer
    (row,) = await deliveries(sessions)
    assert row.kind == "nudge" and row.chat_id == focal.chat_id
    text = await text_of(sessions, row, clock().date())
    assert "📣 Lê Văn Cường nhắc:" in text and "Sở Công Thương gửi báo cáo IV.2.a" in text
    assert "đã được nhắc rồi" in await coordinator.say("/nhacnho SCT")
    assert "chưa có đầu mối đăng ký" in await coordinator.say("/nhacnho SYT")
    await focal.say("/bc IV.2.a xong")
    assert "đã báo cáo đủ" in await coordinator.say("/nhacnho SCT")


async def test_export_sends_a_real_workbook(leader, focal):
    await focal.say("/bc IV.2.a 60% dn=4 tập huấn Kaizen")
    await leader.say("/xuat")
    (reply,) = leader.last
    attachment = reply.attachment
    assert attachment is not None and attachment.filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(attachment.content))
    sheet = book["Tình hình"]
    header = [c.value for c in sheet[1]]
    assert header[:8] == ["Mã đơn vị", "Đơn vị", "Mã nhiệm vụ", "Nhiệm vụ", "Kỳ báo cáo", "Hạn", "Trạng thái",
                          "% hoàn thành"]
    assert sheet.freeze_panes == "A2"
    rows = {(r[0].value, r[2].value): r for r in sheet.iter_rows(min_row=2)}
    sct = rows[("SCT", "IV.2.a")]
    assert sct[5].value.date().isoformat() == "2025-12-16" and sct[5].number_format == "dd/mm/yyyy"
    assert sct[6].value == "Đang thực hiện" and sct[7].value == 60
    assert sct[header.index("dn")].value == 4 and sct[header.index("Ghi chú")].value == "tập huấn Kaizen"
    assert rows[("SYT", "IV.2.a")][6].value == "Chưa báo cáo"
    assert "Mục tiêu DN_HO_TRO" in book.sheetnames


async def test_the_working_group_registers_for_digests(bot, clock, coordinator, focal, sessions):
    group = Person(bot, clock, user_id=coordinator.user_id, chat_type="group", chat_id="-100555")
    assert "nhóm này nhận bản tin hằng tuần" in await group.say("/nhomtonghop")
    async with sessions() as session:
        (destination,) = (await session.exec(select(ChatDestination))).all()
        assert (destination.chat_id, destination.active) == ("-100555", True)
    assert "dùng trong nhóm" in await coordinator.say("/nhomtonghop")
    outsider = Person(bot, clock, user_id=focal.user_id, chat_type="group", chat_id="-100555")
    assert "dành cho cán bộ điều phối" in await outsider.say("/nhomtonghop tat")
    assert "không nhận bản tin" in await group.say("/nhomtonghop tat")
    async with sessions() as session:
        assert (await session.exec(select(ChatDestination.active))).one() is False
