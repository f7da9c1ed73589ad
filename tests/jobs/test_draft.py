"""The consolidated report drafted from what the units sent, reopened with python-docx: the NĐ 30 form,
the units' own words under their tasks and attributed, every gap named, and nothing else."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import re

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_COLOR_INDEX
from sqlmodel import select

from jobs import draft
from jobs.exports import Exports
from jobs.render.document import Quote
from jobs.render.docx import FONT
from models.annual import year_data
from models.review import Review
from models.store.tables import Plan
from tests.jobs.year_story import DRAFTED, SCT_2026, SCT_OBSTACLE, SCT_PROPOSAL, SYT_2026, VN, file_year

SECTIONS = ("I. KẾT QUẢ THỰC HIỆN", "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", "III. ĐỀ XUẤT, KIẾN NGHỊ",
            "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2027")
STATUS_HEADER = ("TT", "Cơ quan, đơn vị", "Nhiệm vụ", "Kỳ báo cáo", "Tình trạng", "Ngày gửi", "Đúng hạn", "Tiếp nhận")


async def drafted(sessions, plan, year: int = 2026) -> DocxDocument:
    async with sessions() as session:
        file = await Exports(VN).draft(session, plan, year, DRAFTED)
    assert file.filename == f"baocao-VL-3064-2023-{year}.docx"
    return Document(io.BytesIO(file.content))


def texts(doc: DocxDocument) -> list[str]:
    return [p.text for p in doc.paragraphs]


def between(doc: DocxDocument, start: str, end: str) -> list[str]:
    """The body paragraphs after the one starting with `start`, up to the one starting with `end`."""
    lines = texts(doc)
    first = next(i for i, t in enumerate(lines) if t.startswith(start))
    last = next(i for i, t in enumerate(lines) if i > first and t.startswith(end))
    return lines[first + 1:last]


def table(doc: DocxDocument, header: tuple[str, ...]) -> list[list[str]]:
    (found,) = [t for t in doc.tables if tuple(c.text for c in t.rows[0].cells) == header]
    return [[c.text for c in row.cells] for row in found.rows[1:]]


async def test_the_form_of_nd30_filled_from_the_plan(sessions, plan, person, invite, clock):
    await file_year(person, invite, clock)
    doc = await drafted(sessions, plan)
    header = doc.tables[0]
    assert [p.text for p in header.cell(0, 0).paragraphs if p.text] == ["UBND TỈNH VĨNH LONG",
                                                                       "SỞ KHOA HỌC VÀ CÔNG NGHỆ"]
    assert [p.text for p in header.cell(0, 1).paragraphs if p.text] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                                                       "Độc lập - Tự do - Hạnh phúc"]
    assert header.cell(1, 0).text == "Số: …/BC-SKHCN"
    assert header.cell(1, 1).text == "Vĩnh Long, ngày 05 tháng 01 năm 2027"
    lines = texts(doc)
    title = lines.index("BÁO CÁO")
    assert lines[title + 1].startswith("Kết quả thực hiện Kế hoạch thực hiện Quyết định số 36/QĐ-TTg ngày 11/01/2021")
    assert lines[title + 1].endswith("trên địa bàn tỉnh Vĩnh Long năm 2026")
    recipients = next(t for t in lines if t.startswith("Kính gửi:"))
    assert recipients == "Kính gửi:\t- Ủy ban nhân dân tỉnh Vĩnh Long;\n- Bộ Khoa học và Công nghệ."
    positions = [next(i for i, t in enumerate(lines) if t == heading) for heading in SECTIONS]
    assert positions == sorted(positions)
    direction = lines[positions[3] + 1]
    assert direction == "[Phương hướng, nhiệm vụ năm 2027: do chuyên viên soạn]"
    highlighted = [r.text for p in doc.paragraphs for r in p.runs if r.font.highlight_color == WD_COLOR_INDEX.YELLOW]
    assert direction in highlighted
    assert [r.text for r in header.cell(1, 0).paragraphs[0].runs if r.font.highlight_color] == ["…"]
    closing = doc.tables[1]  # "Nơi nhận" and the signer, side by side
    assert "Nơi nhận:" in closing.cell(0, 0).text and "- Như trên;" in closing.cell(0, 0).text
    assert "[CHỨC VỤ NGƯỜI KÝ]" in closing.cell(0, 1).text and "[Họ và tên người ký]" in closing.cell(0, 1).text
    section = doc.sections[0]
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [20, 20, 30, 15]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert {r.font.name for p in doc.paragraphs for r in p.runs} == {FONT}
    assert doc.styles["Normal"].font.name == FONT


async def test_the_units_own_words_under_their_task_with_the_report_they_come_from(sessions, plan, person, invite,
                                                                                  clock):
    await file_year(person, invite, clock)
    doc = await drafted(sessions, plan)
    task = between(doc, "IV.2.a. Triển khai thực hiện Kế hoạch này", "TH. ")
    assert f"“{SCT_2026}” (Sở Công Thương, báo cáo năm 2026, bản 2)" in task
    assert f"“{SYT_2026}” (Sở Y tế, báo cáo năm 2026, bản 1)" in task
    assert ("- Sở Công Thương: Đang thực hiện, đạt 80%; Số lượt doanh nghiệp được hỗ trợ: 6 lượt; nộp muộn."
            in task)
    assert "- Tổng số lượt doanh nghiệp được hỗ trợ theo báo cáo của 2 đơn vị: 8 lượt (năm 2025: 5 lượt)." in task
    missing = next(t for t in task if t.startswith("- Chưa báo cáo: "))
    assert "Sở Xây dựng" in missing and "Sở Công Thương" not in missing and "Sở Y tế" not in missing
    assert [f"“{SCT_OBSTACLE}” (Sở Công Thương, báo cáo năm 2026, bản 2)"] == [
        t for t in between(doc, SECTIONS[1], SECTIONS[2]) if t.startswith("“")]
    assert [f"“{SCT_PROPOSAL}” (Sở Công Thương, báo cáo năm 2026, bản 2)"] == [
        t for t in between(doc, SECTIONS[2], SECTIONS[3]) if t.startswith("“")]
    reporting = between(doc, "1. Tình hình báo cáo", "2. Kết quả thực hiện các nhiệm vụ")
    assert "đã nhận 2 báo cáo" in reporting[0] and "1 báo cáo nộp muộn" in reporting[0]
    assert any(t.startswith("- Năm 2025: đã nhận 1/") for t in reporting)
    targets = between(doc, "3. Kết quả thực hiện các mục tiêu", SECTIONS[1])
    assert any("năm 2026 đạt 8 lượt (năm 2025: 5 lượt); lũy kế 2021–2026: 13 lượt; mục tiêu đến năm 2030: ≥ 40 lượt, "
               "đạt 32% mục tiêu." in t for t in targets)


async def test_appendices_list_every_unit_and_task_and_the_targets(sessions, plan, person, invite, clock):
    await file_year(person, invite, clock)
    doc = await drafted(sessions, plan)
    rows = {(r[1], r[2]): r for r in table(doc, STATUS_HEADER)}
    assert rows[("Sở Công Thương", "IV.2.a")][3:] == ["năm 2026 (hạn 16/12/2026)", "Đang thực hiện, 80%", "18/12/2026",
                                                      "Muộn", "đã tiếp nhận"]
    assert rows[("Sở Y tế", "IV.2.a")][4:7] == ["Đang thực hiện, 50%", "15/12/2026", "Đúng hạn"]
    assert rows[("Sở Xây dựng", "IV.2.a")][4:] == ["Chưa báo cáo", "—", "Quá hạn", "—"]
    targets = table(doc, ("TT", "Mục tiêu", "Đơn vị tính", "Năm 2025", "Năm 2026", "Lũy kế, bình quân hoặc số mới nhất",
                          "Mục tiêu theo Kế hoạch", "Tỷ lệ so với mục tiêu"))
    assert targets[0][2:] == ["lượt", "5", "8", "13 (2021–2026)", "2025: ≥ 30; 2030: ≥ 40", "32%"]
    assert [t for t in texts(doc) if t.startswith("Phụ lục")] == ["Phụ lục I", "Phụ lục II"]


async def test_a_year_with_no_report_at_all_is_still_a_whole_document(sessions, plan):
    doc = await drafted(sessions, plan, 2027)
    lines = texts(doc)
    assert all(heading.replace("2027", "2028") in lines for heading in SECTIONS)
    assert "Đến ngày 05/01/2027, chưa có báo cáo nào của năm 2027 đến hạn." in lines
    assert "Các cơ quan, đơn vị không nêu khó khăn, vướng mắc trong các báo cáo năm 2027." in lines
    assert "Các cơ quan, đơn vị không có đề xuất, kiến nghị trong các báo cáo năm 2027." in lines
    assert all(row[4] == "Chưa đến hạn" for row in table(doc, STATUS_HEADER))
    assert not [t for t in lines if t.startswith("“")]  # nothing to quote, nothing quoted


async def test_without_issuer_and_recipients_in_the_plan_the_defaults(sessions, plan):
    async with sessions() as session:
        row = (await session.exec(select(Plan))).one()
        row.issuer, row.report_to = [], []
        await session.commit()
        doc = Document(io.BytesIO((await Exports(VN).draft(session, row, 2026, DRAFTED)).content))
    header = doc.tables[0]
    assert [p.text for p in header.cell(0, 0).paragraphs if p.text] == ["UBND TỈNH VĨNH LONG",
                                                                       "SỞ KHOA HỌC VÀ CÔNG NGHỆ"]
    assert "Kính gửi: Ủy ban nhân dân tỉnh." in texts(doc)


async def test_the_place_from_the_settings_wins(sessions, plan):
    async with sessions() as session:
        file = await Exports(VN, place="Trà Vinh").draft(session, plan, 2026, DRAFTED)
    assert Document(io.BytesIO(file.content)).tables[0].cell(1, 1).text == "Trà Vinh, ngày 05 tháng 01 năm 2027"


async def test_a_report_nobody_has_accepted_is_quoted_and_marked(sessions, plan, person, invite, clock):
    await file_year(person, invite, clock)
    async with sessions() as session:
        data = await year_data(session, plan, 2026, DRAFTED.date())
    new = tuple(dataclasses.replace(e, report=dataclasses.replace(e.report, review=Review.new)) if e.report else e
                for e in data.entries)
    reviewed = dataclasses.replace(data, entries=new)
    quotes = [b for b in draft.build(reviewed, today=DRAFTED.date()).body if isinstance(b, Quote)]
    assert quotes and all(q.mark == "chưa tiếp nhận" for q in quotes)
    off = dataclasses.replace(reviewed, plan=dataclasses.replace(data.plan, review=False))
    assert all(not b.mark for b in draft.build(off, today=DRAFTED.date()).body if isinstance(b, Quote))
    # the story's reports, all accepted by the coordinator: nothing is marked
    assert all(not b.mark for b in draft.build(data, today=DRAFTED.date()).body if isinstance(b, Quote))


async def test_every_quotation_names_its_unit_period_and_version(sessions, plan, person, invite, clock):
    await file_year(person, invite, clock)
    async with sessions() as session:
        data = await year_data(session, plan, 2026, DRAFTED.date())
    quotes = [b for b in draft.build(data, today=DRAFTED.date()).body if isinstance(b, Quote)]
    assert len(quotes) == 4
    assert all(re.fullmatch(r"(Sở Công Thương|Sở Y tế), báo cáo năm 2026, bản [12]", q.source) for q in quotes)


async def test_the_files_are_written_off_the_event_loop(sessions, plan, person, invite, clock):
    """Other chats go on while a province's files are written: the loop keeps turning during the rendering
    (on it, the loop would not turn once until the document was done)."""
    await file_year(person, invite, clock)
    exports = Exports(VN)
    async with sessions() as session:
        data = await year_data(session, plan, 2026, DRAFTED.date())
    for writing in (exports.draft_file(data, DRAFTED), exports.workbook_file(data)):
        task = asyncio.create_task(writing)
        turns = 0
        while not task.done():
            await asyncio.sleep(0)
            turns += 1
        assert (await task)[:2] == b"PK" and turns > 20, turns  # a zip (.docx, .xlsx), written while the loop ran
