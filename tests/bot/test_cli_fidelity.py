"""What the operator's commands show of the plan as the decision says it: inferred parts and their reasons,
units followed without being asked, the coordinator's own consolidated report, conferences as events, and
the earlier years' figures entered by hand."""

import re
from datetime import date

from tests.bot.prepared import nhacviec


def test_plan_show_marks_what_the_decision_does_not_say(loaded):
    out = nhacviec("plan", "show", env=loaded).output
    lines = out.splitlines()

    def under(code: str) -> str:
        start = next(i for i, line in enumerate(lines) if line.startswith(f"  {code}  "))
        return "\n".join(lines[start:start + 4])

    # Section II names no unit: its owners are inferred, with the reasoning.
    assert "Suy luận (văn bản không ghi): chủ trì, phối hợp, lịch báo cáo, nghĩa vụ báo cáo — Chủ trì: mục II" \
        in under("II.1")
    # The associations are followed, not asked; the statistics office's schedules are the decision's.
    assert "Theo dõi, không hỏi báo cáo, không nhắc (report_by: none)" in under("IV.7.a")
    assert "report_by: none" not in under("IV.6")
    # Every schedule says why its date is what it is; conferences are events; 2030's yearly report comes early.
    assert "hang-nam  Báo cáo hằng năm: hằng năm" in out
    assert "[ngày mặc định] [lịch suy luận: văn bản không nêu] · không hỏi năm 2030" in out
    assert re.search(r"so-ket-2025-hoi-nghi  Tổ chức sơ kết thực hiện Kế hoạch năm 2025: sự kiện, tổ chức "
                     r"Thứ Hai, 15/12/2025 \[ngày mặc định\]\n      Căn cứ: Mục IV.1: 'Tổ chức sơ kết", out)
    assert ("hang-nam-2030  Báo cáo năm 2030: một lần, hạn Thứ Sáu, 29/11/2030 [ngày mặc định] [lịch suy luận: văn "
            "bản không nêu]") in out
    # A frequency the decision states is not marked inferred, only its date is a default.
    assert "thong-ke-hang-nam  Đánh giá tăng trưởng kinh tế, năng suất lao động hằng năm: hằng năm, kỳ số liệu theo " \
           "lịch (ngày 1 → cuối kỳ), hạn ngày 20/01 [ngày mặc định]" in out
    # III.2, the duty the plan had missed.
    assert "III.2  Lập dự toán ngân sách hàng năm và quản lý kinh phí" in out


def test_schedule_of_the_coordinator_shows_its_consolidated_report(loaded):
    out = nhacviec("schedule", "--unit", "SKHCN", "--from", "2026-12-01", "--to", "2027-01-31", env=loaded).output
    assert "■ Hạn Thứ Tư, 16/12/2026 — Báo cáo hằng năm, năm 2026" in out  # its own results, as every unit's
    block = out.split("■ Hạn Thứ Tư, 23/12/2026 — Báo cáo tổng hợp hằng năm gửi UBND tỉnh và Bộ KH&CN, năm 2026")[1]
    assert "Nhắc trước hạn: Thứ Tư, 16/12/2026 (-5) · Thứ Hai, 21/12/2026 (-2) · Thứ Tư, 23/12/2026 (hạn)" in block
    assert re.search(r"SKHCN\s+Sở Khoa học và Công nghệ\s+TH", block)
    assert date(2026, 12, 23) < date(2027, 1, 31)


def test_2030_the_yearly_report_comes_before_the_final_conference_which_is_an_event(loaded):
    out = nhacviec("schedule", "--from", "2030-10-01", "--to", "2030-12-31", env=loaded).output
    heads = [line for line in out.splitlines() if line.startswith("■")]
    assert heads == [
        "■ Hạn Thứ Năm, 31/10/2030 — Báo cáo tổng kết giai đoạn 2021–2030",
        "■ Ngày tổ chức Thứ Năm, 31/10/2030 — Tổ chức tổng kết thực hiện Kế hoạch tại địa phương năm 2030",
        "■ Hạn Thứ Sáu, 29/11/2030 — Báo cáo năm 2030",
        "■ Ngày tổ chức Thứ Sáu, 13/12/2030 — Tổ chức tổng kết thực hiện Kế hoạch năm 2030",
        "■ Hạn Thứ Sáu, 20/12/2030 — Báo cáo tổng kết 2021–2030 gửi UBND tỉnh và Bộ KH&CN",
    ]
    conference = out.split("■ Ngày tổ chức Thứ Sáu, 13/12/2030")[1].split("■")[0]
    assert "Kỳ số liệu" not in conference and "báo đã tổ chức chưa, ngày nào, kèm biên bản" in conference
    assert "Kỳ số liệu: 15/12/2029 – 29/11/2030" in out.split("■ Hạn Thứ Sáu, 29/11/2030")[1]
    # The final report is the nine Sở's (IV.2.b), not every unit's: no figures asked twice.
    final = out.split("■ Hạn Thứ Năm, 31/10/2030 — Báo cáo tổng kết giai đoạn 2021–2030")[1].split("■")[0]
    assert "IV.2.b" in final and "II.1" not in final and "IV.8" not in final


def test_baseline_set_and_list(loaded):
    result = nhacviec("baseline", "set", "dn_ho_tro", "2021", "8", "--source", "Báo cáo 45/BC-SKHCN", env=loaded)
    assert result.exit_code == 0
    assert "Đã ghi số liệu nhập tay: DN_HO_TRO năm 2021 = 8 lượt (nguồn: Báo cáo 45/BC-SKHCN)." in result.output
    assert "Thay số đã ghi trước: 8 lượt." in nhacviec("baseline", "set", "DN_HO_TRO", "2021", "9", "--source",
                                                         "Báo cáo 45/BC-SKHCN (đính chính)", env=loaded).output
    out = nhacviec("baseline", "list", env=loaded).output
    assert re.search(r"DN_HO_TRO\s+2021\s+9 lượt\s+Báo cáo 45/BC-SKHCN \(đính chính\)\s+cli", out)
    bad = nhacviec("baseline", "set", "NSLD", "2021", "abc", "--source", "x", env=loaded)
    assert bad.exit_code == 2 and "“abc” không phải một con số" in bad.output
    far = nhacviec("baseline", "set", "NSLD", "2030", "8", "--source", "x", env=loaded)
    assert far.exit_code == 2 and "Chỉ nhập được số liệu các năm 2021–" in far.output
