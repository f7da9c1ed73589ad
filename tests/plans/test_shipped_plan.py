"""The shipped plan says what Quyết định 3064/QĐ-UBND says, and marks everything else as inferred.

These read the shipped files only (no database): every decision recorded in the plan file's header and
in docs/plan-vinh-long-3064.md has a check here.
"""

import re
from datetime import date

import pytest

from models.planfiles.plan_file import read_plan
from models.planfiles.reorg_file import read_reorg
from models.rules.periods import periods
from models.rules.workdays import WorkCalendar
from plans import DEFAULT_PLAN, DEFAULT_REORG

SEED = DEFAULT_PLAN.parent / "sources" / "vinh-long-3064-QD-UBND-2023.txt"
NINE = ["SCT", "SNNPTNT", "SXD", "SGTVT", "SVHTTDL", "STTTT", "SYT", "SGDDT", "SLDTBXH"]
DISTRICTS = ["UBND-TPVL", "UBND-TXBM", "UBND-LH", "UBND-MT", "UBND-VLI", "UBND-TB", "UBND-TO", "UBND-BT"]
ASSOCIATIONS = {"HHDN", "HDNT", "LMHTX"}


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def spec():
    return read_plan(DEFAULT_PLAN).spec


@pytest.fixture(scope="module")
def tasks(spec):
    return {t.code: t for t in spec.tasks}


