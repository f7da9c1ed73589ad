"""A draft generated from a year of reports, printed by LibreOffice: what the clerk who opens it sees.

The sample report (test_docx_pdf.py) proves the layout; this proves that what jobs/draft.py makes of real
data prints as a report: the official first page, the units' words, the appendices on pages of their own.
"""

from __future__ import annotations

import shutil

import pytest

from jobs.exports import Exports
from jobs.render import pdf
from tests.jobs.render.test_docx_pdf import TOOLS, first_line, page_count, page_text
from tests.jobs.year_story import DRAFTED, SCT_2026, VN, file_year


async def test_a_generated_draft_prints_as_an_official_report(request, sessions, plan, person, invite, clock,
                                                              tmp_path):
    missing = [tool for tool in ("soffice", *TOOLS) if (pdf.soffice() if tool == "soffice" else shutil.which(tool))
               is None]
    if missing:
        pytest.skip(f"LibreOffice not installed: .ci/run installs it (missing: {', '.join(missing)})")
    if request.node.callspec.params.get("db_url") == "postgres":
        pytest.skip("the document does not depend on the database: printed once, from SQLite")
    await file_year(person, invite, clock)
    async with sessions() as session:
        file = await Exports(VN).draft(session, plan, 2026, DRAFTED)
    source = tmp_path / file.filename
    source.write_bytes(file.content)
    printed = pdf.to_pdf(source, tmp_path)
    pages = page_count(printed)
    assert 4 <= pages <= 20, pages
    first = page_text(printed, 1)
    for expected in ("UBND TỈNH VĨNH LONG", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc", "Số: …/BC-SKHCN", "ngày 05 tháng 01 năm 2027", "BÁO CÁO",
                     "Kính gửi", "Bộ Khoa học và Công nghệ", "I. KẾT QUẢ THỰC HIỆN"):
        assert expected in first, expected
    assert not first_line(first).isdigit()  # no number on page 1
    assert all(first_line(page_text(printed, page)) == str(page) for page in range(2, pages + 1))
    everything = " ".join(" ".join(page_text(printed, page).split()) for page in range(1, pages + 1))
    assert " ".join(SCT_2026.split()[:6]) in everything
    appendix = [page for page in range(2, pages + 1) if "Phụ lục I" in page_text(printed, page)
                and "TÌNH HÌNH BÁO CÁO" in page_text(printed, page)]
    assert appendix and "Nơi nhận" in page_text(printed, appendix[0] - 1)
