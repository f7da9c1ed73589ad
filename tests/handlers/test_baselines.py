"""/nhapso: a coordinator enters a target's figures for the years before the bot followed the plan (installed
03/11/2025 in these tests: 2021–2024), with their source; the digest counts them and says they were entered
by hand."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from jobs import digest, workbook
from tests.jobs.conftest import VN, at


async def test_a_coordinator_enters_earlier_years_and_the_digest_counts_them(sessions, plan, coordinator, focal,
                                                                           clock):
    answer = await coordinator.say("/nhapso")
    assert "Số liệu nhập tay — KH 3064 – Năng suất" in answer and "Chưa có số liệu nào được nhập tay." in answer
    assert "Nhập được các năm 2021–2024" in answer and "DN_HO_TRO, NSLD, TFP" in answer
    answer = await coordinator.say("/nhapso dn_ho_tro 2021 8 Báo cáo 45/BC-SKHCN ngày 20/12/2021")
    assert "Đã ghi số liệu nhập tay: DN_HO_TRO năm 2021 = 8 lượt (nguồn: Báo cáo 45/BC-SKHCN ngày 20/12/2021)." \
        in answer
    await coordinator.say("/nhapso DN_HO_TRO năm 2022 6 Báo cáo 30/BC-SKHCN")
    answer = await coordinator.say("/nhapso DN_HO_TRO 2022 7 Báo cáo 30/BC-SKHCN (đính chính)")
    assert "= 7 lượt" in answer and "Thay số đã ghi trước: 6 lượt." in answer
    answer = await coordinator.say("/nhapso")
    assert "• DN_HO_TRO 2021: 8 lượt — Báo cáo 45/BC-SKHCN ngày 20/12/2021" in answer
    assert "• DN_HO_TRO 2022: 7 lượt — Báo cáo 30/BC-SKHCN (đính chính)" in answer

    await focal.say("/bc IV.2.a xong dn=4 Hỗ trợ 4 doanh nghiệp")  # a 2025 report, on top of the two years
    async with sessions() as session:
        data = await digest.build(session, plan, at("2025-12-15 07:30"), VN, contributions=True)
    assert "mốc 2025 ≥ 30 lượt: đến nay 19 lượt (63%); mốc 2030 ≥ 40 lượt: đến nay 19 lượt (48%) " \
           "(gồm số liệu nhập tay năm 2021, 2022)" in digest.text(data)
    # The digest's workbook lists them first, marked, beside the reports.
    book = load_workbook(io.BytesIO(workbook.render(data)))
    sheet = next(book[name] for name in book.sheetnames if name.startswith("Lượt doanh nghiệp"))
    rows = [r[:5] for r in sheet.iter_rows(values_only=True)]
    assert ("Nhập tay: Báo cáo 45/BC-SKHCN ngày 20/12/2021", None, "năm 2021", 2021, 8) in rows
    assert ("Sở Công Thương", "IV.2.a", "năm 2025", 2025, 4) in rows


async def test_what_cannot_be_entered_is_said_with_the_way_to_write_it(coordinator, focal):
    example = "ví dụ: /nhapso DN_HO_TRO 2021 8 Báo cáo 45/BC-SKHCN ngày 20/12/2021"
    answer = await coordinator.say("/nhapso DN_HO_TRO 2025 8 Báo cáo 1/BC")
    assert "Chỉ nhập được số liệu các năm 2021–2024 (trước khi bot theo dõi kế hoạch từ 03/11/2025)" in answer
    assert example in answer
    answer = await coordinator.say("/nhapso DN_HO_TRO 2021 8")
    assert "Chưa đủ: cần mục tiêu, năm, số liệu và nguồn số liệu." in answer and example in answer
    answer = await coordinator.say("/nhapso DN_HO_TRO 2021 tám Báo cáo 1/BC")
    assert "“tám” không phải một con số" in answer
    answer = await coordinator.say("/nhapso XYZ 2021 8 Báo cáo 1/BC")
    assert "không có mục tiêu “XYZ”. Các mục tiêu: DN_HO_TRO, NSLD, TFP." in answer
    assert "Chưa có số liệu nào được nhập tay." in await coordinator.say("/nhapso")
    # Focal points report; they do not enter the province's figures.
    answer = await focal.say("/nhapso DN_HO_TRO 2021 8 Báo cáo 1/BC")
    assert "lệnh này dành cho cán bộ điều phối" in answer and "Đã ghi số liệu" not in answer
