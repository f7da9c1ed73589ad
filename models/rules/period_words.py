"""A period written in a command, read back: the words the bot itself uses for periods.

Coordinators copy what the bot shows them: "quý IV/2026", "tháng 12/2026", "6 tháng đầu năm 2026",
"năm 2026", "giai đoạn 2026–2030", or just the year "2026". `read_period` takes the words right after
a task in a command and says whether they start with a period, which one, and how many words it took,
so that the rest (a comment, a reason) is left untouched. Whether the period fits the task's schedule
is for the caller to check (`PeriodRef.every` against the schedule's).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from models.rules.periods import Every, period_key

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_YEAR = r"(\d{4})"
# Each pattern reads the start of the (normalised, lower-case) words; the longest match wins.
_PATTERNS: list[tuple[re.Pattern[str], Every]] = [
    (re.compile(rf"^giai đoạn {_YEAR}\s*[-–—]\s*{_YEAR}"), Every.five_year),
    (re.compile(rf"^{_YEAR}\s*[-–—]\s*{_YEAR}"), Every.five_year),
    (re.compile(rf"^6 tháng (đầu|cuối) năm {_YEAR}"), Every.half_year),
    (re.compile(rf"^quý (iv|iii|ii|i|[1-4])\s*[/.-]\s*{_YEAR}"), Every.quarter),
    (re.compile(rf"^q([1-4])\s*[/.-]\s*{_YEAR}"), Every.quarter),
    (re.compile(rf"^tháng (\d{{1,2}})\s*[/.-]\s*{_YEAR}"), Every.month),
    (re.compile(rf"^năm {_YEAR}"), Every.year),
    (re.compile(rf"^{_YEAR}"), Every.year),
]


@dataclass(frozen=True)
class PeriodRef:
    every: Every
    key: str  # as `periods.period_key` writes it: "2026", "2026-Q4", "2026-12", "2026-H1", "2026-2030"


@dataclass(frozen=True)
class ReadPeriod:
    period: PeriodRef
    words_used: int  # how many of the given words the period took


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def _ref(every: Every, groups: tuple[str, ...]) -> PeriodRef | None:
    if every == Every.five_year:
        first, last = int(groups[0]), int(groups[1])
        return PeriodRef(every, f"{first}-{last}") if last == first + 4 else None
    if every == Every.half_year:
        return PeriodRef(every, period_key(every, int(groups[1]), 1 if groups[0] == "đầu" else 2))
    if every == Every.quarter:
        quarter = _ROMAN.get(groups[0]) or int(groups[0])
        return PeriodRef(every, period_key(every, int(groups[1]), quarter))
    if every == Every.month:
        month = int(groups[0])
        return PeriodRef(every, period_key(every, int(groups[1]), month)) if 1 <= month <= 12 else None
    return PeriodRef(every, groups[0])


def read_period(words: list[str]) -> ReadPeriod | None:
    """The period the words start with, or None when they do not start with one (then they are a comment)."""
    text = _normal(" ".join(words))
    for pattern, every in _PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        # The period must end at a word boundary: "2026abc" or "quý IV/20261" is not a period.
        rest = text[match.end():]
        if rest and not rest.startswith(" "):
            continue
        ref = _ref(every, match.groups())
        if ref is None:
            return None
        return ReadPeriod(ref, len(text[:match.end()].split()))
    return None
