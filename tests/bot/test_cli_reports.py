"""`nhacviec draft` and `nhacviec export`, run as the officer would run them, on what units reported in chat."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook

from models.annual import report_year
from tests.bot.test_cli import nhacviec
from tests.jobs.year_story import file_year
from tests.second_plan import second_plan_file


@pytest.fixture
async def reported(db_url, plan, person, invite, clock) -> dict[str, str]:
    """The year story filed in chat, in the database the commands read."""
    await file_year(person, invite, clock)
    return {"NHACVIEC_DATABASE_URL": db_url}


def test_draft_writes_the_report_of_the_year_asked(reported, tmp_path):
    out = tmp_path / "baocao-2025.docx"
    result = nhacviec("draft", "--year", "2025", "--out", str(out), env=reported)
    assert result.exit_code == 0, result.output
    assert f"Đã lưu {out}: dự thảo báo cáo năm 2025, kế hoạch VL-3064-2023" in result.output
    lines = [p.text for p in Document(io.BytesIO(out.read_bytes())).paragraphs]
    assert "“Hỗ trợ 5 doanh nghiệp” (Sở Công Thương, báo cáo năm 2025, bản 1)" in lines
    assert "Kết quả thực hiện Kế hoạch thực hiện Quyết định số 36/QĐ-TTg" in " ".join(lines)


def test_export_writes_every_obligation_of_the_year(reported, tmp_path):
    out = tmp_path / "tonghop.xlsx"
    result = nhacviec("export", "--year", "2026", "--xlsx", str(out), env=reported)
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    rows = {(r[0].value, r[2].value): r for r in book["Tình hình"].iter_rows(min_row=2) if r[4].value == "năm 2026"}
    assert rows[("SCT", "IV.2.a")][6].value == "Đang thực hiện" and rows[("SYT", "IV.2.a")][7].value == 50
    assert rows[("SXD", "IV.2.a")][6].value == "Chưa báo cáo"
    comparison = [[c.value for c in row][:3] for row in book["So sánh"].iter_rows()]
    assert ["Đã nhận", 1, 2] in comparison  # the year before beside this one
    assert "Mục tiêu DN_HO_TRO" in book.sheetnames


def test_without_a_year_and_without_out(reported, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = nhacviec("draft", env=reported)
    assert result.exit_code == 0, result.output
    assert (tmp_path / f"baocao-{report_year(date.today())}.docx").exists()


def test_several_plans_one_file_each_in_a_folder(reported, tmp_path):
    assert nhacviec("plan", "load", str(second_plan_file(tmp_path)), env=reported).exit_code == 0
    folder = tmp_path / "baocao"
    result = nhacviec("draft", "--year", "2026", "--out", str(folder), env=reported)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == ["baocao-TV-CDS-2026-2026.docx",
                                                        "baocao-VL-3064-2023-2026.docx"]
    only = tmp_path / "one.xlsx"
    result = nhacviec("export", "--year", "2026", "--plan", "TV-CDS-2026", "--xlsx", str(only), env=reported)
    assert result.exit_code == 0 and only.exists()
    # 2025 is before the second plan began: only the first plan's report is drafted
    result = nhacviec("draft", "--year", "2025", "--out", str(folder), env=reported)
    assert result.exit_code == 0 and "VL-3064-2023" in result.output and "TV-CDS-2026" not in result.output
    a_file = tmp_path / "not-a-folder.docx"
    a_file.write_bytes(b"")
    result = nhacviec("draft", "--year", "2026", "--out", str(a_file), env=reported)
    assert result.exit_code == 2 and "phải là một thư mục" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (("draft", "--year", "2040"), "Năm 2040 nằm ngoài thời gian của kế hoạch: VL-3064-2023 (2021–2030)."),
    (("export", "--year", "2026", "--plan", "KHAC"), "Không có kế hoạch mã 'KHAC' (đang có: VL-3064-2023)."),
    (("draft", "--year", "2026", "--out", "/nonexistent/folder/x.docx"), "Không ghi được /nonexistent/folder/x.docx"),
])
def test_errors_in_one_line(reported, args, message):
    result = nhacviec(*args, env=reported)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
