"""/duthao and /xuat in chat: the year's draft and workbook, whatever month it is asked in."""

from __future__ import annotations

import asyncio
import io

from docx import Document
from openpyxl import load_workbook

from models.planfiles.load_plan import load_plan
from models.planfiles.plan_file import read_plan
from tests.conftest import INSTALLED
from tests.handlers.dialog import Person
from tests.jobs.year_story import DRAFTED, SCT_2026, at, file_year, tell
from tests.second_plan import second_plan_file


def workbook_rows(person: Person) -> dict[tuple[str, str, str], dict[str, object]]:
    (reply,) = person.last
    assert reply.attachment is not None and reply.attachment.filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(reply.attachment.content))["Tình hình"]
    header = [c.value for c in sheet[1]]
    return {(r[0].value, r[2].value, r[4].value): dict(zip(header, (c.value for c in r), strict=True))
            for r in sheet.iter_rows(min_row=2)}


async def test_the_draft_as_a_word_file_for_coordinators_and_leaders(person, invite, clock, coordinator, leader,
                                                                    focal):
    await file_year(person, invite, clock)
    answer = await coordinator.say("/duthao 2026")
    (reply,) = coordinator.last
    assert reply.attachment is not None and reply.attachment.filename == "baocao-VL-3064-2023-2026.docx"
    assert "📝 Dự thảo báo cáo năm 2026 — KH 3064 – Năng suất" in answer
    # 56: the Đài, the Báo and the three associations are followed without being asked (`report_by: none`).
    assert "đã nhận 2/56 (4%), nộp muộn 1." in answer and "Chưa báo cáo (20 đơn vị): " in answer
    doc = Document(io.BytesIO(reply.attachment.content))
    assert f"“{SCT_2026}” (Sở Công Thương, báo cáo năm 2026, bản 2)" in [p.text for p in doc.paragraphs]
    await leader.say("/duthao")  # January 2027: the year just ended
    (reply,) = leader.last
    assert reply.attachment is not None and reply.attachment.filename.endswith("-2026.docx")
    assert "dành cho cán bộ điều phối" in await focal.say("/duthao")


async def test_on_zalo_the_summary_and_where_to_get_the_file(bot, clock, invite, person):
    await file_year(person, invite, clock)
    zalo = Person(bot, clock, user_id="zalo-77", name="Cán bộ Zalo", channel="zalo")
    await zalo.say(f"/start {await invite(None, 'coordinator')}")
    answer = await zalo.say("/duthao 2026")
    assert zalo.last[0].attachment is None
    assert "Dự thảo báo cáo năm 2026" in answer and "Chưa báo cáo" in answer
    assert "nhacviec draft --year 2026 --out baocao-2026.docx" in answer and "/duthao 2026 trên Telegram" in answer


async def test_xuat_2025_in_january_2026_gives_the_whole_of_2025(person, invite, clock, coordinator):
    sct = person("200", "Trần Thị Bình")
    await sct.say(f"/start {await invite('SCT')}")
    clock.now = at("2025-11-20 09:00")  # long before January: neither overdue nor "the last 30 days" then
    await tell(sct, "/bc IV.2.a xong dn=5 Hỗ trợ 5 doanh nghiệp")
    clock.now = at("2026-01-28 09:00")
    await coordinator.say("/xuat 2025")
    named = workbook_rows(coordinator)
    await coordinator.say("/xuat")
    assert workbook_rows(coordinator) == named
    sct_row = named[("SCT", "IV.2.a", "năm 2025")]
    assert (sct_row["Trạng thái"], sct_row["Ghi chú"], sct_row["Tình trạng hạn"], sct_row["Tiếp nhận"]) == (
        "Hoàn thành", "Hỗ trợ 5 doanh nghiệp", "Đúng hạn", "mới")
    assert named[("SXD", "IV.2.a", "năm 2025")]["Tình trạng hạn"] == "Quá hạn"
    assert {key[2] for key in named} >= {"năm 2025", "giai đoạn 2021–2025"}
    assert not [key for key in named if key[2] == "năm 2026"]  # (the 2026 budget is drawn up in 2025: a 2025 item)
    clock.now = at("2026-02-02 09:00")  # from February, the year under way
    await coordinator.say("/xuat")
    assert {key[2] for key in workbook_rows(coordinator) if key[1] == "IV.2.a"} == {"năm 2026"}


async def test_a_year_that_is_not_one(coordinator, clock):
    clock.now = DRAFTED
    assert "“hai nghìn” không phải một năm. Ví dụ: /duthao 2026" in await coordinator.say("/duthao hai nghìn")
    assert "Năm 2040 nằm ngoài thời gian của kế hoạch KH 3064 – Năng suất (2021–2030)." in await coordinator.say(
        "/xuat 2040")


async def test_with_several_plans_the_draft_asks_which_and_the_workbook_covers_each(sessions, coordinator, clock,
                                                                                 tmp_path):
    async with sessions() as session:
        await load_plan(session, read_plan(second_plan_file(tmp_path)), actor="test", today=INSTALLED)
    clock.now = at("2026-12-20 09:00")
    answer = await coordinator.say("/duthao 2026")
    assert "Có 2 kế hoạch" in answer and coordinator.options == [
        "TV-CDS-2026 — KH Chuyển đổi số", "VL-3064-2023 — KH 3064 – Năng suất"]
    await coordinator.press("TV-CDS-2026")
    (reply,) = coordinator.last
    assert reply.attachment is not None and reply.attachment.filename == "baocao-TV-CDS-2026-2026.docx"
    doc = Document(io.BytesIO(reply.attachment.content))
    issuer = [p.text for p in doc.tables[0].cell(0, 0).paragraphs if p.text]
    assert issuer == ["UBND TỈNH TRÀ VINH", "SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH TRÀ VINH"]
    assert "Kính gửi: Ủy ban nhân dân tỉnh." in [p.text for p in doc.paragraphs]
    # The workbook is not one official document: /xuat sends each plan's, or the one named.
    await coordinator.say("/xuat 2026")
    assert [r.attachment.filename for r in coordinator.last] == ["nhacviec-TV-CDS-2026-2026.xlsx",
                                                                 "nhacviec-VL-3064-2023-2026.xlsx"]
    await coordinator.say("/xuat 2026 kh 3064")
    assert [r.attachment.filename for r in coordinator.last] == ["nhacviec-VL-3064-2023-2026.xlsx"]
    await coordinator.say("/duthao kh 3064 2026")  # a plan named: no question
    assert [r.attachment.filename for r in coordinator.last] == ["baocao-VL-3064-2023-2026.docx"]



async def test_other_chats_are_answered_while_a_workbook_is_made(person, invite, clock, coordinator, focal):
    """`/xuat` gives the bot's database connection back and makes the file on its own (jobs/exports.py): on
    SQLite the bot has one connection, and a focal point's report is answered while the workbook is made.
    Held, the report would wait for the pool until the workbook was done."""
    export = asyncio.create_task(coordinator.say("/xuat"))
    for _ in range(5):  # let the export start and reach its thread
        await asyncio.sleep(0)
    answer = await focal.say("/bc IV.2.a 80% dn=5 Đã hỗ trợ 5 doanh nghiệp")
    assert "Đã ghi nhận" in answer
    assert not export.done()  # answered while the workbook was still being made
    await export
    assert any(r.attachment for r in coordinator.last)
