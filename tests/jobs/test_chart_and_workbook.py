"""The digest's chart and workbook as a leader sees them: rates per unit in force today in three colours,
targets with their milestone and figure; a workbook with a title block, a "Quá hạn" column and colours,
indicator names as headers, print setup, and each target's figures under the right headers."""

from datetime import date

from jobs import chart, digest, workbook
from models.planfiles.load_reorg import load_reorg
from models.planfiles.reorg_file import read_reorg
from tests.jobs.conftest import VN, at
from tests.jobs.test_digest import people_of
from tests.sheets import cells

REORG = ("reorganisation: {code: T, plan: VL-3064-2023, title: thử}\n"
         "events:\n  - {date: 2025-12-18, merge: [STTTT], into: SKHCN, tasks: {IV.5.a: SVHTTDL}, source: x}\n")
# (IV.5.a moves by name: its only lead, Sở TT&TT, cannot pass it to the coordinator — issue 15 §9)


async def reported(sessions, plan, person, invite, clock, tmp_path):
    path = tmp_path / "reorg.yaml"
    path.write_text(REORG, encoding="utf-8")
    async with sessions() as session:
        await load_reorg(session, read_reorg(path), actor="test")
    people = await people_of(person, invite, "SCT", "SYT")
    clock.now = at("2025-12-10 09:00")
    await people["SCT"].say("/bc IV.2.a xong dn=4 Hỗ trợ 4 doanh nghiệp")
    await people["SYT"].say("/bc IV.2.a 50% dn=2 vướng mắc: thiếu chuyên gia")
    async with sessions() as session:
        return await digest.build(session, plan, at("2025-12-22 07:30"), VN, contributions=True)


async def test_the_chart_shows_rates_per_unit_in_force_today(sessions, plan, person, invite, clock, tmp_path):
    data = await reported(sessions, plan, person, invite, clock, tmp_path)
    shares = {s.name: s for s in chart.unit_shares(data)}
    # Sở TT&TT merged into Sở KH&CN on 18/12/2025: its items are counted under its successor.
    assert "Sở Thông tin và Truyền thông" not in shares
    skhcn = [i for i in data.items if data.unit_today(i.obligation) == "Sở Khoa học và Công nghệ"]
    assert any(i.obligation.unit_code == "STTTT" for i in skhcn)
    assert shares["Sở Khoa học và Công nghệ"].total == len(skhcn)
    # A rate, not a count; items not yet due (the 2026 budget estimate, due 10/07/2026) are not overdue.
    sct = shares["Sở Công Thương"]
    assert (sct.received, sct.overdue, sct.not_due) == (1, 0, 1) and sct.rate == 1.0
    assert shares["Sở Y tế"].rate == 1.0 and shares["Sở Xây dựng"].rate == 0.0
    figure = chart.draw(data)
    left, right = figure.axes
    assert figure._suptitle.get_text() == "Bản tin tuần — KH 3064 – Năng suất — ngày 22/12/2025"
    names = [t.get_text() for t in left.get_yticklabels()]
    assert names[-1] in ("Sở Công Thương", "Sở Y tế") and "SCT" not in names  # lowest rate on top
    assert [t.get_text() for t in left.get_legend().get_texts()] == ["Đã nhận", "Chưa đến hạn", "Quá hạn"]
    colours = {patch.get_facecolor()[:3] for patch in left.patches if patch.get_width() > 0}
    assert len(colours) == 3
    notes = [t.get_text() for t in right.texts]
    assert "6 lượt — đến nay" in notes and "chưa có số liệu" in notes  # not "– / 8,3"
    labels = [t.get_text() for t in right.get_yticklabels()]
    assert any("mốc 2025 ≥ 30 lượt" in label and "doanh nghiệp" in label for label in labels)
    assert chart.render(data).startswith(b"\x89PNG")


async def test_the_workbook_reads_without_codes_and_prints(sessions, plan, person, invite, clock, tmp_path):
    data = await reported(sessions, plan, person, invite, clock, tmp_path)
    content = workbook.render(data)
    sheet = cells(content, "Tình hình")
    assert sheet.title[:3] == ["Bản tin tuần — tình hình báo cáo", "Kế hoạch: KH 3064 – Năng suất",
                               "Ngày 22/12/2025 — Gửi lãnh đạo UBND tỉnh, cán bộ điều phối và tổ tổng hợp theo dõi "
                               "kế hoạch"]
    ws = sheet.sheet
    assert ws.print_title_rows == f"${sheet.header_row}:${sheet.header_row}"  # repeated on every page
    assert ws.freeze_panes == f"A{sheet.header_row + 1}"
    assert (ws.page_setup.paperSize, ws.page_setup.orientation) == (9, "landscape")  # 9: A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert "Số lượt doanh nghiệp được hỗ trợ" in sheet.header and "dn" not in sheet.header
    (sct,) = sheet.where(**{"Mã đơn vị": "SCT", "Mã nhiệm vụ": "IV.2.a", "Kỳ báo cáo": "năm 2025"})
    assert sct[sheet.column("Số lượt doanh nghiệp được hỗ trợ")] == 4
    states = {}
    for offset, row in enumerate(sheet.rows):
        cell = ws.cell(row=sheet.header_row + 1 + offset, column=sheet.column("Quá hạn") + 1)
        states.setdefault(row[sheet.column("Quá hạn")], set()).add(cell.fill.fgColor.rgb)
    assert set(states) == {"quá hạn", "chưa đến hạn", "đã nhận"}
    assert all(len(fills) == 1 for fills in states.values()) and len({*map(min, states.values())}) == 3
    (late,) = sheet.where(**{"Mã đơn vị": "SXD", "Mã nhiệm vụ": "IV.2.a", "Kỳ báo cáo": "năm 2025"})
    assert late[sheet.column("Quá hạn")] == "quá hạn" and late[sheet.column("Hạn")].date() == date(2025, 12, 16)
    merged = sheet.where(**{"Mã đơn vị": "STTTT"})
    assert merged and {r[sheet.column("Đơn vị")] for r in merged} == {
        "Sở Thông tin và Truyền thông (nay: Sở Khoa học và Công nghệ)"}
    # The target's sheet is named by the target; its milestones and the reports behind them, each under its header.
    name = next(t.name for t in data.targets if t.code == "DN_HO_TRO")
    sheet_name = next(s for s in ws.parent.sheetnames if name.startswith(s))
    milestones = cells(content, sheet_name)
    assert milestones.title[0] == name
    (m2025,) = milestones.where(**{"Mốc": "Mốc 2025"})
    assert (m2025[milestones.column("Chỉ tiêu")], m2025[milestones.column("Số liệu")],
            m2025[milestones.column("Đơn vị tính")], m2025[milestones.column("Tỷ lệ (%)")]) == ("≥ 30", 6, "lượt", 20)
    behind = cells(content, sheet_name, table=1)
    assert [(r[behind.column("Đơn vị")], r[behind.column("Tính cho năm")], r[behind.column("Số liệu")])
            for r in behind.rows] == [("Sở Công Thương", 2025, 4), ("Sở Y tế", 2025, 2)]

