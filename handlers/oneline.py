"""Reading a one-line report: `/bc II.3 80% dn=5 Đã hỗ trợ 5 doanh nghiệp áp dụng 5S`.

After the task code come, in any order, a percentage, `code=value` indicators and a status phrase
("xong", "hoàn thành", "đang thực hiện", "vướng mắc", "chưa triển khai"); the rest is the note, in
which "vướng mắc:", "khó khăn:" and "đề xuất:"/"kiến nghị:" start the obstacles and proposals.
Text before the task code names the unit (for coordinators reporting for a unit).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache

from models.rules.text import strip_diacritics
from models.store.tables import ReportStatus


class LineError(Exception):
    """`kind` says what is wrong; handlers turn it into a polite explanation with an example."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(kind, detail)
        self.kind = kind  # empty | no_task | percent | value
        self.detail = detail


@dataclass
class ParsedLine:
    unit_text: str = ""
    task_token: str = ""
    percent: int | None = None
    status: str | None = None
    values: dict[str, str] = field(default_factory=dict)  # indicator code (lower case) → value as typed
    note: str = ""
    obstacles: str = ""
    proposals: str = ""


# Status phrases, written without diacritics; single words that also start ordinary sentences
# ("đang", "chưa") are not enough on their own.
_STATUS = [
    (ReportStatus.done, r"hoan thanh|da hoan thanh|xong|ht|done|completed?"),
    (ReportStatus.in_progress, r"dang thuc hien|dang trien khai|dang lam|dth|in progress"),
    (ReportStatus.blocked, r"gap vuong mac|vuong mac|co vuong mac|vuong|kho khan|blocked"),
    (ReportStatus.not_started, r"chua trien khai|chua thuc hien|chua lam|ctk|not started"),
]
_STATUS_RE = re.compile(
    r"\s*(?:" + "|".join(f"(?P<s{i}>{p})" for i, (_, p) in enumerate(_STATUS)) + r")(?=\s|$|[.,;:])")
_PERCENT_RE = re.compile(r"\s*(\d{1,3}(?:[.,]\d+)?)\s*%")
# "dn=5", "dn: 5"; after "=" anything up to the next space is taken, so that "dn=nhiều" is refused
# rather than read as part of the note.
_VALUE_RE = re.compile(r"\s*([a-z][a-z0-9_]{0,19})\s*(?:=\s*(\S+)|:\s*(-?[0-9][0-9.,]*%?))(?=\s|$|[;])")
_MARKERS = re.compile(r"(?:^|[\s.;,])(?P<kind>vuong mac|kho khan|de xuat|kien nghi)\s*:", re.IGNORECASE)


@cache
def _simple_char(ch: str) -> str:
    simple = strip_diacritics(ch).lower()
    return simple if len(simple) == 1 else " "


def _simplify(text: str) -> str:
    """Lower case, no diacritics, same length as `text` (NFC), so positions carry over."""
    return "".join(map(_simple_char, text))


