"""Reading the web view's HTML the way a test needs it: tables by id, list items, visible text."""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Collector(HTMLParser):
    def __init__(self, element_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.element_id = element_id
        self.depth = 0  # > 0 while inside the element with that id
        self.rows: list[list[str]] = []  # <tr> → its cells' text, or <li> → [its text]
        self.attrs: list[dict[str, str]] = []  # attributes of every cell inside
        self._cell: list[str] | None = None
        self._row: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict((k, v or "") for k, v in attrs)
        if self._cell is not None:
            self._cell.append(" ")  # <br>, <div>: words on either side are separate words
        if tag in VOID:
            return
        if self.depth:
            self.depth += 1
        elif found.get("id") == self.element_id:
            self.depth = 1
            return
        if not self.depth:
            return
        if tag in ("tr", "li"):
            self._row = []
            if tag == "li":
                self._cell = []
        elif tag in ("td", "th"):
            self._cell = []
            self.attrs.append(found)

    def handle_endtag(self, tag: str) -> None:
        if not self.depth or tag in VOID:
            return
        if self._cell is not None:
            self._cell.append(" ")
        self.depth -= 1
        if tag in ("td", "th", "li") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        if tag in ("tr", "li") and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self.depth and self._cell is not None:
            self._cell.append(data)


def rows(html: str, element_id: str) -> list[list[str]]:
    """The rows of a table (cells' text) or the items of a list (one-cell rows), by the element's id."""
    collector = _Collector(element_id)
    collector.feed(html)
    return collector.rows


def cells(html: str, element_id: str) -> list[dict[str, str]]:
    collector = _Collector(element_id)
    collector.feed(html)
    return collector.attrs
