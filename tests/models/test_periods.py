"""Reporting windows (NĐ 09/2019 and calendar) and deadlines."""

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from locales import use_locale
from models.rules.periods import Due, Every, Rule, Window, due_date, period_label, periods, window
from models.rules.workdays import WorkCalendar

D = date
CAL = WorkCalendar()


@pytest.mark.parametrize(("every", "year", "index", "start", "end"), [
    (Every.month, 2025, 1, D(2024, 12, 15), D(2025, 1, 14)),  # January starts in the previous year
    (Every.month, 2025, 3, D(2025, 2, 15), D(2025, 3, 14)),
    (Every.month, 2025, 12, D(2025, 11, 15), D(2025, 12, 14)),
    (Every.quarter, 2025, 1, D(2024, 12, 15), D(2025, 3, 14)),
    (Every.quarter, 2025, 2, D(2025, 3, 15), D(2025, 6, 14)),
    (Every.quarter, 2025, 3, D(2025, 6, 15), D(2025, 9, 14)),
    (Every.quarter, 2025, 4, D(2025, 9, 15), D(2025, 12, 14)),
    (Every.half_year, 2026, 1, D(2025, 12, 15), D(2026, 6, 14)),
    (Every.half_year, 2026, 2, D(2026, 6, 15), D(2026, 12, 14)),
    (Every.year, 2025, 1, D(2024, 12, 15), D(2025, 12, 14)),
    (Every.five_year, 2021, 1, D(2020, 12, 15), D(2025, 12, 14)),
])
def test_nd09_windows(every, year, index, start, end):
    assert window(every, Window.nd09, year, index) == (start, end)


@pytest.mark.parametrize(("every", "year", "index", "start", "end"), [
    (Every.month, 2024, 2, D(2024, 2, 1), D(2024, 2, 29)),  # leap year
    (Every.month, 2025, 12, D(2025, 12, 1), D(2025, 12, 31)),
    (Every.quarter, 2025, 1, D(2025, 1, 1), D(2025, 3, 31)),
    (Every.half_year, 2025, 2, D(2025, 7, 1), D(2025, 12, 31)),
    (Every.year, 2025, 1, D(2025, 1, 1), D(2025, 12, 31)),
    (Every.five_year, 2026, 1, D(2026, 1, 1), D(2030, 12, 31)),
])
def test_calendar_windows_for_statistics(every, year, index, start, end):
    assert window(every, Window.calendar, year, index) == (start, end)


@given(st.sampled_from([Every.month, Every.quarter, Every.half_year, Every.year]),
       st.sampled_from([Window.nd09, Window.calendar]), st.integers(min_value=2020, max_value=2031))
def test_windows_tile_time_without_gaps_or_overlaps(every, kind, year):
    spans = []
    for y in (year, year + 1):
        count = {Every.month: 12, Every.quarter: 4, Every.half_year: 2, Every.year: 1}[every]
        spans += [window(every, kind, y, i) for i in range(1, count + 1)]
    for (_, end), (start, _) in pairwise(spans):
        assert start == end + timedelta(days=1)


def test_due_after_cutoff_counts_working_days():
    rule = Rule(Every.year, Window.nd09, Due(after_cutoff=2))
    # Cut-off Sunday 14/12/2025 → Monday 15 (1), Tuesday 16 (2).
    assert due_date(rule, D(2025, 12, 14), CAL) == D(2025, 12, 16)


def test_due_fixed_month_day_is_the_first_one_after_the_window():
    assert due_date(Rule(Every.year, Window.nd09, Due(month_day=(12, 20))), D(2025, 12, 14), CAL) == D(2025, 12, 20)
    # Statistics close on 31/12: "01-20" means January of the next year.
    assert due_date(Rule(Every.year, Window.calendar, Due(month_day=(1, 20))), D(2025, 12, 31), CAL) == D(2026, 1, 20)


def test_due_day_of_month_clamps_to_short_months():
    rule = Rule(Every.month, Window.calendar, Due(day=31))
    assert due_date(rule, D(2026, 2, 28), CAL) == D(2026, 2, 28)
    rule = Rule(Every.month, Window.nd09, Due(day=5))
    assert due_date(rule, D(2025, 3, 14), CAL) == D(2025, 4, 5)


def test_periods_follow_the_span_and_tracking_start():
    rule = Rule(Every.year, Window.nd09, Due(after_cutoff=2))
    found = periods(rule, D(2021, 1, 1), D(2030, 12, 31), CAL, track_from=D(2023, 12, 29))
    assert [p.key for p in found] == [str(y) for y in range(2024, 2031)]
    assert found[0].window_start == D(2023, 12, 15) and found[0].window_end == D(2024, 12, 14)


def test_quarterly_periods_across_a_year_boundary():
    rule = Rule(Every.quarter, Window.nd09, Due(day=20))
    found = periods(rule, D(2025, 1, 1), D(2026, 6, 30), CAL)
    assert [p.key for p in found] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
    q1_2026 = found[4]
    assert (q1_2026.window_start, q1_2026.window_end, q1_2026.due) == (D(2025, 12, 15), D(2026, 3, 14), D(2026, 3, 20))


def test_five_year_periods_follow_the_socio_economic_plans():
    rule = Rule(Every.five_year, Window.calendar, Due(month_day=(6, 30)))
    found = periods(rule, D(2021, 1, 1), D(2030, 12, 31), CAL)
    assert [(p.key, p.due) for p in found] == [("2021-2025", D(2026, 6, 30)), ("2026-2030", D(2031, 6, 30))]


def test_one_off_schedule():
    rule = Rule(Every.once, once=D(2025, 10, 31), window_from=D(2021, 1, 1))
    (only,) = periods(rule, D(2021, 1, 1), D(2030, 12, 31), CAL)
    assert (only.key, only.window_start, only.window_end, only.due) == ("2025-10-31", D(2021, 1, 1), D(2025, 10, 31),
                                                                         D(2025, 10, 31))
    assert periods(rule, D(2021, 1, 1), D(2030, 12, 31), CAL, track_from=D(2026, 1, 1)) == []


def test_period_labels_in_both_languages():
    assert period_label("year", "2025") == "năm 2025"
    assert period_label("quarter", "2025-Q4") == "quý IV/2025"
    assert period_label("half-year", "2025-H1") == "6 tháng đầu năm 2025"
    assert period_label("month", "2025-03") == "tháng 3/2025"
    assert period_label("five-year", "2021-2025") == "giai đoạn 2021–2025"
    assert period_label("once", "2025-10-31", "Báo cáo sơ kết") == "Báo cáo sơ kết"
    with use_locale("en"):
        assert period_label("quarter", "2025-Q4") == "Q4 2025"
        assert period_label("year", "2025") == "year 2025"
