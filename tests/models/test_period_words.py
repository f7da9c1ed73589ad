"""Periods written in commands are read as the bot writes them, and anything else is left as text."""

import pytest

from models.rules.period_words import PeriodRef, read_period
from models.rules.periods import Every, period_label


@pytest.mark.parametrize(("text", "every", "key", "used"), [
    ("2026 số liệu thiếu", Every.year, "2026", 1),
    ("năm 2026", Every.year, "2026", 2),
    ("quý IV/2026 thiếu phụ lục", Every.quarter, "2026-Q4", 2),
    ("Quý 4/2026", Every.quarter, "2026-Q4", 2),
    ("q2/2027", Every.quarter, "2027-Q2", 1),
    ("tháng 12/2026", Every.month, "2026-12", 2),
    ("tháng 3/2026 chậm", Every.month, "2026-03", 2),
    ("6 tháng đầu năm 2026", Every.half_year, "2026-H1", 5),
    ("6 tháng cuối năm 2026 ok", Every.half_year, "2026-H2", 5),
    ("giai đoạn 2026–2030", Every.five_year, "2026-2030", 3),
    ("2021-2025", Every.five_year, "2021-2025", 1),
])
def test_periods_as_the_bot_writes_them(text: str, every: Every, key: str, used: int) -> None:
    read = read_period(text.split())
    assert read is not None
    assert read.period == PeriodRef(every, key)
    assert read.words_used == used


@pytest.mark.parametrize("text", [
    "thiếu số liệu", "20261 x", "tháng 13/2026", "2026abc", "quý V/2026", "", "2026-2031",
])
def test_other_words_are_not_a_period(text: str) -> None:
    assert read_period(text.split()) is None


@pytest.mark.parametrize(("every", "key"), [
    (Every.year, "2026"), (Every.quarter, "2026-Q4"), (Every.month, "2026-12"), (Every.half_year, "2026-H1"),
    (Every.half_year, "2026-H2"), (Every.five_year, "2026-2030"),
])
def test_every_label_the_bot_shows_reads_back(every: Every, key: str) -> None:
    read = read_period(period_label(every, key).split())
    assert read is not None and read.period == PeriodRef(every, key)
