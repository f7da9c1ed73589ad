"""The operator's commands, run as the IT officer would run them."""

import re
from importlib import metadata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from plans import DEFAULT_PLAN, EXAMPLE_PLAN
from tests.bot.prepared import nhacviec, prepare_database


def test_units_lists_every_unit_of_the_plan_and_of_the_reorganisation(loaded):
    result = nhacviec("units", env=loaded)
    assert result.exit_code == 0
    assert "30 đơn vị" in result.output  # the plan's 27 and the three the 2025 reorganisation created
    # Sở TT&TT merged into Sở KH&CN, but its IV.2 leads are dropped, not moved: they are reports "gửi về
    # Sở KH&CN", which the coordinator cannot owe itself. Sở KH&CN keeps its own 12 (III.2 and TH included).
    assert re.search(r"SKHCN\s+Sở Khoa học và Công nghệ\s+Sở\s+12\s+0", result.output)
    assert re.search(r"UBND-VLI\s+UBND huyện Vũng Liêm\s+UBND\s+0\s+0\s+… – 30/06/2025 → UBND-CAPXA",
                     result.output)


def test_plan_only_when_reorganisations_are_turned_off(db_url):
    env = {"NHACVIEC_DATABASE_URL": db_url, "NHACVIEC_REORGS": "none"}
    prepare_database(env)
    result = nhacviec("units", env=env)
    assert "27 đơn vị" in result.output
    assert re.search(r"SKHCN\s+Sở Khoa học và Công nghệ\s+Sở\s+12\s+0", result.output)


def test_registry_on_a_date_and_a_units_history(loaded):
    june = nhacviec("units", "--at", "01/06/2025", env=loaded).output
    assert "24 đơn vị hoạt động ngày 01/06/2025" in june and "UBND huyện Vũng Liêm" in june
    assert "Sở Thông tin và Truyền thông" not in june and "Sở Nông nghiệp và Môi trường" in june
    august = nhacviec("units", "--at", "2025-08-01", env=loaded).output
    assert "17 đơn vị hoạt động ngày 01/08/2025" in august
    assert "UBND các xã, phường" in august and "Vũng Liêm" not in august
    history = nhacviec("units", "history", "skhcn", env=loaded).output
    assert "01/03/2025: STTTT (Sở Thông tin và Truyền thông) hợp nhất vào SKHCN" in history
    assert "nhiệm vụ IV.5.a (chủ trì) → SVHTTDL" in history and "Căn cứ: NQ 207/NQ-HĐND" in history
    unknown = nhacviec("units", "history", "SXYZ", env=loaded)
    assert unknown.exit_code == 2 and "Không có đơn vị mã 'SXYZ'" in unknown.output


def test_a_rename_applies_from_its_date_only(loaded):
    """Issue 15 §10: the statistics office is "Cục Thống kê tỉnh Vĩnh Long" (a Cục) until 28/02/2025 and
    "Thống kê tỉnh Vĩnh Long" (no longer a Cục) from 01/03/2025, in every listing."""
    before = nhacviec("units", "--at", "2024-06-01", env=loaded).output
    assert re.search(r"CTK\s+Cục Thống kê tỉnh Vĩnh Long\s+Cục\s+1\s", before)
    assert re.search(r"CTK\s+Cục Thống kê tỉnh Vĩnh Long\s+Cục\s+1\s", nhacviec(
        "units", "--at", "2025-02-28", env=loaded).output)
    after = nhacviec("units", "--at", "2025-03-01", env=loaded).output
    assert re.search(r"CTK\s+Thống kê tỉnh Vĩnh Long\s+Khác\s+1\s", after) and "Cục Thống kê tỉnh Vĩnh Long" in after
    # (the old name stays an alias: the last column). Deadlines are named as the unit was called then.
    schedule = nhacviec("schedule", "--from", "2025-01-01", "--to", "2026-01-31", "--unit", "CTK", env=loaded).output
    due_2025, due_2026 = schedule.split("■ Hạn Thứ Ba, 20/01/2026")
    assert re.search(r"CTK\s+Cục Thống kê tỉnh Vĩnh Long\s+IV.6", due_2025)
    assert re.search(r"CTK\s+Thống kê tỉnh Vĩnh Long\s+IV.6", due_2026) and "Cục" not in due_2026
    history = nhacviec("units", "history", "CTK", env=loaded).output
    assert "01/03/2025: đổi tên “Cục Thống kê tỉnh Vĩnh Long” → “Thống kê tỉnh Vĩnh Long”" in history