def parse_line(text: str, *, is_task: Callable[[str], bool], task_known: bool = False) -> ParsedLine:
    """Parse the arguments of /bc. With `task_known` (a reply to a reminder) no task code is expected."""
    text = unicodedata.normalize("NFC", text.replace("\x00", " ")).strip()
    if not text:
        raise LineError("empty")
    parsed = ParsedLine()
    rest = text
    match: re.Match[str] | None  # a token below, a figure further down
    if not task_known:
        for match in re.finditer(r"\S+", text):
            token = match.group().strip(",;:")
            if is_task(token):
                parsed.task_token = token
                parsed.unit_text = text[:match.start()].strip()
                rest = text[match.end():]
                break
        else:
            raise LineError("no_task")
    simple = _simplify(rest)
    position = 0
    while position < len(rest):
        match = _PERCENT_RE.match(rest, position)
        if match:
            value = Decimal(match.group(1).replace(",", "."))
            if not 0 <= value <= 100 or value != value.to_integral_value():
                raise LineError("percent", match.group(1))
            parsed.percent = int(value)
            position = match.end()
            continue
        match = _VALUE_RE.match(simple, position)
        if match:
            group = 2 if match.group(2) is not None else 3
            parsed.values[match.group(1)] = rest[match.start(group):match.end(group)]
            position = match.end()
            continue
        match = _STATUS_RE.match(simple, position)
        if match and parsed.status is None:
            index = next(i for i in range(len(_STATUS)) if match.group(f"s{i}"))
            parsed.status = _STATUS[index][0]
            position = match.end()
            continue
        break
    # A full stop after the status ("50% đang triển khai.") ends it; it is not a note of its own.
    _split_free_text(parsed, rest[position:].lstrip(" \t,;.-–:").rstrip(" \t,;-–:"))
    if parsed.status is None and parsed.percent is not None:
        parsed.status = (ReportStatus.done if parsed.percent == 100 else
                         ReportStatus.not_started if parsed.percent == 0 else ReportStatus.in_progress)
    if parsed.status is None and parsed.obstacles:
        parsed.status = ReportStatus.blocked
    if parsed.status == ReportStatus.blocked and not parsed.obstacles:
        parsed.obstacles, parsed.note = parsed.note, ""  # "vướng mắc chưa có kinh phí": the text is the obstacle
    return parsed


def _split_free_text(parsed: ParsedLine, free: str) -> None:
    simple = _simplify(free)
    marks = [(m.start("kind"), m.end(), m.group("kind").lower()) for m in _MARKERS.finditer(simple)]
    if not marks:
        parsed.note = free.strip()
        return
    parsed.note = free[:marks[0][0]].strip(" \t,;.-–")
    for (_start, end, kind), following in zip(marks, [*marks[1:], (len(free), 0, "")], strict=True):
        chunk = free[end:following[0]].strip(" \t,;.-–")
        if kind in ("vuong mac", "kho khan"):
            parsed.obstacles = "; ".join(x for x in (parsed.obstacles, chunk) if x)
        else:
            parsed.proposals = "; ".join(x for x in (parsed.proposals, chunk) if x)


def parse_number(text: str, kind: str) -> Decimal:
    """A number as Vietnamese people write it: "1.234" is a thousand and more, "8,3" is eight point three.

    `kind` is the indicator's type (int | decimal | percent). Raises LineError("value").
    """
    raw = text.strip().replace(" ", "").replace("\u00a0", "")
    if kind == "percent":
        raw = raw.removesuffix("%")
    if not raw or not re.fullmatch(r"-?[0-9][0-9.,]*", raw):
        raise LineError("value", text)
    if "." in raw and "," in raw:
        raw = raw.replace(".", "").replace(",", ".") if raw.rfind(",") > raw.rfind(".") else raw.replace(",", "")
    elif "," in raw:
        raw = raw.replace(",", ".")
    elif re.fullmatch(r"-?\d{1,3}(\.\d{3})+", raw):
        raw = raw.replace(".", "")  # dots grouping thousands
    try:
        value = Decimal(raw)
    except InvalidOperation as error:
        raise LineError("value", text) from error
    if abs(value) >= Decimal("1e12") or value.as_tuple().exponent < -4:  # type: ignore[operator]
        raise LineError("value", text)
    if kind == "int" and (value != value.to_integral_value() or value < 0):
        raise LineError("value", text)
    return value


def parse_status(text: str) -> str | None:
    """A typed status answer: "hoàn thành", "dang thuc hien", "vướng mắc", "chưa triển khai"."""
    simple = _simplify(unicodedata.normalize("NFC", text)).strip()
    match = _STATUS_RE.fullmatch(simple) or _STATUS_RE.match(simple)
    if not match:
        return None
    index = next(i for i in range(len(_STATUS)) if match.group(f"s{i}"))
    return _STATUS[index][0]


def parse_percent(text: str) -> int | None:
    match = re.fullmatch(r"\s*(\d{1,3})\s*%?\s*", text)
    if not match or int(match.group(1)) > 100:
        return None
    return int(match.group(1))
