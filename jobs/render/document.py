"""A report ("Báo cáo") as data: what it says, not how it looks.

The layout rules of Nghị định 30/2020/NĐ-CP (Phụ lục I) live in the renderer, so whoever builds a
report (from the database, a test, a sample) only says what goes where. Plain frozen dataclasses
with no python-docx in sight: building one costs nothing and needs no heavy import.

Text is kept as typed; the renderer removes what a document cannot carry (models.rules.text.clean).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


@dataclass(frozen=True, kw_only=True)
class Run:
    """A stretch of text with one look. `placeholder` marks what the clerk must fill in or check
    before the document is signed (rendered highlighted, so it cannot go out unnoticed)."""

    text: str
    bold: bool = False
    italic: bool = False
    placeholder: bool = False


class Style(StrEnum):
    HEADING1 = "heading1"  # "I. KẾT QUẢ THỰC HIỆN": Roman numeral, upper case, bold
    HEADING2 = "heading2"  # "1. Công tác chỉ đạo": bold
    HEADING3 = "heading3"  # "a) …": bold italic
    BODY = "body"  # justified, first line indented
    BULLET = "bullet"  # "- …", the dash Vietnamese official texts use


@dataclass(frozen=True, kw_only=True)
class Paragraph:
    runs: tuple[Run, ...]
    style: Style = Style.BODY

    @classmethod
    def of(cls, text: str, style: Style = Style.BODY, *, placeholder: bool = False) -> Paragraph:
        """The common case: one run of plain text."""
        return cls(runs=(Run(text=text, placeholder=placeholder),), style=style)


@dataclass(frozen=True, kw_only=True)
class Quote:
    """A unit's own words, kept apart from the coordinator's text and attributed
    (`source`: who said it and where, e.g. "Sở Y tế, báo cáo ngày 12/12/2026"). `mark`, when given,
    follows the attribution in its own brackets: what the reader must know about the words, e.g. that
    nobody has accepted the report yet ("chưa tiếp nhận")."""

    text: str
    source: str
    mark: str = ""


@dataclass(frozen=True, kw_only=True)
class Cell:
    """A table cell that needs more than plain text: a placeholder or an emphasis."""

    text: str
    bold: bool = False
    italic: bool = False
    placeholder: bool = False


@dataclass(frozen=True, kw_only=True)
class Table:
    """A bordered table; `header` repeats at the top of every page it runs onto.

    `widths_mm`, one per column, is a hint; without it the widths follow the length of the content.
    """

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str | Cell, ...], ...]
    widths_mm: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        # A ragged table is a bug in whoever built it; say so here rather than as a garbled document.
        for row in self.rows:
            if len(row) != len(self.header):
                raise ValueError(f"row has {len(row)} cells, header has {len(self.header)}: {row!r}")
        if self.widths_mm is not None and len(self.widths_mm) != len(self.header):
            raise ValueError(f"{len(self.widths_mm)} widths for {len(self.header)} columns")


Block = Paragraph | Quote | Table


@dataclass(frozen=True, kw_only=True)
class Appendix:
    """A "Phụ lục": starts on a new page, under its own title, after the signature."""

    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True, kw_only=True)
class OfficialReport:
    """Everything a "Báo cáo" of NĐ 30/2020 shows, in reading order.

    `number` and `date` are given by the văn thư when the report is issued: None leaves a highlighted
    blank ("…/BC-SKHCN", "ngày … tháng … năm …"). `recipients` are the "Kính gửi:" lines and
    `distribution` the "Nơi nhận:" lines, without the leading dash or the closing ";"/"." that the
    form adds (a `Run` marked `placeholder` is a line the clerk completes). `signer_title` is one line
    per entry ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"); `signer_name` None leaves a highlighted blank under the
    signature space.
    """

    issuer_parent: str  # "UBND TỈNH VĨNH LONG"
    issuer: str  # "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
    symbol: str  # "BC-SKHCN", the part of "Số: 05/BC-SKHCN" after the slash
    place: str  # "Vĩnh Long"
    summary: str  # the line under "BÁO CÁO"
    number: int | None = None
    date: date | None = None
    recipients: tuple[str, ...] = ()
    body: tuple[Block, ...] = ()
    appendices: tuple[Appendix, ...] = ()
    distribution: tuple[str | Run, ...] = ()
    signer_title: tuple[str, ...] = ()
    signer_name: str | None = None


__all__ = ["Appendix", "Block", "Cell", "OfficialReport", "Paragraph", "Quote", "Run", "Style", "Table"]