def test_reorganisation_check_dry_run_and_load(db_url, tmp_path):
    env = {"NHACVIEC_DATABASE_URL": db_url, "NHACVIEC_REORGS": "none"}
    prepare_database(env)
    shipped = str(DEFAULT_PLAN.parent / "vinh-long-2025-reorg.yaml")
    assert "hợp lệ — 14 sự kiện, 3 đơn vị mới" in nhacviec("reorg", "check", shipped, env=env).output
    dry = nhacviec("reorg", "load", shipped, "--dry-run", env=env).output
    assert "Sẽ thay đổi (chạy thử, chưa ghi gì):" in dry
    assert "nhiệm vụ IV.8.a (chủ trì): UBND-LH → UBND-CAPXA từ 01/07/2025" in dry
    assert "Tổng: 50 phần việc đổi đơn vị, 0 chờ quyết định. Bỏ 6 phần việc: không ai báo cáo cho chính mình, " \
           "không ai phối hợp với chính mình." in dry
    # Issue 15 §9: Sở TT&TT's reports "gửi về Sở KH&CN" do not become Sở KH&CN's reports to itself, its support
    # of IV.1.a does not land on IV.1.a's lead, and its press work goes with the press function.
    assert "nhiệm vụ IV.2.a: STTTT → SKHCN: bỏ phần chủ trì — đơn vị điều phối không báo cáo cho chính mình" in dry
    assert "nhiệm vụ IV.1.a: STTTT → SKHCN: bỏ — đơn vị nhận đã chủ trì nhiệm vụ này" in dry
    assert "nhiệm vụ II.4 (phối hợp): STTTT → SVHTTDL từ 01/03/2025" in dry
    assert "nhiệm vụ IV.3: SKHDT → STC: đơn vị nhận thôi phần phối hợp, vì từ nay chủ trì" in dry
    assert "27 đơn vị" in nhacviec("units", env=env).output  # the dry run wrote nothing
    assert "Đã thay đổi:" in nhacviec("reorg", "load", shipped, env=env).output
    assert "đã được nạp" in nhacviec("reorg", "load", shipped, env=env).output
    bad = tmp_path / "bad.yaml"
    bad.write_text("reorganisation: {code: X, plan: VL-3064-2023, title: x}\n"
                   "events:\n  - {date: 2025-03-01, merge: [SCT], into: SKHCM, source: x}\n", encoding="utf-8")
    result = nhacviec("reorg", "check", str(bad), env=env)
    assert result.exit_code == 2
    assert "bad.yaml:3: events[0]: đơn vị nhận 'SKHCM' không có trong kế hoạch hay trong units" in result.output


def test_plan_show_reads_like_the_plan(loaded):
    out = nhacviec("plan", "show", env=loaded).output
    assert "Kế hoạch VL-3064-2023 (KH 3064 – Năng suất) — Quyết định 3064/QĐ-UBND ngày 29/12/2023" in out
    assert "2025: ≥ 30 lượt · 2030: ≥ 40 lượt" in out
    assert "2025: ≥ 8,3 %/năm" in out  # Vietnamese decimal comma
    assert "hạn 2 ngày làm việc sau ngày chốt số liệu [ngày mặc định]" in out
    assert "Thứ Sáu, 02/01/2026: nghỉ" in out and "Thứ Bảy, 10/01/2026: làm việc" in out
    before = nhacviec("plan", "show", "--at", "2024-06-01", env=loaded).output
    assert "đơn vị phụ trách ngày 01/06/2024" in before
    # IV.1.a, with the units the plan names
    assert "Chủ trì: SKHCN · Phối hợp: SCT, SNNPTNT, SXD, SGTVT, SVHTTDL, STTTT, SYT, SGDDT, SLDTBXH" in before


