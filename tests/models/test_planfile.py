"""The plan file: the shipped plan is faithful to the seed; every bad input names its place."""

import os
import re
import textwrap
from pathlib import Path

import pytest

from models.planfiles.plan_file import read_plan
from models.planfiles.source import SourceError
from plans import DEFAULT_PLAN

SEED = DEFAULT_PLAN.parent / "sources" / "vinh-long-3064-QD-UBND-2023.txt"

MINIMAL = """\
plan:
  code: T-1
  title: "Kế hoạch thử"
  decision: "1/QĐ-UBND"
  issued: 2024-01-02
  start: 2024-01-01
  end: 2026-12-31
  coordinator: SKHCN
units:
  - code: SKHCN
    name: "Sở Khoa học và Công nghệ"
    aliases: ["Sở KH&CN"]
  - code: SCT
    name: "Sở Công Thương"
schedules:
  hang-quy:
    every: quarter
    due: 20
tasks:
  - code: "1"
    title: "Nhiệm vụ một"
    lead: [SCT]
    schedules: [hang-quy]
"""


def write(tmp_path: Path, text: str, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(SourceError) as caught:
        read_plan(path)
    return [str(p) for p in caught.value.problems]


# --- the shipped plan ----------------------------------------------------------------------


def test_shipped_plan_names_every_responsible_unit():
    spec = read_plan(DEFAULT_PLAN).spec
    codes = {u.code for u in spec.units}
    assert len(spec.units) == 27
    names = {u.name for u in spec.units}
    for sở in ["Công Thương", "Nông nghiệp và Phát triển nông thôn", "Xây dựng", "Giao thông vận tải",
               "Văn hóa, Thể thao và Du lịch", "Thông tin và Truyền thông", "Y tế", "Giáo dục và Đào tạo",
               "Lao động - Thương binh và Xã hội", "Kế hoạch và Đầu tư", "Tài chính", "Khoa học và Công nghệ"]:
        assert f"Sở {sở}" in names
    for other in ["Cục Thống kê tỉnh Vĩnh Long", "Hiệp hội Doanh nghiệp tỉnh Vĩnh Long",
                  "Hội Doanh nhân trẻ tỉnh Vĩnh Long", "Liên minh các Hợp tác xã tỉnh Vĩnh Long",
                  "Đài Phát thanh và Truyền hình Vĩnh Long", "Báo Vĩnh Long", "Văn phòng Ủy ban nhân dân tỉnh"]:
        assert other in names
    districts = [u for u in spec.units if u.kind == "ubnd"]
    assert sorted(u.name for u in districts) == sorted([
        "UBND thành phố Vĩnh Long", "UBND thị xã Bình Minh", "UBND huyện Long Hồ", "UBND huyện Mang Thít",
        "UBND huyện Vũng Liêm", "UBND huyện Tam Bình", "UBND huyện Trà Ôn", "UBND huyện Bình Tân"])
    assert spec.plan.coordinator in codes


def test_shipped_plan_has_every_duty_group_target_and_review():
    spec = read_plan(DEFAULT_PLAN).spec
    tasks = {t.code: t for t in spec.tasks}
    assert [c for c in tasks if c.startswith("II.")] == ["II.1", "II.2", "II.3", "II.4", "II.5"]
    # Section IV: SKHCN's five duties, the Sở's two, KH&ĐT, Tài chính's two, the media's two, Thống kê,
    # the associations' two, the district committees' three.
    assert [c for c in tasks if c.startswith("IV.")] == [
        "IV.1.a", "IV.1.b", "IV.1.c", "IV.1.d", "IV.1.e", "IV.2.a", "IV.2.b", "IV.3", "IV.4.a", "IV.4.b",
        "IV.5.a", "IV.5.b", "IV.6", "IV.7.a", "IV.7.b", "IV.8.a", "IV.8.b", "IV.8.c"]
    assert len(tasks["IV.2.a"].lead) == 9 and len(tasks["IV.8.c"].lead) == 8
    targets = {t.code: t.milestone_specs() for t in spec.targets}
    assert targets["DN_HO_TRO"][2025].value == 30 and targets["DN_HO_TRO"][2030].value == 40
    assert float(targets["NSLD"][2025].value) == 8.3 and targets["NSLD"][2030].op == ">"
    assert targets["TFP"][2025].op == "~" and targets["TFP"][2030].value == 50
    schedules = spec.schedules
    assert schedules["so-ket-2025"].once.year == 2025 and schedules["tong-ket-2030"].once.year == 2030
    assert schedules["tfp-5-nam"].every == "five-year"
    assert schedules["thong-ke-hang-nam"].window == "calendar" and schedules["thong-ke-5-nam"].every == "five-year"
    assert tasks["IV.6"].schedules == ["thong-ke-hang-nam", "thong-ke-5-nam"]
    assert "tfp-5-nam" in tasks["IV.1.d"].schedules
    # The document sets no date: every schedule says so, and quotes the words it rests on.
    for schedule in schedules.values():
        assert schedule.source == "default" and schedule.basis


def test_shipped_plan_quotes_the_seed_verbatim():
    seed = re.sub(r"\s+", " ", SEED.read_text(encoding="utf-8"))
    spec = read_plan(DEFAULT_PLAN).spec
    quoted = [q for s in spec.schedules.values() for q in re.findall(r"'([^']+)'", s.basis)]
    assert len(quoted) >= 8
    for quote in quoted:
        for fragment in re.sub(r"\s+", " ", quote).split("…"):  # "…" marks words left out
            assert fragment.strip() in seed, fragment


# --- bad input ---------------------------------------------------------------------------------


def test_minimal_plan_is_valid(tmp_path):
    loaded = read_plan(write(tmp_path, MINIMAL))
    assert loaded.spec.plan.code == "T-1" and len(loaded.sha256) == 64


def test_duplicate_unit_code_names_line_and_key(tmp_path):
    text = MINIMAL.replace("  - code: SCT\n", "  - code: SKHCN\n")
    problem, *rest = problems_of(write(tmp_path, text))
    assert rest == [f"{tmp_path / 'plan.yaml'}:22: tasks[0].lead[0]: đơn vị 'SCT' không có trong units"]
    assert problem.startswith(f"{tmp_path / 'plan.yaml'}:13: units[1].code:")
    assert "SKHCN" in problem and "trùng" in problem


def test_task_naming_an_unknown_unit(tmp_path):
    (problem,) = problems_of(write(tmp_path, MINIMAL.replace("lead: [SCT]", "lead: [SXD]")))
    assert ":22: tasks[0].lead[0]:" in problem and "'SXD'" in problem


def test_impossible_date(tmp_path):
    (problem,) = problems_of(write(tmp_path, MINIMAL.replace("issued: 2024-01-02", "issued: 2024-02-30")))
    assert ":5: plan.issued:" in problem and "2024-02-30" in problem


def test_impossible_due_month_day(tmp_path):
    text = MINIMAL.replace("    every: quarter\n    due: 20", '    every: year\n    due: "02-30"')
    (problem,) = problems_of(write(tmp_path, text))
    assert ":18: schedules.hang-quy.due:" in problem and "02-30" in problem


def test_schedule_with_no_rule(tmp_path):
    text = MINIMAL.replace("    every: quarter\n    due: 20\n", "    name: \"Không có quy tắc\"\n")
    (problem,) = problems_of(write(tmp_path, text))
    assert ":16: schedules.hang-quy:" in problem and "every" in problem


def test_periodic_schedule_without_deadline(tmp_path):
    (problem,) = problems_of(write(tmp_path, MINIMAL.replace("    due: 20\n", "")))
    assert "schedules.hang-quy" in problem and "due" in problem


@pytest.mark.parametrize("text", ["- a\n- b\n", "chỉ một dòng chữ\n", "42\n"])
def test_yaml_that_is_not_a_mapping(tmp_path, text):
    (problem,) = problems_of(write(tmp_path, text))
    assert "bảng khóa" in problem


def test_empty_and_broken_yaml(tmp_path):
    assert "rỗng" in problems_of(write(tmp_path, "", "empty.yaml"))[0]
    (problem,) = problems_of(write(tmp_path, "plan: [1, 2\n", "broken.yaml"))
    assert "broken.yaml:" in problem and "YAML" in problem


def test_fifty_megabyte_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: the size is real, the disk is not used
    (problem,) = problems_of(path)
    assert "huge.yaml" in problem and "quá lớn" in problem and "50" in problem


def test_not_utf8(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes("plan:\n  title: 'Kế hoạch'\n".encode("utf-16"))
    assert "UTF-8" in problems_of(path)[0]


def test_unknown_and_duplicate_keys(tmp_path):
    text = MINIMAL.replace("  coordinator: SKHCN\n", "  coordinator: SKHCN\n  coordinater: SKHCN\n")
    (problem,) = problems_of(write(tmp_path, text))
    assert ":9: plan.coordinater:" in problem and "không được hỗ trợ" in problem
    text = MINIMAL.replace("  end: 2026-12-31\n", "  end: 2026-12-31\n  end: 2027-12-31\n")
    (problem,) = problems_of(write(tmp_path, text))
    assert ":8: plan.end:" in problem and "dòng 7" in problem


def test_yaml_aliases_are_refused(tmp_path):
    text = MINIMAL.replace("lead: [SCT]", "lead: &x [SCT]\n    support: *x")
    assert any("neo" in p for p in problems_of(write(tmp_path, text)))


def test_successor_cycle_and_unknown_coordinator(tmp_path):
    text = MINIMAL.replace("  coordinator: SKHCN", "  coordinator: SKHDT").replace(
        '    aliases: ["Sở KH&CN"]\n', '    aliases: ["Sở KH&CN"]\n    valid_to: 2025-02-28\n    successor: SCT\n'
    ).replace('    name: "Sở Công Thương"\n',
              '    name: "Sở Công Thương"\n    valid_to: 2025-02-28\n    successor: SKHCN\n')
    found = problems_of(write(tmp_path, text))
    assert any("plan.coordinator" in p and "SKHDT" in p for p in found)
    assert any("vòng kế thừa" in p and "SKHCN → SCT → SKHCN" in p for p in found)


def test_alias_pointing_at_two_units(tmp_path):
    text = MINIMAL.replace('    name: "Sở Công Thương"\n', '    name: "Sở Công Thương"\n    aliases: ["So KH&CN"]\n')
    (problem,) = problems_of(write(tmp_path, text))
    assert "units[1].aliases" in problem and "SKHCN" in problem


def test_unknown_timezone_and_bad_values(tmp_path):
    text = MINIMAL.replace("  coordinator: SKHCN", "  coordinator: SKHCN\n  timezone: Mars/Olympus").replace(
        "    every: quarter", "    every: fortnight")
    found = problems_of(write(tmp_path, text))
    assert any("plan.timezone" in p and "Mars/Olympus" in p for p in found)
    assert any("schedules.hang-quy.every" in p and "fortnight" in p for p in found)


def test_all_problems_are_reported_at_once(tmp_path):
    text = MINIMAL.replace("lead: [SCT]", "lead: [SXD]\n    schedules: [hang-ngay]").replace(
        "    schedules: [hang-quy]\n", "")
    found = problems_of(write(tmp_path, text))
    assert len(found) == 2 and {"tasks[0].lead[0]", "tasks[0].schedules[0]"} == {
        p.split(": ")[1] for p in found}


def test_unreadable_file(tmp_path):
    missing = tmp_path / "missing.yaml"
    (problem,) = problems_of(missing)
    assert "missing.yaml" in problem and "không đọc được" in problem
    if os.name == "posix" and os.geteuid() == 0:
        return  # root reads anything; the missing file covers the message


# --- the keys that say how the plan reads the document ---------------------------------------------

FULL = MINIMAL.replace("  coordinator: SKHCN\n", """\
  coordinator: SKHCN
  short: "KH thử"
  issuer: ["UBND TỈNH THỬ", "SỞ KHOA HỌC VÀ CÔNG NGHỆ"]
  report_to: ["Ủy ban nhân dân tỉnh Thử", "Bộ Khoa học và Công nghệ"]
  review: false
""").replace("schedules:\n  hang-quy:\n", """\
targets:
  - code: NS
    name: "Tốc độ tăng năng suất bình quân"
    aggregate: average_growth
    milestones: {2026: 8.3}
calendar:
  deadline_on_day_off: previous
schedules:
  hoi-nghi:
    once: 2025-12-15
    kind: event
  hang-nam:
    every: year
    due: {after_cutoff: 2}
    skip_years: [2025]
    inferred: true
    basis: "Văn bản không nêu tần suất."
  hang-quy:
""").replace("""    schedules: [hang-quy]
""", """    short_title: "Một"
    schedules: [hang-quy, hang-nam, hoi-nghi]
    report_by: none
    inferred: [lead, schedules]
    basis: "Văn bản không nêu đơn vị, không nêu lịch."
""")


def test_every_new_key_is_optional_and_read(tmp_path):
    plain = read_plan(write(tmp_path, MINIMAL)).spec
    assert plain.plan.short is None and plain.plan.issuer is None and plain.plan.review is True
    assert plain.calendar.deadline_on_day_off == "next"
    task, schedule = plain.tasks[0], plain.schedules["hang-quy"]
    assert (task.short_title, task.inferred, task.basis, task.report_by) == (None, [], "", "lead")
    assert (schedule.kind, schedule.skip_years, schedule.inferred) == ("report", [], False)
    spec = read_plan(write(tmp_path, FULL, "full.yaml")).spec
    assert spec.plan.short == "KH thử" and spec.plan.report_to[1] == "Bộ Khoa học và Công nghệ"
    assert spec.plan.issuer == ["UBND TỈNH THỬ", "SỞ KHOA HỌC VÀ CÔNG NGHỆ"] and spec.plan.review is False
    assert spec.targets[0].aggregate == "average_growth" and spec.calendar.deadline_on_day_off == "previous"
    assert spec.schedules["hoi-nghi"].kind == "event" and spec.schedules["hang-nam"].skip_years == [2025]
    assert spec.schedules["hang-nam"].inferred is True and spec.schedules["hoi-nghi"].inferred is False
    task = spec.tasks[0]
    assert (task.short_title, task.report_by, task.inferred) == ("Một", "none", ["lead", "schedules"])


def test_inferred_parts_need_their_basis(tmp_path):
    text = FULL.replace('    basis: "Văn bản không nêu đơn vị, không nêu lịch."\n', "")
    (problem,) = problems_of(write(tmp_path, text))
    assert re.search(r":\d+: tasks\[0\]: nhiệm vụ 1: `inferred` ghi lead, schedules là suy luận nhưng thiếu `basis`",
                     problem)


def test_an_inferred_schedule_needs_its_basis(tmp_path):
    text = FULL.replace('    basis: "Văn bản không nêu tần suất."\n', "")
    (problem,) = problems_of(write(tmp_path, text))
    assert re.search(r":\d+: schedules\.hang-nam: lịch ghi `inferred: true` \(văn bản không nêu\) nhưng thiếu "
                     r"`basis`", problem), problem


@pytest.mark.parametrize(("change", "expected"), [
    (("inferred: [lead, schedules]", "inferred: [lead, lead]"), "nhiệm vụ 1: `inferred` ghi hai lần: lead"),
    (("inferred: [lead, schedules]", "inferred: [support]"), "nhiệm vụ 1: `inferred` ghi support nhưng nhiệm vụ "
                                                             "không có support"),
    (("inferred: [lead, schedules]", "inferred: [reporting]"), "report_by: none (không ai bị hỏi báo cáo) mâu "
                                                               "thuẫn với `inferred: [reporting]`"),
    (("inferred: [lead, schedules]", "inferred: [owner]"), "giá trị 'owner' không hợp lệ; chọn một trong: 'lead', "
                                                           "'support', 'schedules'"),
    (("report_by: none", "report_by: nobody"), "giá trị 'nobody' không hợp lệ"),
    (('short_title: "Một"', 'short_title: "' + "dài " * 25 + '"'), "tasks[0].short_title: quá dài"),
])
def test_bad_task_keys(tmp_path, change, expected):
    (problem,) = problems_of(write(tmp_path, FULL.replace(*change)))
    assert expected in problem and "tasks[0]" in problem


def test_skip_years_must_lie_in_the_plan_and_fit_a_periodic_schedule(tmp_path):
    (problem,) = problems_of(write(tmp_path, FULL.replace("skip_years: [2025]", "skip_years: [2025, 2031]")))
    assert "schedules.hang-nam.skip_years[1]: năm 2031 nằm ngoài thời gian kế hoạch (2024–2026)" in problem
    text = FULL.replace("    kind: event\n", "    kind: event\n    skip_years: [2025]\n")
    (problem,) = problems_of(write(tmp_path, text))
    assert "schedules.hoi-nghi:" in problem and "`skip_years` chỉ dùng cho lịch định kỳ" in problem
    (problem,) = problems_of(write(tmp_path, FULL.replace("skip_years: [2025]", "skip_years: [2025, 2025]")))
    assert "`skip_years` có năm ghi hai lần" in problem


def test_an_event_is_one_day_without_a_data_window(tmp_path):
    text = FULL.replace("    once: 2025-12-15\n    kind: event\n",
                        "    every: year\n    due: \"12-15\"\n    kind: event\n")
    (problem,) = problems_of(write(tmp_path, text))
    assert "schedules.hoi-nghi:" in problem and "dùng `once`, không dùng `every`" in problem
    text = FULL.replace("    kind: event\n", "    kind: event\n    window_from: 2024-01-01\n")
    (problem,) = problems_of(write(tmp_path, text))
    assert "schedules.hoi-nghi:" in problem and "không có kỳ số liệu: bỏ `window_from`" in problem
    (problem,) = problems_of(write(tmp_path, FULL.replace("kind: event", "kind: meeting")))
    assert "schedules.hoi-nghi.kind:" in problem and "'meeting'" in problem


def test_bad_plan_level_keys(tmp_path):
    text = FULL.replace("deadline_on_day_off: previous", "deadline_on_day_off: soon")
    (problem,) = problems_of(write(tmp_path, text))
    assert "calendar.deadline_on_day_off:" in problem and "'next'" in problem
    (problem,) = problems_of(write(tmp_path, FULL.replace('  issuer: ["UBND TỈNH THỬ", "SỞ KHOA HỌC VÀ CÔNG NGHỆ"]',
                                                          "  issuer: []")))
    assert "plan.issuer:" in problem and "không được để trống" in problem
    (problem,) = problems_of(write(tmp_path, FULL.replace("aggregate: average_growth", "aggregate: mean")))
    assert "targets[0].aggregate:" in problem and "'average_growth'" in problem
