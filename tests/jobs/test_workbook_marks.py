"""The year's workbook says what the decision does not: each task's inferred parts with their reasons, the
tasks followed without being asked, and the figures a coordinator entered by hand."""

import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from jobs import year_workbook
from models.annual import year_data
from models.baselines import enter
from tests.jobs.conftest import at


async def test_the_workbook_shows_inferred_parts_and_figures_entered_by_hand(sessions, plan):
    async with sessions() as session:
        await enter(session, plan, target_code="DN_HO_TRO", year=2024, value=Decimal(7),
                    source_note="Báo cáo 12/BC-SKHCN ngày 18/12/2024", entered_by="cli", member_id=None,
                    now=at("2025-11-20 09:00"))
        await session.commit()
        book = load_workbook(io.BytesIO(year_workbook.render(await year_data(session, plan, 2025, date(2025, 12, 20)))))
    tasks = {row[0]: row for row in book["Nhiệm vụ"].iter_rows(min_row=2, values_only=True)}
    header = [c.value for c in book["Nhiệm vụ"][1]]
    assert header == ["Mã nhiệm vụ", "Nhiệm vụ (nguyên văn)", "Tên ngắn", "Nguồn trong văn bản",
                      "Suy luận (văn bản không ghi)", "Lý do", "Báo cáo"]
    assert tasks["II.1"][4] == "chủ trì, phối hợp, lịch báo cáo, nghĩa vụ báo cáo" and "Điều 2" in tasks["II.1"][5]
    assert tasks["IV.2.b"][4] == "không"  # owners, duty and years are the decision's own
    assert tasks["IV.7.a"][6] == "theo dõi, không hỏi" and tasks["IV.2.a"][6] == "đơn vị được hỏi"
    assert tasks["IV.1.c"][1].endswith("thuộc chức năng nhiệm vụ được phân công, thẩm quyền quản lý")  # in full
    rows = list(book["Mục tiêu DN_HO_TRO"].iter_rows(values_only=True))
    assert ("Nhập tay: Báo cáo 12/BC-SKHCN ngày 18/12/2024", None, "năm 2024", None, 7.0) in [r[:5] for r in rows]
    comparison = {r[0]: r for r in book["So sánh"].iter_rows(values_only=True) if r[0]}
    assert comparison[next(k for k in comparison if str(k).startswith("Lượt doanh nghiệp"))][1] == 7.0
