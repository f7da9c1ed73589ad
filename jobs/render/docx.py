"""A report as a .docx in the form of Nghị định 30/2020/NĐ-CP, Phụ lục I (văn bản hành chính).

`render(report)` is the entry point. This module holds the rules of the form that are about text
(how a date, a number or a list of recipients is written) and the measurements of the page; the
python-docx work is in jobs/render/_word.py, imported only when a document is actually rendered,
because python-docx and lxml are slow to load and most of the bot never needs them.

The fixed words of the form go through gettext like every text the program writes; the document is
rendered in Vietnamese unless asked otherwise, since it goes to Vietnamese authorities whatever
language the person who asked for it chats in.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from jobs.render.document import Cell, OfficialReport, Run, Table
from locales import _, use_locale
from models.rules.text import clean

MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Page:
    """A4 portrait; margins inside NĐ 30's ranges (top/bottom 20–25, left 30–35, right 15–20 mm)."""

    width_mm: float = 210
    height_mm: float = 297
    top_mm: float = 20
    bottom_mm: float = 20
    left_mm: float = 30
    right_mm: float = 15
    header_mm: float = 10  # where the page number sits, inside the top margin

    @property
    def text_width_mm(self) -> float:
        return self.width_mm - self.left_mm - self.right_mm


PAGE = Page()
FONT = "Times New Roman"
BODY_PT = 14
LINE_SPACING = 1.15  # NĐ 30: from single to 1.5 lines
PARAGRAPH_GAP_PT = 6  # NĐ 30: at least 6 pt between paragraphs
FIRST_LINE_INDENT_MM = 12.7  # NĐ 30: 1 cm or 1.27 cm
END_MARK = "./."  # the last paragraph of the body ends with it, so nothing can be appended after signing

# The header block: the issuer on the left, the national title on the right. Widths are picked so that
# "SỞ KHOA HỌC VÀ CÔNG NGHỆ" and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" each fit on one line at 12 pt
# bold within the 165 mm of text width.
LEFT_COLUMN_MM = 70.0
RIGHT_COLUMN_MM = PAGE.text_width_mm - LEFT_COLUMN_MM
CELL_PADDING_MM = 1.0


def render(report: OfficialReport, *, locale: str = "vi") -> bytes:
    """The report as the bytes of a .docx file."""
    from jobs.render import _word  # python-docx and lxml load here, not when the bot starts

    with use_locale(locale):
        return _word.write(report)


# --- How the form writes things ---------------------------------------------------------------------


def two_digits_below(value: int, limit: int) -> str:
    """NĐ 30 writes days below 10 and months below 3 with a leading zero, so "1" cannot become "11"."""
    return f"{value:02d}" if value < limit else str(value)


def date_words(day: date | None) -> Run:
    """'ngày 05 tháng 01 năm 2027', or a highlighted blank for the văn thư to fill on the day it is issued."""
    if day is None:
        return Run(text=_("ngày … tháng … năm …"), placeholder=True)
    text = _("ngày {day} tháng {month} năm {year}").format(
        day=two_digits_below(day.day, 10), month=two_digits_below(day.month, 3), year=day.year
    )
    return Run(text=text)


def number_run(number: int | None) -> Run:
    """The register number, '05' below 10 as NĐ 30 writes it; a highlighted blank before it is given."""
    if number is None:
        return Run(text="…", placeholder=True)
    return Run(text=two_digits_below(number, 10))


def dash_list(lines: Sequence[str]) -> list[str]:
    """NĐ 30's lists of addressees: '- X;' on each line, the last one closed with '.'."""
    items = [clean(line).strip().rstrip(";.,").rstrip() for line in lines]
    items = [item for item in items if item]
    return [f"- {item}{'.' if index == len(items) - 1 else ';'}" for index, item in enumerate(items)]


def with_end_mark(text: str) -> str:
    """`text` ending with './.' (a final full stop is part of the mark, not doubled)."""
    stripped = text.rstrip()
    if stripped.endswith(END_MARK):
        return stripped
    return stripped.removesuffix(".") + END_MARK


def fill(template: str, parts: Mapping[str, Sequence[Run]], *, base: Run | None = None) -> list[Run]:
    """Runs for a translated template such as 'Số: {number}/{symbol}': the literal text takes `base`'s
    look, each field its own runs. Splitting the template (not concatenating pieces of a sentence)
    lets a translator move the fields around."""
    base = base or Run(text="")
    runs: list[Run] = []
    for literal, field, _spec, _conversion in string.Formatter().parse(template):
        if literal:
            runs.append(Run(text=literal, bold=base.bold, italic=base.italic, placeholder=base.placeholder))
        if field is not None:
            runs.extend(parts[field])
    return runs


# --- Measuring text, for the short rules under the header lines ---------------------------------------

# Advance widths of Times New Roman Bold (the Adobe Times-Bold metrics, which Liberation Serif Bold
# shares), in thousandths of the font size. Vietnamese letters measure as their base letter.
_BOLD_UPPER = dict(zip(string.ascii_uppercase, (
    722, 667, 722, 722, 667, 611, 778, 778, 389, 500, 778, 667, 944,
    722, 778, 611, 778, 722, 556, 667, 722, 722, 1000, 722, 722, 667,
), strict=True))
_BOLD_LOWER = dict(zip(string.ascii_lowercase, (
    500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556, 278, 833,
    556, 500, 556, 556, 444, 389, 333, 556, 500, 722, 500, 500, 444,
), strict=True))
_BOLD_OTHER = {" ": 250, "-": 333, ",": 250, ".": 250, "&": 833, "(": 333, ")": 333}
_BOLD = {**_BOLD_UPPER, **_BOLD_LOWER, **dict.fromkeys(string.digits, 500), **_BOLD_OTHER}
_PT_MM = 25.4 / 72


def _base_letter(char: str) -> str:
    if char in "đĐ":
        return "d" if char == "đ" else "D"
    return unicodedata.normalize("NFD", char)[0]


def bold_width_mm(text: str, size_pt: float) -> float:
    """Printed width of `text` in bold Times New Roman, close enough to size a rule to it."""
    thousandths = sum(_BOLD.get(_base_letter(char), 500) for char in text)
    return thousandths / 1000 * size_pt * _PT_MM


# --- Tables and numbering ---------------------------------------------------------------------------


def widths_from_content(block: Table) -> list[float]:
    """Columns as wide as their longest text suggests, within bounds, so a number column stays narrow
    and a column of sentences gets the room."""
    widths = []
    for column, title in enumerate(block.header):
        texts = [title, *(cell_text(row[column]) for row in block.rows)]
        widths.append(float(min(max(len(text) for text in texts), 60) + 4))
    return widths


def fit(widths: Sequence[float], room: float) -> list[float]:
    total = sum(widths)
    return [width * room / total for width in widths]


def cell_text(value: str | Cell) -> str:
    return value.text if isinstance(value, Cell) else value


def is_short_column(block: Table, column: int) -> bool:
    """Numbers, dates and short codes read better centred."""
    return bool(block.rows) and all(len(cell_text(row[column]).strip()) <= 12 for row in block.rows)


def roman(number: int) -> str:
    numerals = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = []
    for value, numeral in numerals:
        count, number = divmod(number, value)
        out.append(numeral * count)
    return "".join(out)
