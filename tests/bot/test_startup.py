"""The lines `nhacviec run` prints for what it loaded (the process itself: tests/bot/test_run.py)."""

from bot.config import load_settings
from bot.startup import loaded, plan_line, reorg_line, where_to_look
from models.planfiles.changes import Change, LoadResult


def test_a_changed_plan_is_one_line_with_a_count_not_a_listing():
    changes = [Change("update", "unit", "BVL", {"name": ("Báo Vĩnh Long", "Báo Vĩnh Long (điện tử)")}),
               Change("add", "task", "IV.9"), Change("retire", "period", "hang-nam 2024")]
    line = plan_line(LoadResult("VL-3064-2023", changes, dry_run=False))
    assert line == "Kế hoạch VL-3064-2023: đã cập nhật, 3 thay đổi — xem `nhacviec plan show --plan VL-3064-2023`."


def test_a_first_load_counts_units_and_tasks():
    changes = [Change("add", "plan", "VL"), *(Change("add", "unit", f"U{n}") for n in range(3)),
               Change("add", "task", "I.1"), Change("add", "schedule", "hang-nam")]
    assert plan_line(LoadResult("VL", changes, dry_run=False)) == "Kế hoạch VL: đã nạp, 3 đơn vị, 1 nhiệm vụ."


def test_a_reorganisation_says_how_much_it_changed_and_where_to_look():
    changes = [Change("add", "unit", "SNV"), Change("move", "assignment", "IV.2.a (lead)")]
    assert reorg_line(LoadResult("VL-2025", changes, dry_run=False, kind="reorg")).startswith(
        "Đã áp dụng VL-2025: 2 thay đổi — xem `nhacviec plan show`")
    assert reorg_line(LoadResult("VL-2025", [], dry_run=False, kind="reorg")) == \
        "Sắp xếp tổ chức VL-2025: đã áp dụng trước đó, không có thay đổi."


def test_one_line_per_plan_then_per_reorganisation():
    results = [LoadResult("VL-3064-2023", [], dry_run=False), LoadResult("VD-CDS-2026", [], dry_run=False),
               LoadResult("VL-2025", [], dry_run=False, kind="reorg")]
    assert loaded(results) == ["Kế hoạch VL-3064-2023: đã nạp, không có thay đổi.",
                               "Kế hoạch VD-CDS-2026: đã nạp, không có thay đổi.",
                               "Sắp xếp tổ chức VL-2025: đã áp dụng trước đó, không có thay đổi."]


def test_where_to_look_is_the_public_address_when_there_is_one():
    assert where_to_look(load_settings(public_url="https://nhacviec.example.gov.vn/").web_url(8080)) == \
        "Trang theo dõi: https://nhacviec.example.gov.vn — đăng nhập bằng `nhacviec web-link --as coordinator`"
    # Without one, the listener as this machine reaches it (and the port it really bound).
    assert load_settings(listen="0.0.0.0:0").web_url(43210) == "http://127.0.0.1:43210"