@pytest.fixture(scope="module")
def seed():
    return flat(SEED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def calendar(spec):
    return WorkCalendar(days_off=list(spec.calendar.off()), working_days=list(spec.calendar.worked()))


def quotes(text: str) -> list[str]:
    """The decision's words quoted in a source or basis: between '…' (other texts are quoted with “…”)."""
    return [flat(q) for q in re.findall(r"'([^']+)'", text)]


# --- the decision's words -----------------------------------------------------------------------


def test_every_title_is_the_decisions_wording_in_full(tasks, seed):
    for task in tasks.values():
        # A title may drop the sentence's subject when the subject is the lead, and so start with a capital.
        assert flat(task.title).lower() in seed.lower(), task.code
    assert "dựa trên nền tảng khoa học, công nghệ và đổi mới sáng tạo, lồng ghép với chương trình phát triển kinh " \
           "tế - xã hội thuộc chức năng nhiệm vụ được phân công, thẩm quyền quản lý" in tasks["IV.1.c"].title
    assert "trong phạm vi, thẩm quyền, chức năng, nhiệm vụ được giao, gửi về Sở Khoa học và Công nghệ để tổng hợp " \
           "báo cáo UBND tỉnh và Bộ Khoa học và Công nghệ theo quy định" in tasks["IV.2.b"].title
    assert tasks["IV.8.b"].title.endswith("theo quy định pháp luật về ngân sách nhà nước và quy định pháp luật khác "
                                          "liên quan")
    assert tasks["IV.1.b"].title.startswith("Phối hợp với các Sở, Ban, ngành liên quan tiến hành lồng ghép")


def test_short_titles_are_short_and_where_needed(tasks):
    for task in tasks.values():
        if len(task.title) > 70:
            assert task.short_title, task.code
        if task.short_title:
            assert len(task.short_title) <= 75 and task.short_title == task.short_title.strip(), task.code
            assert not task.short_title.endswith((",", ";", "…")), task.code


def test_every_quote_of_the_decision_is_verbatim(spec, seed):
    texts = [t.source for t in spec.tasks] + [t.basis for t in spec.tasks] + [t.description for t in spec.tasks]
    texts += [s.basis for s in spec.schedules.values()] + [t.source for t in spec.targets]
    found = [q for text in texts for q in quotes(text)]
    assert len(found) >= 40
    for quote in found:
        for fragment in quote.split("…"):  # "…" marks words left out
            assert fragment.strip() in seed, fragment


def test_section_two_descriptions_are_the_decisions_bullets(tasks, seed):
    for code in ("II.1", "II.2", "II.3", "II.4", "II.5"):
        for line in tasks[code].description.splitlines():
            assert flat(line.removeprefix("- ")) in seed, (code, line)


# --- inferred is marked as inferred -------------------------------------------------------------


def test_every_inferred_part_has_its_basis(spec):
    for task in spec.tasks:
        if task.inferred:
            assert len(task.basis) > 40, task.code


def test_section_two_names_no_unit_so_its_owners_are_inferred(tasks):
    for code in ("II.1", "II.2", "II.3", "II.4", "II.5"):
        task = tasks[code]
        assert {"lead", "support", "schedules", "reporting"} <= set(task.inferred), code
        assert task.lead == ["SKHCN"] and "Điều 2" in task.basis, code
        # The source keeps only what the text says: no unit is cited as if section II named it.
        assert "phối hợp theo" not in task.source and "chủ trì theo" not in task.source, code
    # The support lists follow one rule (a unit whose own duty in section IV names the activity):
    # none of the nine Sở is picked out, as IV.2 gives them all the whole plan on equal terms.
    for code in ("II.1", "II.2", "II.3", "II.5"):
        assert not set(tasks[code].support) & set(NINE), code
    assert tasks["II.1"].support == ["CTK"] and "IV.6" in tasks["II.1"].basis
    assert set(tasks["II.4"].support) == {"STTTT", "DPTTH", "BVL"} | ASSOCIATIONS


def test_unnamed_partners_are_inferred(tasks):
    for code in ("IV.1.a", "IV.1.b", "IV.1.d", "IV.7.b"):
        assert "support" in tasks[code].inferred, code
    # IV.3 names its partners: nothing inferred there but the schedule and the reporting.
    assert tasks["IV.3"].support == ["SKHCN", "STC"] and "support" not in tasks["IV.3"].inferred


def test_iv_1_b_belongs_to_sở_khcn_who_coordinates_with_the_departments(tasks):
    task = tasks["IV.1.b"]
    assert task.lead == ["SKHCN"] and set(task.support) == set(NINE)
    assert "lead" not in task.inferred and "1. Sở Khoa học và Công nghệ" in task.basis and "IV.2.a" in task.basis


# --- III.2 and the reporting chain -------------------------------------------------------------


def test_budget_estimates_are_a_yearly_duty_on_the_budget_cycle(spec, tasks):
    task = tasks["III.2"]
    assert task.title.startswith("Lập dự toán ngân sách hàng năm và quản lý kinh phí")
    assert set(task.lead) == {"SKHCN", *NINE, *DISTRICTS} and "lead" in task.inferred
    schedules = [spec.schedules[code] for code in task.schedules]
    assert [s.once for s in schedules] == [date(year, 7, 10) for year in range(2024, 2030)]
    for schedule in schedules:
        assert schedule.source == "default" and "Luật Ngân sách nhà nước 2015" in schedule.basis
        assert "163/2016" in schedule.basis and schedule.window_from.month == 5


def test_the_coordinator_consolidates_after_the_units_and_before_the_end_of_january(spec, tasks, calendar):
    (consolidated,) = [t for t in spec.tasks if t.lead == ["SKHCN"] and "tổng hợp" in t.title.lower()
                       and "tong-hop-hang-nam" in t.schedules]
    assert consolidated.code == "TH" and "để tổng hợp báo cáo UBND tỉnh" in consolidated.source

    def due(code: str, key: str) -> date:
        rule = spec.schedules[code].rule()
        return next(p.due for p in periods(rule, spec.plan.start, spec.plan.end, calendar) if p.key == key)

    units, summary = due("hang-nam", "2026"), due("tong-hop-hang-nam", "2026")
    assert units == date(2026, 12, 16) and summary == date(2026, 12, 23)
    assert units < summary < date(2027, 1, 31)
    assert calendar.add_working_days(units, 5) == summary  # five working days to consolidate
    # The mid-term and final reports go up after the conferences they report on.
    assert spec.schedules["tong-hop-so-ket-2025"].once > spec.schedules["so-ket-2025-hoi-nghi"].once
    assert spec.schedules["tong-hop-tong-ket-2030"].once > spec.schedules["tong-ket-2030-hoi-nghi"].once
    assert spec.schedules["tong-hop-tong-ket-2030"].once < date(2031, 1, 31)
    assert spec.plan.report_to == ["Ủy ban nhân dân tỉnh Vĩnh Long", "Bộ Khoa học và Công nghệ"]
    assert spec.plan.issuer == ["UBND TỈNH VĨNH LONG", "SỞ KHOA HỌC VÀ CÔNG NGHỆ"]
    assert spec.plan.short == "KH 3064 – Năng suất" and spec.plan.review is True


# --- who owes reports ----------------------------------------------------------------------------


def test_who_owes_reports(spec, tasks):
    owed = {(t.code, unit) for t in spec.tasks if t.schedules and t.report_by != "none"
            for unit in (t.lead + (t.support if t.report_by == "all" else []))}
    # As written: the nine Sở of IV.2.
    assert {("IV.2.a", u) for u in NINE} | {("IV.2.b", u) for u in NINE} <= owed
    for task in spec.tasks:
        units = set(task.lead)
        if units & ASSOCIATIONS:  # the associations are followed, never chased
            assert task.report_by == "none" or not task.schedules, task.code
        if units & {"DPTTH", "BVL"}:
            assert task.report_by == "none", task.code
        # Anyone else asked who is not one of the nine is asked by a visible, reasoned choice.
        if task.schedules and task.report_by != "none" and not units <= set(NINE):
            assert "reporting" in task.inferred or task.code in ("TH",), task.code
    assert "reporting" in tasks["IV.3"].inferred and "reporting" in tasks["IV.4.a"].inferred
    assert "reporting" in tasks["IV.8.a"].inferred and "reporting" in tasks["IV.6"].inferred


def test_the_statistics_office_keeps_its_written_schedules(tasks, spec):
    task = tasks["IV.6"]
    assert task.schedules == ["thong-ke-hang-nam", "thong-ke-5-nam"] and task.report_by == "lead"
    assert "schedules" not in task.inferred
    assert spec.schedules["thong-ke-hang-nam"].every == "year" and spec.schedules["thong-ke-5-nam"].every == "five-year"


# --- conferences are not reports; 2025 and 2030 are asked once ------------------------------------


def test_conferences_are_events(spec, tasks):
    for code in ("IV.1.e", "IV.8.c"):
        for schedule in tasks[code].schedules:
            assert spec.schedules[schedule].kind == "event", (code, schedule)
            assert spec.schedules[schedule].window_from is None
    events = {code for code, s in spec.schedules.items() if s.kind == "event"}
    assert events == {"so-ket-2025-hoi-nghi", "tong-ket-2030-hoi-nghi", "so-ket-2025-dia-phuong",
                      "tong-ket-2030-dia-phuong"}
    for code, schedule in spec.schedules.items():
        if "báo cáo" in schedule.name.lower():
            assert schedule.kind == "report", code


def test_the_yearly_report_does_not_ask_2025_and_2030_twice(spec, tasks, calendar):
    # The year's results and figures are asked once, in the yearly report, every year; the mid-term and final
    # reports are the nine Sở's assessment of the period (IV.2.b) and ask no figures again.
    assert spec.schedules["hang-nam"].skip_years == [2030]
    assert spec.schedules["tong-hop-hang-nam"].skip_years == [2025, 2030]
    for task in spec.tasks:
        if {"so-ket-2025", "tong-ket-2030"} & set(task.schedules):
            assert task.code == "IV.2.b" and set(task.lead) == set(NINE) and not task.indicators, task.code
        if "hang-nam" in task.schedules:
            assert "hang-nam-2030" in task.schedules, task.code  # 2030's yearly report, asked before the conference
    assert "dn" not in tasks["IV.2.b"].indicators and "dn" in tasks["IV.2.a"].indicators
    # Had 2030 followed the yearly rule, the report would fall after the final conference it feeds.
    rule = spec.schedules["hang-nam"].rule()
    due_2030 = next(p.due for p in periods(rule, spec.plan.start, spec.plan.end, calendar) if p.key == "2030")
    assert due_2030 > spec.schedules["tong-ket-2030-hoi-nghi"].once
    assert spec.schedules["hang-nam-2030"].once < spec.schedules["tong-ket-2030-hoi-nghi"].once
    assert spec.schedules["hang-nam-2030"].window_from == date(2029, 12, 15)
    assert spec.schedules["tong-ket-2030"].once < spec.schedules["tong-ket-2030-hoi-nghi"].once
    assert spec.schedules["hang-nam-2030"].once < spec.schedules["tong-hop-tong-ket-2030"].once


def test_schedules_the_decision_does_not_state_are_marked_inferred(spec):
    inferred = {code for code, s in spec.schedules.items() if s.inferred}
    # "Định kỳ" without a frequency; the consolidated yearly report; 2030's early report; the districts' years.
    assert inferred == {"hang-nam", "hang-nam-2030", "tong-hop-hang-nam", "so-ket-2025-dia-phuong",
                        "tong-ket-2030-dia-phuong"}
    for code in inferred:
        assert spec.schedules[code].basis, code
    # Every date is a default, whether the schedule is the decision's or not.
    assert {s.source for s in spec.schedules.values()} == {"default"}


def test_targets_and_calendar(spec):
    targets = {t.code: t for t in spec.targets}
    assert targets["NSLD"].aggregate == "average_growth" and targets["DN_HO_TRO"].aggregate == "sum"
    assert spec.calendar.deadline_on_day_off == "next"
    assert "Điều 148" in DEFAULT_PLAN.read_text(encoding="utf-8")


# --- the 2025 reorganisation ---------------------------------------------------------------------


def test_press_work_of_sở_tttt_goes_to_sở_vhttdl():
    reorg = read_reorg(DEFAULT_REORG).spec
    (merge,) = [e for e in reorg.events if e.merge == ["STTTT"]]
    assert merge.into == "SKHCN" and merge.tasks == {"IV.5.a": "SVHTTDL", "II.4": "SVHTTDL"}
    text = DEFAULT_REORG.read_text(encoding="utf-8")
    assert "QĐ 384/QĐ-BTC" in text and "độ tin cậy" in text


def test_the_header_explains_every_choice():
    header = "\n".join(line for line in DEFAULT_PLAN.read_text(encoding="utf-8").splitlines()
                       if line.startswith("#"))
    for words in ("Điều 2", "IV.1.b", "III.2", "report_by: none", "TH", "kind: event", "skip_years",
                  "Điều 148", "NĐ 30/2020", "average_growth", "default"):
        assert words in header, words
