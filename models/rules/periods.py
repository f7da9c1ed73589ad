"""Reporting periods and deadlines: pure functions of a schedule rule and a calendar.

Windows (the days whose data a report covers):
- `nd09`: Nghị định 09/2019/NĐ-CP, Điều 12 — from the 15th of the month before the period to the
  14th of its last month (a year runs 15/12 of the previous year to 14/12).
- `calendar`: statistics (Nghị định 60/2018) — from the 1st to the last day.

Deadlines (`due`):
- `"MM-DD"` / a day of month: the first such date on or after the window's last day;
- `{after_cutoff: N}`: N working days after the window closes (NĐ 09 asks for at least one);
- one-off schedules give their date.

A deadline that falls on a day off moves to the next working day (Bộ luật Dân sự 2015, Điều 148 khoản 5),
or to the previous one when the plan says so (`calendar.deadline_on_day_off: previous`). The move is made
here, where periods are derived, so that `Period.due` holds the deadline every view shows and every rule
(reminders, escalations, the late flag, the digest) counts from.
"""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from locales import _, format_date
from models.rules.workdays import WorkCalendar


class Every(StrEnum):
    month = "month"
    quarter = "quarter"
    half_year = "half-year"
    year = "year"
    five_year = "five-year"
    once = "once"


class Window(StrEnum):
    nd09 = "nd09"
    calendar = "calendar"


# Five-year periods follow the socio-economic plans: 2021-2025, 2026-2030, …
FIVE_YEAR_ANCHOR = 2021


@dataclass(frozen=True)
class Due:
    month_day: tuple[int, int] | None = None
    day: int | None = None
    after_cutoff: int | None = None


@dataclass(frozen=True)
class Rule:
    every: Every
    window: Window = Window.nd09
    due: Due | None = None
    once: date | None = None
    window_from: date | None = None


@dataclass(frozen=True)
class PeriodSpec:
    key: str
    window_start: date
    window_end: date
    due: date


def _last_day(year: int, month: int) -> date:
    return date(year, month, _calendar.monthrange(year, month)[1])


def _month_before(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def window(every: Every, kind: Window, year: int, index: int = 1) -> tuple[date, date]:
    """The data window of period `index` (1-based month/quarter/half) of `year`.

    For five-year periods `year` is the first year (2021 for 2021-2025).
    """
    if every == Every.month:
        first_month, last_month, last_year = index, index, year
    elif every == Every.quarter:
        first_month, last_month, last_year = 3 * index - 2, 3 * index, year
    elif every == Every.half_year:
        first_month, last_month, last_year = 6 * index - 5, 6 * index, year
    elif every == Every.year:
        first_month, last_month, last_year = 1, 12, year
    elif every == Every.five_year:
        first_month, last_month, last_year = 1, 12, year + 4
    else:
        raise ValueError(f"no window for {every}")
    if kind == Window.calendar:
        return date(year, first_month, 1), _last_day(last_year, last_month)
    start_year, start_month = _month_before(year, first_month)
    return date(start_year, start_month, 15), date(last_year, last_month, 14)


def _indices(every: Every) -> range:
    return {
        Every.month: range(1, 13),
        Every.quarter: range(1, 5),
        Every.half_year: range(1, 3),
        Every.year: range(1, 2),
        Every.five_year: range(1, 2),
    }[every]


def period_key(every: Every, year: int, index: int) -> str:
    if every == Every.month:
        return f"{year}-{index:02d}"
    if every == Every.quarter:
        return f"{year}-Q{index}"
    if every == Every.half_year:
        return f"{year}-H{index}"
    if every == Every.five_year:
        return f"{year}-{year + 4}"
    return str(year)


def due_date(rule: Rule, window_end: date, cal: WorkCalendar) -> date:
    if rule.every == Every.once:
        if rule.once is None:
            raise ValueError("a one-off schedule needs its date")
        return rule.once
    due = rule.due
    if due is None:
        raise ValueError("a periodic schedule needs a `due` rule")
    if due.after_cutoff is not None:
        return cal.add_working_days(window_end, due.after_cutoff)
    if due.month_day is not None:
        month, day = due.month_day
        candidate = date(window_end.year, month, day)
        return candidate if candidate >= window_end else date(window_end.year + 1, month, day)
    if due.day is not None:
        year, month = window_end.year, window_end.month
        for _step in range(2):
            candidate = date(year, month, min(due.day, _calendar.monthrange(year, month)[1]))
            if candidate >= window_end:
                return candidate
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise ValueError("the `due` rule is empty")


class OnDayOff(StrEnum):
    next = "next"  # Bộ luật Dân sự 2015, Điều 148 khoản 5
    previous = "previous"


def working_deadline(day: date, cal: WorkCalendar, on_day_off: str = OnDayOff.next) -> date:
    """`day` if it is a working day, else the next (or, by the plan's choice, the previous) working day."""
    if on_day_off == OnDayOff.previous:
        return cal.previous_working_day(day)
    return cal.next_working_day(day)


def periods(
    rule: Rule, span_start: date, span_end: date, cal: WorkCalendar, track_from: date | None = None,
    on_day_off: str = OnDayOff.next,
) -> list[PeriodSpec]:
    """Every period whose window closes inside the plan's span and whose deadline is followed; each
    deadline on a working day (see `working_deadline`)."""
    track_from = track_from or span_start
    if rule.every == Every.once:
        if rule.once is None:
            raise ValueError("a one-off schedule needs its date")
        due = working_deadline(rule.once, cal, on_day_off)
        if due < track_from:
            return []
        start = rule.window_from or span_start
        # The key stays the date the plan names: it identifies the period, whatever day it is due.
        return [PeriodSpec(rule.once.isoformat(), start, rule.once, due)]
    result: list[PeriodSpec] = []
    for year in range(span_start.year - 1, span_end.year + 1):
        if rule.every == Every.five_year and (year - FIVE_YEAR_ANCHOR) % 5:
            continue
        for index in _indices(rule.every):
            start, end = window(rule.every, rule.window, year, index)
            if not span_start <= end <= span_end:
                continue
            due = working_deadline(due_date(rule, end, cal), cal, on_day_off)
            if due < track_from:
                continue
            result.append(PeriodSpec(period_key(rule.every, year, index), start, end, due))
    return result


_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def period_label(every: str, key: str, schedule_name: str = "") -> str:
    """How a period is called in Vietnamese reports: "năm 2025", "quý IV/2025", "tháng 3/2025"."""
    if every == Every.once:
        return schedule_name or format_date(date.fromisoformat(key))
    if every == Every.five_year:
        first, last = key.split("-")
        return _("giai đoạn {first}–{last}").format(first=first, last=last)
    if every == Every.year:
        return _("năm {year}").format(year=key)
    year, part = key.split("-")
    if every == Every.quarter:
        quarter = int(part[1:])
        return _("quý {roman}/{year}").format(roman=_ROMAN[quarter], number=quarter, year=year)
    if every == Every.half_year:
        if part == "H1":
            return _("6 tháng đầu năm {year}").format(year=year)
        return _("6 tháng cuối năm {year}").format(year=year)
    return _("tháng {month}/{year}").format(month=int(part), year=year)
