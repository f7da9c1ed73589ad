"""Which days are working days for a Vietnamese state agency.

Saturdays and Sundays are off; public holidays, Tết and the official swaps come from the
`holidays` package (country VN); a plan's `calendar` section adds what the package misses
(e.g. 02/01/2026 off, Saturday 10/01/2026 worked, VB 12729/VPCP-KGVX).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from functools import cached_property

import holidays

# Far enough for any plan (2021-2030 and its follow-up) without looping forever on bad input.
_MAX_SEARCH_DAYS = 400


class WorkCalendar:
    def __init__(
        self,
        days_off: Iterable[date] = (),
        working_days: Iterable[date] = (),
        notes: Mapping[date, str] | None = None,
    ) -> None:
        self.days_off = frozenset(days_off)
        self.working_days = frozenset(working_days)
        self.notes = dict(notes or {})

    @cached_property
    def _vn(self) -> holidays.HolidayBase:
        return holidays.country_holidays("VN", language="vi")

    @cached_property
    def _vn_en(self) -> holidays.HolidayBase:
        return holidays.country_holidays("VN", language="en_US")

    def is_working_day(self, day: date) -> bool:
        if day in self.working_days:
            return True
        if day in self.days_off:
            return False
        return self._vn.is_working_day(day)

    def holiday_name(self, day: date, locale: str = "vi") -> str | None:
        """Why `day` is off (or worked), when it is not an ordinary weekday/weekend."""
        if day in self.notes:
            return self.notes[day]
        table = self._vn if locale == "vi" else self._vn_en
        return table.get(day)

    def previous_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, else the last working day before it."""
        for offset in range(_MAX_SEARCH_DAYS):
            candidate = day - timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError(f"no working day within {_MAX_SEARCH_DAYS} days before {day}")

    def next_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, else the first working day after it."""
        for offset in range(_MAX_SEARCH_DAYS):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError(f"no working day within {_MAX_SEARCH_DAYS} days after {day}")

    def add_working_days(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (before it when negative), `day` not counted."""
        if count == 0:
            return day
        direction = 1 if count > 0 else -1
        remaining = abs(count)
        current = day
        for _ in range(_MAX_SEARCH_DAYS * max(1, remaining)):
            current += timedelta(days=direction)
            if self.is_working_day(current):
                remaining -= 1
                if remaining == 0:
                    return current
        raise ValueError(f"cannot move {count} working days from {day}")

    def step_date(self, due: date, step: int) -> date:
        """The day a reminder step falls on, steps counted in working days from the deadline.

        Steps at or before the deadline are counted back from the deadline; steps after it
        (escalations) forward. Deadlines are moved onto working days where periods are derived
        (models/rules/periods.py); a deadline still on a day off (a period stored before that rule)
        is reminded on the working day before it: a reminder must reach people at their desks.
        """
        if step > 0:
            return self.add_working_days(due, step)
        anchor = self.previous_working_day(due)
        return self.add_working_days(anchor, step)
