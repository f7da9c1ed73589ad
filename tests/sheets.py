"""Reading a workbook the bot made as a person would: below its title block, under its header row."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet


@dataclass
class Table:
    sheet: Worksheet
    title: list[str]  # the lines above the header
    header: list[Any]
    header_row: int
    rows: list[tuple]  # values below the header, up to the first empty row

    def column(self, name: str) -> int:
        return self.header.index(name)

    def where(self, **values: Any) -> list[tuple]:
        return [r for r in self.rows if all(r[self.column(k)] == v for k, v in values.items())]


def cells(content: bytes, sheet: str | None = None, *, table: int = 0) -> Table:
    """The `table`-th table of the sheet: a header row is one printed on every page (the last one) or, for
    the tables above it, a row whose first cell is bold and tinted."""
    book = load_workbook(io.BytesIO(content))
    ws = book[sheet] if sheet else book.active
    headers = [row[0].row for row in ws.iter_rows() if row[0].fill.fgColor.rgb == "00DDEBF7" and row[0].font.b]
    at = headers[table]
    title = [row[0] for row in ws.iter_rows(max_row=headers[0] - 1, values_only=True) if row[0]]
    rows = []
    for row in ws.iter_rows(min_row=at + 1, values_only=True):
        if all(v is None for v in row):
            break
        rows.append(row)
    return Table(ws, title, [c.value for c in ws[at]], at, rows)
