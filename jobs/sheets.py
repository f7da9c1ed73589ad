"""Writing cells people typed into an Excel sheet safely, and the house style of our sheets (bold,
tinted, frozen header; dates as real dates). Every workbook the bot makes (the digest's, the year's)
writes through here, so that what one renderer learned about hostile text, all of them do."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from models.rules.text import clean

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

# openpyxl is imported by the functions that write: a process that never makes a workbook never loads it.
HEADER_COLOUR = "DDEBF7"
DATE = "dd/mm/yyyy"
DATETIME = "dd/mm/yyyy hh:mm"
MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def append(sheet: Worksheet, values: list[Any]) -> None:
    """One row. Strings lose the control characters openpyxl refuses (IllegalCharacterError), which
    rows stored before text was cleaned at the door may hold; and a note that begins with "=" stays
    the text a person typed, not a formula Excel would run."""
    from openpyxl.cell import Cell

    row: list[Any] = []
    for value in values:
        if isinstance(value, str):
            cell = Cell(sheet, value=clean(value))
            if cell.data_type == "f":
                cell.data_type = "s"
            row.append(cell)
        else:
            row.append(value)
    sheet.append(row)


_TITLE_FORBIDDEN = re.compile(r"[\\*?:/\[\]]")


def title(text: str) -> str:
    """A sheet name Excel accepts: no control characters, none of \\ * ? : / [ ], at most 31 characters."""
    return _TITLE_FORBIDDEN.sub("-", clean(text))[:31] or "-"


def header(sheet: Worksheet, titles: list[str], widths: list[int]) -> int:
    """The header row, after whatever the sheet holds (a title block): bold, tinted, frozen, and repeated on
    every printed page. Returns its row number."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    append(sheet, titles)
    row = sheet.max_row
    for index, width in enumerate(widths, start=1):
        cell = sheet.cell(row=row, column=index)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_COLOUR)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{row + 1}"
    sheet.print_title_rows = f"{row}:{row}"
    return row


def title_block(sheet: Worksheet, lines: list[str]) -> None:
    """What the sheet is, for whom and of when, above its table: the first line large and bold."""
    from openpyxl.styles import Font

    for index, line in enumerate(lines):
        append(sheet, [line])
        if index == 0:
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=14)
    append(sheet, [])


def for_print(sheet: Worksheet) -> None:
    """A4 landscape, as wide as one page (as many pages down as it takes)."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