def test_plan_show_names_todays_units_and_whom_they_took_over_from(loaded):
    out = nhacviec("plan", "show", "--at", "2025-08-01", env=loaded).output
    lines = {line.split()[0]: next_line for line, next_line in zip(out.splitlines(), out.splitlines()[1:],
                                                                  strict=False) if line.startswith("  ")}
    assert ("Chủ trì: SKHCN · Phối hợp: SCT, SXD (trước đây: SGTVT), SVHTTDL, SYT, SGDDT, SNV (trước đây: SLDTBXH), "
            "SNNMT (trước đây: SNNPTNT)") in lines["IV.1.a"]
    # A merger: Sở Tài chính leads what Sở KH&ĐT led, and is not listed a second time as supporting.
    assert "Chủ trì: STC (trước đây: SKHDT) · Phối hợp: SKHCN · Lịch" in lines["IV.3"]
    # A function moved to another department than the successor (the press, to Sở VHTTDL).
    assert "Chủ trì: SVHTTDL (trước đây: STTTT) · Phối hợp: DPTTH, BVL" in lines["IV.5.a"]
    # Sở TT&TT's support of IV.1.a went to Sở KH&CN, which already leads it: no one else inherits it.
    assert "SNV (trước đây: SLDTBXH)" in lines["IV.1.a"] and "STTTT" not in lines["IV.1.a"]
    assert "Chủ trì: UBND-CAPXA (trước đây: UBND-TPVL, UBND-TXBM" in lines["IV.8.a"]


def test_schedule_2025_in_vietnamese_dates(loaded):
    result = nhacviec("schedule", "--from", "2025-01-01", "--to", "31/12/2025", env=loaded)
    out = result.output
    assert result.exit_code == 0
    assert "■ Hạn Thứ Ba, 16/12/2025 — Báo cáo hằng năm, năm 2025" in out
    assert "Kỳ số liệu: 15/12/2024 – 14/12/2025" in out
    assert ("Nhắc trước hạn: Thứ Ba, 09/12/2025 (-5) · Thứ Sáu, 12/12/2025 (-2) · Thứ Ba, 16/12/2025 (hạn)"
            in out)
    assert "Nhắc quá hạn: Thứ Tư, 17/12/2025 (+1) · Thứ Sáu, 19/12/2025 (+3)" in out
    assert "■ Hạn Thứ Sáu, 31/10/2025 — Báo cáo sơ kết giai đoạn 2021–2025" in out
    # The district committees ended on 30/06/2025: the mid-term report due in October is the communes'.
    assert re.search(r"UBND-CAPXA\s+UBND các xã, phường\s+IV\.8\.c", out) and "Vũng Liêm" not in out
    assert "■ Hạn Thứ Hai, 20/01/2025 — Đánh giá tăng trưởng kinh tế, năng suất lao động hằng năm, năm 2024" in out


def test_schedule_2026_and_one_unit(loaded):
    out = nhacviec("schedule", "--from", "2026-01-01", "--to", "2026-12-31", "--unit", "ctk", env=loaded).output
    assert "■ Hạn Thứ Ba, 20/01/2026" in out and "■ Hạn Thứ Ba, 31/03/2026" in out
    assert "SKHCN" not in out.split("\n", 1)[1].replace("SKHCN được báo", "")
    bad = nhacviec("schedule", "--from", "2026-01-01", "--to", "2026-12-31", "--unit", "XYZ", env=loaded)
    assert bad.exit_code == 2 and "XYZ" in bad.output


