"""Chat across plans: the status commands cover every plan followed and narrow to one by name, a task code
two plans use is asked about, and a unit's lists say which plan each item is."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from tests.handlers.dialog import verify_dialog

# Tuesday 10/03/2026: the example plan's first quarter is open (due 17/03), the Vĩnh Long 2025 reports overdue.
MARCH = datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture
async def skhcn(second_plan, person, invite, clock):
    clock.now = MARCH
    someone = person("500", "Hồ Văn Em")
    await someone.say(f"/start {await invite('SKHCN')}")
    return someone


async def test_a_task_code_two_plans_use_is_asked_about(skhcn):
    await verify_dialog(skhcn, [
        ("/bc II.3 50%", ["Mã II.3 có trong 2 kế hoạch (KH 3064 – Năng suất; KH ví dụ – Chuyển đổi số)",
                          "1. KH 3064 – Năng suất · II.3 · năm 2025",
                          "2. KH ví dụ – Chuyển đổi số · II.3 · quý I/2026 — hạn Thứ Ba, 17/03/2026"]),
    ])
    assert skhcn.options[1] == "2. KH ví dụ – Chuyển… · II.3 · quý I/2026"  # a button stays short
    # The plan's name is an answer too; the report lands in that plan only.
    await verify_dialog(skhcn, [("chuyển đổi số", "✅ Đã ghi nhận báo cáo II.3 · quý I/2026 của SKHCN (bản 1)")])
    # Naming a plan with several open periods narrows the choice to its periods.
    await verify_dialog(skhcn, [
        ("/bc II.3 xong", "Mã II.3 có trong 2 kế hoạch"),
        ("kh 3064", ["chọn kỳ", "1. II.3 · năm 2025", "2. II.3 · năm 2026"]),
        ("[năm 2026]", "✅ Đã ghi nhận báo cáo II.3 · năm 2026 của SKHCN (bản 1): Hoàn thành"),
    ])


async def test_status_covers_every_plan_and_narrows_to_one(skhcn, coordinator, focal):
    await skhcn.say("/bc II.3 50%")
    await skhcn.say("2")
    answer = await coordinator.say("/tinhhinh")
    assert "📊 Tình hình thực hiện 2 kế hoạch" in answer
    assert "■ KH ví dụ – Chuyển đổi số · Báo cáo hằng quý, quý I/2026 — hạn Thứ Ba, 17/03/2026" in answer
    assert "Đã báo cáo 1/3" in answer  # II.3: SCT and SKHCN (report_by: all); II.4: SNNPTNT
    assert "■ KH 3064 – Năng suất · Báo cáo hằng năm, năm 2026" in answer
    narrow = await coordinator.say("/tinhhinh chuyển đổi số")
    assert "📊 Tình hình thực hiện kế hoạch KH ví dụ – Chuyển đổi số" in narrow and "KH 3064" not in narrow
    # A unit in both plans: each line names its plan; narrowed, only that plan's.
    answer = await coordinator.say("/tinhhinh SCT")
    assert "• KH ví dụ – Chuyển đổi số · II.3 · quý I/2026" in answer
    assert "• KH 3064 – Năng suất · IV.2.a · năm 2026" in answer
    answer = await coordinator.say("/tinhhinh kh 3064 SCT")
    assert "II.3" not in answer and "• IV.2.a · năm 2026" in answer
    # A task code in both plans: each plan's task, named.
    answer = await coordinator.say("/tinhhinh II.3")
    assert "📌 KH 3064 – Năng suất · II.3 — Đẩy mạnh việc áp dụng" in answer
    assert "📌 KH ví dụ – Chuyển đổi số · II.3 — Hỗ trợ doanh nghiệp đánh giá" in answer
    assert "• SKHCN · quý I/2026: 🔵 Đang thực hiện 50%" in answer
    # The focal point's own list mixes both plans, each item named.
    answer = await focal.say("/baocao")
    assert "KH 3064 – Năng suất · IV.2.a · năm 2025" in answer
    assert "KH ví dụ – Chuyển đổi số · II.3 · quý I/2026" in answer


async def test_overdue_and_missing_lists_cover_both_plans(skhcn, leader, clock):
    answer = await leader.say("/chuabaocao")
    assert "■ KH ví dụ – Chuyển đổi số · Báo cáo hằng quý, quý I/2026" in answer
    assert "• SCT: II.3" in answer and "• SKHCN: II.3" in answer
    assert "■ KH 3064 – Năng suất · Báo cáo hằng năm, năm 2026" in answer
    answer = await leader.say("/chuabaocao chuyển đổi số")
    assert "KH 3064" not in answer and "• SNNPTNT: II.4" in answer
    clock.now = datetime(2026, 3, 20, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))  # after the quarter's deadline
    answer = await leader.say("/quahan")
    assert "• KH ví dụ – Chuyển đổi số · II.3 · quý I/2026 — hạn Thứ Ba, 17/03/2026" in answer
    assert "• KH 3064 – Năng suất · IV.1.e · Tổ chức sơ kết" in answer
    assert "KH 3064" not in await leader.say("/quahan chuyển đổi số")


async def test_the_years_workbook_comes_for_each_plan_or_the_one_named(skhcn, coordinator):
    await coordinator.say("/xuat 2026")
    files = {r.attachment.filename: r.attachment for r in coordinator.last}
    assert set(files) == {"nhacviec-VD-CDS-2026-2026.xlsx", "nhacviec-VL-3064-2023-2026.xlsx"}
    example = load_workbook(io.BytesIO(files["nhacviec-VD-CDS-2026-2026.xlsx"].content))["Tình hình"]
    assert {(row[0].value, row[2].value) for row in example.iter_rows(min_row=2)} >= {("SCT", "II.3"),
                                                                                       ("SNNPTNT", "II.4")}
    await coordinator.say("/xuat 2026 chuyển đổi số")
    assert [r.attachment.filename for r in coordinator.last] == ["nhacviec-VD-CDS-2026-2026.xlsx"]
