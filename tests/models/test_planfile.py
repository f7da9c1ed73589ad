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
    assert "bảng khoá" in problem


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