def test_schedule_rejects_bad_dates(loaded):
    result = nhacviec("schedule", "--from", "31/02/2025", "--to", "2025-12-31", env=loaded)
    assert result.exit_code == 2 and "31/02/2025" in result.output


def test_plan_check_and_load_with_errors_leave_the_database_untouched(loaded, tmp_path: Path):
    good = nhacviec("plan", "check", str(DEFAULT_PLAN))
    assert good.exit_code == 0 and "27 đơn vị, 25 nhiệm vụ" in good.output
    broken = tmp_path / "broken.yaml"
    broken.write_text(DEFAULT_PLAN.read_text(encoding="utf-8").replace("lead: [STC]", "lead: [SXYZ]", 1),
                      encoding="utf-8")
    check = nhacviec("plan", "check", str(broken))
    assert check.exit_code == 2 and re.search(r"broken\.yaml:\d+: tasks\[\d+\]\.lead\[0\]: đơn vị 'SXYZ'", check.output)
    load = nhacviec("plan", "load", str(broken), env=loaded)
    assert load.exit_code == 2 and "chưa ghi gì" in load.output
    assert "Không có thay đổi" in nhacviec("plan", "load", str(DEFAULT_PLAN), env=loaded).output


def test_plan_load_dry_run_prints_the_diff(loaded, tmp_path: Path):
    changed = tmp_path / "changed.yaml"
    changed.write_text(DEFAULT_PLAN.read_text(encoding="utf-8").replace(
        'name: "Báo Vĩnh Long"', 'name: "Báo Vĩnh Long (điện tử)"'), encoding="utf-8")
    dry = nhacviec("plan", "load", str(changed), "--dry-run", env=loaded)
    assert dry.exit_code == 0 and "chạy thử" in dry.output
    assert "~ đơn vị BVL: name: Báo Vĩnh Long → Báo Vĩnh Long (điện tử)" in dry.output
    assert "Báo Vĩnh Long (điện tử)" not in nhacviec("units", env=loaded).output
    nhacviec("plan", "load", str(changed), env=loaded)
    assert "Báo Vĩnh Long (điện tử)" in nhacviec("units", env=loaded).output


def test_db_upgrade_and_current(loaded):
    assert "mới nhất" in nhacviec("db", "upgrade", env=loaded).output
    assert "mới nhất" in nhacviec("db", "current", env=loaded).output


def test_unreachable_database_is_one_line_without_traceback():
    env = {"NHACVIEC_DATABASE_URL": "postgresql://nobody:pw@127.0.0.1:1/nothing"}
    result = nhacviec("units", env=env)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "127.0.0.1:1/nothing" in lines[0] and "pw" not in lines[0]
    assert "Traceback" not in result.output


@pytest.mark.parametrize("where", ["under-a-file", "not-a-database"])
def test_unusable_sqlite_path_is_one_line_without_traceback(tmp_path, where):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("ghi chú, không phải cơ sở dữ liệu\n" * 50)
    path = blocker / "nhacviec.db" if where == "under-a-file" else blocker
    result = nhacviec("run", env={"NHACVIEC_DATABASE_URL": f"sqlite:///{path}"})
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Không kết nối được cơ sở dữ liệu" in lines[0] and "notes.txt" in lines[0]
    assert blocker.read_text().startswith("ghi chú")  # nothing written over the file


def test_bad_setting_is_one_line(monkeypatch):
    result = nhacviec("units", env={"NHACVIEC_TIMEZONE": "Nowhere/Else"})
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and "NHACVIEC_TIMEZONE" in result.output


def test_commands_before_any_plan_is_loaded_say_what_to_do(db_url):
    result = nhacviec("units", env={"NHACVIEC_DATABASE_URL": db_url})
    assert result.exit_code == 2 and "nhacviec plan load" in result.output


