"""Working days: the `holidays` package for VN plus a plan's own swaps."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from models.rules.workdays import WorkCalendar

D = date
PLAN_OVERRIDES = WorkCalendar(days_off=[D(2026, 1, 2)], working_days=[D(2026, 1, 10)],
                              notes={D(2026, 1, 2): "Nghỉ Tết Dương lịch", D(2026, 1, 10): "Làm bù"})
PLAIN = WorkCalendar()


def test_weekends_are_off_and_weekdays_work():
    assert PLAIN.is_working_day(D(2025, 12, 15))  # Monday
    assert not PLAIN.is_working_day(D(2025, 12, 20))  # Saturday
    assert not PLAIN.is_working_day(D(2025, 12, 21))  # Sunday


def test_tet_2026_is_nine_days_off():
    # Tết Bính Ngọ: Saturday 14/02 to Sunday 22/02/2026 (five official days plus weekends).
    for offset in range(9):
        assert not PLAIN.is_working_day(D(2026, 2, 14) + timedelta(days=offset))
    assert PLAIN.is_working_day(D(2026, 2, 13)) and PLAIN.is_working_day(D(2026, 2, 23))
    assert "Tết" in PLAIN.holiday_name(D(2026, 2, 17))


def test_reminders_jump_over_tet_2026():
    due = D(2026, 2, 24)  # Tuesday after Tết
    assert PLAIN.step_date(due, -1) == D(2026, 2, 23)
    assert PLAIN.step_date(due, -2) == D(2026, 2, 13)  # the Friday before Tết
    assert PLAIN.step_date(due, -5) == D(2026, 2, 10)
    # A deadline inside Tết is reminded on the last working day before it.
    assert PLAIN.step_date(D(2026, 2, 18), 0) == D(2026, 2, 13)
    # Overdue steps count forward from the deadline, past the holiday.
    assert PLAIN.step_date(D(2026, 2, 13), 1) == D(2026, 2, 23)


def test_30_4_and_1_5_2025_with_the_saturday_swap():
    # 30/4 Wed, 1/5 Thu, 2/5 Fri off (swapped for Saturday 26/4/2025, which is worked).
    assert not PLAIN.is_working_day(D(2025, 5, 2))
    assert PLAIN.is_working_day(D(2025, 4, 26))
    due = D(2025, 5, 5)  # Monday
    assert PLAIN.step_date(due, -1) == D(2025, 4, 29)
    assert PLAIN.step_date(due, -2) == D(2025, 4, 28)
    assert PLAIN.step_date(due, -3) == D(2025, 4, 26)  # the worked Saturday counts
    assert PLAIN.step_date(D(2025, 5, 1), 0) == D(2025, 4, 29)


def test_national_day_2025_and_2026():
    # 2025: Monday 1/9 and Tuesday 2/9 off.
    assert PLAIN.step_date(D(2025, 9, 3), -1) == D(2025, 8, 29)
    assert PLAIN.step_date(D(2025, 9, 2), 0) == D(2025, 8, 29)
    # 2026: 31/8 off in exchange for Saturday 22/8; 1/9 and 2/9 off.
    assert PLAIN.is_working_day(D(2026, 8, 22))
    assert [PLAIN.is_working_day(D(2026, 8, 31) + timedelta(days=i)) for i in range(4)] == [False, False, False, True]
    assert PLAIN.step_date(D(2026, 9, 3), -1) == D(2026, 8, 28)
    assert PLAIN.step_date(D(2026, 8, 28), 1) == D(2026, 9, 3)


def test_plan_overrides_cover_the_new_year_2026_swap_the_package_misses():
    assert PLAIN.is_working_day(D(2026, 1, 2)), "holidays no longer misses the swap; drop the override?"
    assert not PLAIN.is_working_day(D(2026, 1, 10))
    assert not PLAN_OVERRIDES.is_working_day(D(2026, 1, 2))
    assert PLAN_OVERRIDES.is_working_day(D(2026, 1, 10))
    assert PLAN_OVERRIDES.holiday_name(D(2026, 1, 2)) == "Nghỉ Tết Dương lịch"
    # A reminder two working days before Tuesday 13/01/2026 lands on the worked Saturday.
    assert PLAN_OVERRIDES.step_date(D(2026, 1, 13), -2) == D(2026, 1, 10)
    assert PLAIN.step_date(D(2026, 1, 13), -2) == D(2026, 1, 9)
    # Deadline 02/01/2026 (now a day off) is reminded on 31/12/2025.
    assert PLAN_OVERRIDES.step_date(D(2026, 1, 2), 0) == D(2025, 12, 31)


def test_add_working_days_counts_only_working_days():
    assert PLAIN.add_working_days(D(2025, 12, 12), 1) == D(2025, 12, 15)  # Friday → Monday
    assert PLAIN.add_working_days(D(2025, 12, 15), -1) == D(2025, 12, 12)
    assert PLAIN.add_working_days(D(2025, 12, 15), 0) == D(2025, 12, 15)


@given(st.dates(min_value=D(2022, 1, 1), max_value=D(2030, 12, 31)), st.integers(min_value=-20, max_value=20))
def test_every_step_falls_on_a_working_day_on_the_right_side_of_the_deadline(due, step):
    day = PLAN_OVERRIDES.step_date(due, step)
    assert PLAN_OVERRIDES.is_working_day(day)
    if step > 0:
        assert day > due
        between = [due + timedelta(days=i) for i in range(1, (day - due).days + 1)]
        assert sum(PLAN_OVERRIDES.is_working_day(d) for d in between) == step
    else:
        assert day <= due
        anchor = PLAN_OVERRIDES.previous_working_day(due)
        between = [day + timedelta(days=i) for i in range(1, (anchor - day).days + 1)]
        assert sum(PLAN_OVERRIDES.is_working_day(d) for d in between) == -step