def test_read_commands_on_a_database_never_set_up(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    result = nhacviec("schedule", "--from", "2025-01-01", "--to", "2025-12-31")
    assert result.exit_code == 2 and "chưa được khởi tạo" in result.output and "nhacviec run" in result.output
    assert "Traceback" not in result.output


def test_invite_prints_a_code_a_zalo_line_and_expiry(loaded):
    result = nhacviec("invite", "so cong thuong", "--role", "focal", env=loaded)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Mã mời đầu mối — Sở Công Thương: ")
    code = lines[0].rsplit(": ", 1)[1]
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    assert "Hiệu lực 14 ngày, dùng một lần." in result.output and f"gửi /start {code}" in result.output
    assert nhacviec("invite", "--role", "leader", "--days", "3", env=loaded).exit_code == 0
    bad = nhacviec("invite", "UBND", env=loaded)
    assert bad.exit_code == 2 and "VPUBND, UBND-CAPXA" in bad.output  # units in existence today
    assert nhacviec("invite", "SCT", "--role", "boss", env=loaded).exit_code == 2


def test_chat_console_registers_and_reports(loaded):
    session = "/bc IV.2.a 80% dn=5 Đã hỗ trợ 5 doanh nghiệp\n/tinhhinh\n/thoat\n"
    result = CliRunner().invoke(app, ["chat", "--as", "focal:SCT", "--name", "Tester"], input=session,
                           env=loaded, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Anh/chị đã được đăng ký là đầu mối — Sở Công Thương." in result.output
    assert "Đã ghi nhận báo cáo IV.2.a" in result.output and "🏢 Sở Công Thương (SCT)" in result.output


def test_reminders_preview_says_what_and_why_without_sending(loaded):
    assert nhacviec("invite", "SCT", env=loaded).exit_code == 0
    # Nobody is registered yet: nothing would be sent.
    out = nhacviec("reminders", "preview", "--at", "2026-12-09 08:00", env=loaded).output
    assert "Nếu bot chạy vào 08:00 09/12/2026, lần quét sẽ gửi 0 tin nhắn." in out


def test_a_saturday_deadline_is_scheduled_on_the_monday(loaded):
    """20/01/2029 is a Saturday: Bộ luật Dân sự 2015, Điều 148 khoản 5 moves the deadline to Monday."""
    out = nhacviec("schedule", "--from", "15/01/2029", "--to", "31/01/2029", "--unit", "CTK", env=loaded).output
    assert "■ Hạn Thứ Hai, 22/01/2029 — Đánh giá tăng trưởng kinh tế, năng suất lao động hằng năm, năm 2028" in out
    assert "Thứ Bảy, 20/01/2029" not in out and "rơi vào ngày nghỉ" not in out
    assert "Nhắc trước hạn: Thứ Hai, 15/01/2029 (-5) · Thứ Năm, 18/01/2029 (-2) · Thứ Hai, 22/01/2029 (hạn)" in out
    assert "Nhắc quá hạn: Thứ Ba, 23/01/2029 (+1) · Thứ Năm, 25/01/2029 (+3)" in out


def test_digest_print_and_files(loaded, tmp_path):
    out = nhacviec("digest", "--print", env=loaded).output
    assert "📰 Bản tin tuần — kế hoạch KH 3064 – Năng suất" in out and "🎯 Mục tiêu:" in out
    xlsx, png = tmp_path / "tonghop.xlsx", tmp_path / "bieudo.png"
    result = nhacviec("digest", "--xlsx", str(xlsx), "--png", str(png), env=loaded)
    assert result.exit_code == 0, result.output
    assert xlsx.read_bytes()[:2] == b"PK" and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    no_channel = nhacviec("digest", "--send", env=loaded)
    assert no_channel.exit_code == 2 and "NHACVIEC_TELEGRAM_TOKEN" in no_channel.output


@pytest.fixture
def two_plans(db_url: str) -> dict[str, str]:
    env = {"NHACVIEC_DATABASE_URL": db_url, "NHACVIEC_PLANS": f"{DEFAULT_PLAN},{EXAMPLE_PLAN}"}
    prepare_database(env)
    return env


def test_several_plans_are_listed_scheduled_and_retired(two_plans, tmp_path):
    listing = nhacviec("plan", "list", env=two_plans).output
    assert re.search(r"VD-CDS-2026\s+KH ví dụ – Chuyển đổi số\s+đang theo dõi\s+3\s+2\s+0", listing)
    assert re.search(r"VL-3064-2023\s+KH 3064 – Năng suất\s+đang theo dõi\s+27\s+25\s+0", listing)
    assert "30 đơn vị" in nhacviec("units", env=two_plans).output  # shared units counted once
    # The schedule covers both plans without --plan, and --plan narrows it.
    both = nhacviec("schedule", "--from", "01/12/2026", "--to", "31/12/2026", "--unit", "SCT", env=two_plans).output
    assert "■ Hạn Thứ Tư, 16/12/2026 — Báo cáo hằng quý, quý IV/2026 (KH ví dụ – Chuyển đổi số)" in both
    assert "■ Hạn Thứ Tư, 16/12/2026 — Báo cáo hằng năm, năm 2026 (KH 3064 – Năng suất)" in both
    one = nhacviec("schedule", "--from", "01/12/2026", "--to", "31/12/2026", "--plan", "VD-CDS-2026",
                   env=two_plans).output
    assert "quý IV/2026" in one and "năm 2026 (KH 3064" not in one
    digest = nhacviec("digest", "--print", env=two_plans).output
    assert "━━ KH 3064 – Năng suất ━━" in digest or "kế hoạch KH 3064 – Năng suất" in digest
    # Retired: listed as ended, no longer in the schedule; start-up never retires nor un-retires a plan.
    assert "Đã kết thúc theo dõi kế hoạch VD-CDS-2026" in nhacviec("plan", "retire", "VD-CDS-2026",
                                                                   env=two_plans).output
    again = nhacviec("plan", "retire", "VD-CDS-2026", env=two_plans)
    assert again.exit_code == 2 and "đã kết thúc theo dõi trước đó" in again.output
    assert re.search(r"VD-CDS-2026\s+KH ví dụ – Chuyển đổi số\s+kết thúc \d\d/\d\d/\d{4}",
                     nhacviec("plan", "list", env=two_plans).output)
    after = nhacviec("schedule", "--from", "01/12/2026", "--to", "31/12/2026", "--unit", "SCT", env=two_plans).output
    assert "quý IV/2026" not in after and "Báo cáo hằng năm, năm 2026" in after
    prepare_database(two_plans)  # what `nhacviec run` does before serving
    assert "kết thúc" in nhacviec("plan", "list", env=two_plans).output
    assert "Đã theo dõi lại" in nhacviec("plan", "retire", "VD-CDS-2026", "--undo", env=two_plans).output


@pytest.mark.parametrize("command", ["check", "load"])
def test_plan_commands_take_a_file_and_point_folders_to_the_setting(loaded, command):
    result = nhacviec("plan", command, str(EXAMPLE_PLAN.parent), env=loaded)
    assert result.exit_code == 2
    assert "là một thư mục" in result.output and f"NHACVIEC_PLANS={EXAMPLE_PLAN.parent}" in result.output


def test_plan_load_adds_a_plan_beside_the_others(loaded):
    result = nhacviec("plan", "load", str(EXAMPLE_PLAN), env=loaded)
    assert result.exit_code == 0, result.output
    listing = nhacviec("plan", "list", env=loaded).output
    assert "VD-CDS-2026" in listing and re.search(r"VL-3064-2023\s+KH 3064 – Năng suất\s+đang theo dõi", listing)


def test_version_is_the_installed_packages():
    result = nhacviec("--version")
    assert result.exit_code == 0 and result.output.strip() == f"nhacviec {metadata.version('nhacviec')}"
