"""The python-docx side of jobs/render/docx.py: an OfficialReport written as WordprocessingML.

Imported only by `render()`. Every string reaches the document through `_Writer.text`, which cleans
it (models.rules.text.clean): one stray control character in a unit's report must not make lxml refuse
the whole document.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt
from docx.styles.style import ParagraphStyle
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run as DocxRun

from jobs.render.document import Appendix, Block, Cell, OfficialReport, Paragraph, Quote, Run, Style, Table
from jobs.render.docx import (
    BODY_PT,
    CELL_PADDING_MM,
    FIRST_LINE_INDENT_MM,
    FONT,
    LEFT_COLUMN_MM,
    LINE_SPACING,
    PAGE,
    PARAGRAPH_GAP_PT,
    RIGHT_COLUMN_MM,
    bold_width_mm,
    dash_list,
    date_words,
    fill,
    fit,
    is_short_column,
    number_run,
    roman,
    widths_from_content,
    with_end_mark,
)
from locales import _
from models.rules.text import clean

TABLE_PT = 12
HEADER_PT = 12  # issuer lines and the national title: NĐ 30 allows 12–13
MOTTO_PT = HEADER_PT + 1  # NĐ 30: the motto one point larger than the national title
NUMBER_PT = 13
RECIPIENT_LABEL_MM = 22  # "Kính gửi:" and its gap: the dashes below line up under its colon
RECIPIENT_INDENT_MM = 25
SIGNATURE_SPACE_PT = 72  # room for the signature and the seal
RULE_PT = 0.75

# Schema order of the children of w:pPr and w:tblPr after the ones we insert (OOXML is strict about it).
_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
               "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
               "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
               "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
               "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_AFTER_TBLBORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")
_AFTER_TBLCELLMAR = ("w:tblLook", "w:tblCaption", "w:tblDescription")


def write(report: OfficialReport) -> bytes:
    writer = _Writer()
    writer.report(report)
    out = io.BytesIO()
    writer.doc.save(out)
    return out.getvalue()


class _Writer:
    def __init__(self) -> None:
        self.doc: DocxDocument = Document()
        self._page_setup()
        self._base_style()
        self._page_numbers()

    # --- The document as a whole ---------------------------------------------------------------------

    def report(self, report: OfficialReport) -> None:
        self._heading_block(report)
        self._title(report)
        self._recipients(report.recipients)
        self._body(report.body)
        self._closing(report)
        for index, appendix in enumerate(report.appendices, start=1):
            self._appendix(report, appendix, index, len(report.appendices))

    def _page_setup(self) -> None:
        section = self.doc.sections[0]
        section.start_type = WD_SECTION_START.NEW_PAGE
        section.page_width, section.page_height = Mm(PAGE.width_mm), Mm(PAGE.height_mm)
        section.top_margin, section.bottom_margin = Mm(PAGE.top_mm), Mm(PAGE.bottom_mm)
        section.left_margin, section.right_margin = Mm(PAGE.left_mm), Mm(PAGE.right_mm)
        section.header_distance = section.footer_distance = Mm(PAGE.header_mm)

    def _base_style(self) -> None:
        """Times New Roman everywhere: in the document defaults (whose theme fonts would otherwise win
        in Word) and in Normal, for Latin and East Asian text alike, so no reader substitutes a font."""
        defaults = self.doc.styles.element.find(qn("w:docDefaults"))
        if defaults is not None:
            for fonts in defaults.iter(qn("w:rFonts")):
                _set_fonts(fonts)
            for lang in defaults.iter(qn("w:lang")):
                lang.set(qn("w:val"), "vi-VN")
        normal = self.doc.styles["Normal"]
        assert isinstance(normal, ParagraphStyle)
        normal.font.name = FONT
        normal.font.size = Pt(BODY_PT)
        _set_fonts(normal.element.get_or_add_rPr().get_or_add_rFonts())
        fmt = normal.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing = 1.0
        fmt.widow_control = True

    def _page_numbers(self) -> None:
        """NĐ 30: numbered from 1, centred in the top margin, no number shown on the first page."""
        section = self.doc.sections[0]
        section.different_first_page_header_footer = True
        section.first_page_header.paragraphs[0].text = ""  # an explicit, empty first-page header
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        begin, instruction, separate, shown, end = (self._run(paragraph, BODY_PT - 1) for _ in range(5))
        _field_char(begin, "begin")
        code = OxmlElement("w:instrText")
        code.set(qn("xml:space"), "preserve")
        code.text = " PAGE "
        instruction._r.append(code)
        _field_char(separate, "separate")
        shown.text = "2"  # what a reader that does not update fields shows until it does
        _field_char(end, "end")

    # --- Text -----------------------------------------------------------------------------------------

    def _run(self, paragraph: DocxParagraph, size: float, text: str = "", *, bold: bool = False,
             italic: bool = False, placeholder: bool = False) -> DocxRun:
        run = paragraph.add_run(clean(text))
        run.font.name = FONT
        _set_fonts(run._r.get_or_add_rPr().get_or_add_rFonts())
        run.font.size = Pt(size)
        run.bold, run.italic = bold or None, italic or None
        if placeholder:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        return run

    def text(self, paragraph: DocxParagraph, runs: Iterable[Run], size: float, *, bold: bool = False,
             italic: bool = False) -> None:
        for run in runs:
            self._run(paragraph, size, run.text, bold=bold or run.bold, italic=italic or run.italic,
                      placeholder=run.placeholder)

    def _paragraph(self, container: DocxDocument | _Cell, *, align: WD_ALIGN_PARAGRAPH | None = None,
                   before: float = 0, after: float = 0, line: float = 1.0, first_line_mm: float = 0,
                   left_mm: float = 0, right_mm: float = 0, keep_with_next: bool = False) -> DocxParagraph:
        fresh = container.paragraphs[0] if isinstance(container, _Cell) and len(container.paragraphs) == 1 else None
        if fresh is not None and not fresh.runs and fresh._p.pPr is None:
            paragraph = fresh  # a new cell comes with one empty paragraph: use it rather than leave a blank line
        else:
            paragraph = container.add_paragraph()
        fmt = paragraph.paragraph_format
        if align is not None:
            fmt.alignment = align
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
        fmt.line_spacing = line
        if first_line_mm:
            fmt.first_line_indent = Mm(first_line_mm)
        if left_mm:
            fmt.left_indent = Mm(left_mm)
        if right_mm:
            fmt.right_indent = Mm(right_mm)
        fmt.keep_with_next = keep_with_next or None
        return paragraph

    def _line(self, container: DocxDocument | _Cell, text: str, size: float, *, bold: bool = False,
              italic: bool = False, before: float = 0, align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
              keep_with_next: bool = False) -> DocxParagraph:
        paragraph = self._paragraph(container, align=align, before=before, keep_with_next=keep_with_next)
        self._run(paragraph, size, text, bold=bold, italic=italic)
        return paragraph

    def _rule(self, container: DocxDocument | _Cell, width_mm: float, room_mm: float) -> None:
        """A short centred rule, as NĐ 30 draws under the issuer, the motto and the summary: the top border
        of an almost empty paragraph, narrowed by equal indents."""
        width_mm = min(width_mm, room_mm)
        indent = (room_mm - width_mm) / 2
        # The gap above keeps the rule clear of the dots under "Ọ", "Ệ" on the line it underlines.
        paragraph = self._paragraph(container, before=3, left_mm=indent, right_mm=indent,
                                    keep_with_next=True)
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        paragraph.paragraph_format.line_spacing = Pt(4)
        p_pr = paragraph._p.get_or_add_pPr()
        borders = OxmlElement("w:pBdr")
        top = OxmlElement("w:top")
        for key, value in (("val", "single"), ("sz", str(int(RULE_PT * 8))), ("space", "1"), ("color", "000000")):
            top.set(qn(f"w:{key}"), value)
        borders.append(top)
        p_pr.insert_element_before(borders, *_AFTER_PBDR)
        mark = OxmlElement("w:rPr")  # the paragraph mark's own size sets the empty line's height
        size = OxmlElement("w:sz")
        size.set(qn("w:val"), "2")
        mark.append(size)
        p_pr.insert_element_before(mark, "w:sectPr", "w:pPrChange")

    # --- The parts of the form ------------------------------------------------------------------------

    def _heading_block(self, report: OfficialReport) -> None:
        """Issuer and number on the left, national title and place/date on the right, in a borderless
        table so that "Số:" and the date stand on one line whatever the lengths above them."""
        table = self._table(2, (LEFT_COLUMN_MM, RIGHT_COLUMN_MM), borders=False)
        left_room = LEFT_COLUMN_MM - 2 * CELL_PADDING_MM
        right_room = RIGHT_COLUMN_MM - 2 * CELL_PADDING_MM

        issuer_cell = table.cell(0, 0)
        if report.issuer_parent.strip():
            self._line(issuer_cell, clean(report.issuer_parent).upper(), HEADER_PT)
        self._line(issuer_cell, clean(report.issuer).upper(), HEADER_PT, bold=True)
        # NĐ 30: a third to a half of the issuer's line.
        self._rule(issuer_cell, 0.4 * min(bold_width_mm(clean(report.issuer).upper(), HEADER_PT), left_room),
                   left_room)

        nation_cell = table.cell(0, 1)
        self._line(nation_cell, _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), HEADER_PT, bold=True)
        motto = _("Độc lập - Tự do - Hạnh phúc")
        self._line(nation_cell, motto, MOTTO_PT, bold=True)
        self._rule(nation_cell, bold_width_mm(motto, MOTTO_PT), right_room)  # as long as the motto

        number = self._paragraph(table.cell(1, 0), align=WD_ALIGN_PARAGRAPH.CENTER, before=6)
        self.text(number, fill(_("Số: {number}/{symbol}"),
                               {"number": [number_run(report.number)], "symbol": [Run(text=report.symbol)]}),
                  NUMBER_PT)
        when = self._paragraph(table.cell(1, 1), align=WD_ALIGN_PARAGRAPH.CENTER, before=6)
        self.text(when, fill(_("{place}, {date}"), {"place": [Run(text=report.place)],
                                                   "date": [date_words(report.date)]}),
                  BODY_PT, italic=True)

    def _title(self, report: OfficialReport) -> None:
        self._line(self.doc, _("BÁO CÁO"), BODY_PT, bold=True, before=18, keep_with_next=True)
        summary = clean(report.summary)
        if summary.strip():
            self._line(self.doc, summary, BODY_PT, bold=True, keep_with_next=True)
            widest = min(bold_width_mm(summary, BODY_PT), PAGE.text_width_mm)
            self._rule(self.doc, 0.4 * widest, PAGE.text_width_mm)

    def _recipients(self, recipients: Sequence[str]) -> None:
        """One addressee: 'Kính gửi: X.' on one centred line. Several: one per line, the dashes aligned
        under the colon of 'Kính gửi:' (a hanging indent with a tab), as NĐ 30 lays them out."""
        lines = dash_list(recipients)
        label = _("Kính gửi:")
        if not lines:
            return
        if len(lines) == 1:
            paragraph = self._paragraph(self.doc, align=WD_ALIGN_PARAGRAPH.CENTER, before=12, after=6)
            self._run(paragraph, BODY_PT, f"{label} {lines[0].removeprefix('- ')}")
            return
        hanging = RECIPIENT_INDENT_MM + RECIPIENT_LABEL_MM
        paragraph = self._paragraph(self.doc, align=WD_ALIGN_PARAGRAPH.LEFT, before=12, after=6, line=1.15,
                                    left_mm=hanging, first_line_mm=-RECIPIENT_LABEL_MM)
        paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(hanging))
        self._run(paragraph, BODY_PT, f"{label}\t" + "\n".join(lines))

    def _body(self, blocks: Sequence[Block]) -> None:
        last_paragraph = max((i for i, block in enumerate(blocks) if isinstance(block, Paragraph)), default=None)
        for index, block in enumerate(blocks):
            if isinstance(block, Paragraph) and index == last_paragraph and block.runs:
                # NĐ 30's end mark after the last words of the body.
                tail = block.runs[-1]
                block = Paragraph(runs=(*block.runs[:-1], Run(text=with_end_mark(clean(tail.text)), bold=tail.bold,
                                                              italic=tail.italic, placeholder=tail.placeholder)),
                                  style=block.style)
            self._block(block)

    def _block(self, block: Block) -> None:
        if isinstance(block, Paragraph):
            self._body_paragraph(block)
        elif isinstance(block, Quote):
            self._quote(block)
        else:
            self._data_table(block)

    def _body_paragraph(self, block: Paragraph) -> None:
        heading = block.style in (Style.HEADING1, Style.HEADING2, Style.HEADING3)
        paragraph = self._paragraph(self.doc, align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=PARAGRAPH_GAP_PT,
                                    line=LINE_SPACING, first_line_mm=FIRST_LINE_INDENT_MM, keep_with_next=heading)
        runs: Sequence[Run] = block.runs
        if block.style is Style.BULLET:
            runs = (Run(text="- "), *runs)
        self.text(paragraph, runs, BODY_PT, bold=heading, italic=block.style is Style.HEADING3)

    def _quote(self, quote: Quote) -> None:
        """A unit's own words: set in from both sides, italic, in quotation marks, and who said them."""
        paragraph = self._paragraph(self.doc, align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=PARAGRAPH_GAP_PT,
                                    line=LINE_SPACING, left_mm=FIRST_LINE_INDENT_MM, right_mm=FIRST_LINE_INDENT_MM)
        self._run(paragraph, BODY_PT, f"“{clean(quote.text).strip()}”", italic=True)
        if quote.source.strip():
            self._run(paragraph, BODY_PT, f" ({clean(quote.source).strip()})")
        if quote.mark.strip():
            self._run(paragraph, BODY_PT, f" ({clean(quote.mark).strip()})")

    def _data_table(self, block: Table) -> None:
        if block.title.strip():
            self._line(self.doc, block.title, BODY_PT, bold=True, before=PARAGRAPH_GAP_PT * 2, keep_with_next=True)
        widths = block.widths_mm or widths_from_content(block)
        table = self._table(len(block.rows) + 1, fit(widths, PAGE.text_width_mm), borders=True)
        centred = [is_short_column(block, column) for column in range(len(block.header))]
        header = table.rows[0]
        _repeat_as_header(header._tr)
        for column, title in enumerate(block.header):
            cell = header.cells[column]
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            self._line(cell, title, TABLE_PT, bold=True)
        for row_index, row in enumerate(block.rows, start=1):
            cells = table.rows[row_index].cells
            _keep_row_on_one_page(table.rows[row_index]._tr)
            for column, value in enumerate(row):
                item = value if isinstance(value, Cell) else Cell(text=value)
                align = WD_ALIGN_PARAGRAPH.CENTER if centred[column] else WD_ALIGN_PARAGRAPH.LEFT
                paragraph = self._paragraph(cells[column], align=align)
                self._run(paragraph, TABLE_PT, item.text, bold=item.bold, italic=item.italic,
                          placeholder=item.placeholder)

    def _closing(self, report: OfficialReport) -> None:
        """"Nơi nhận:" on the left and the signer on the right, side by side as in NĐ 30's layout."""
        table = self._table(1, (LEFT_COLUMN_MM, RIGHT_COLUMN_MM), borders=False)
        _keep_row_on_one_page(table.rows[0]._tr)
        recipients = table.cell(0, 0)
        self._line(recipients, _("Nơi nhận:"), 12, bold=True, italic=True, before=12,
                   align=WD_ALIGN_PARAGRAPH.LEFT)
        items = [item if isinstance(item, Run) else Run(text=item) for item in report.distribution]
        items = [item for item in items if dash_list([item.text])]  # what dash_list keeps, in the same order
        for item, line in zip(items, dash_list([item.text for item in items]), strict=True):
            paragraph = self._paragraph(recipients, align=WD_ALIGN_PARAGRAPH.LEFT)
            self._run(paragraph, 11, line, placeholder=item.placeholder)

        signer = table.cell(0, 1)
        titles = [clean(line).strip().upper() for line in report.signer_title if clean(line).strip()]
        if not titles:
            paragraph = self._paragraph(signer, align=WD_ALIGN_PARAGRAPH.CENTER, before=12)
            self._run(paragraph, BODY_PT, _("[CHỨC VỤ NGƯỜI KÝ]"), bold=True, placeholder=True)
        for index, title in enumerate(titles):
            self._line(signer, title, BODY_PT, bold=True, before=12 if index == 0 else 0)
        name = self._paragraph(signer, align=WD_ALIGN_PARAGRAPH.CENTER, before=SIGNATURE_SPACE_PT)
        if report.signer_name and clean(report.signer_name).strip():
            self._run(name, BODY_PT, report.signer_name.strip(), bold=True)
        else:
            self._run(name, BODY_PT, _("[Họ và tên người ký]"), bold=True, placeholder=True)

    def _appendix(self, report: OfficialReport, appendix: Appendix, index: int, count: int) -> None:
        """NĐ 30: 'Phụ lục' (numbered in Roman when there are several) on a line of its own, the title in
        capitals, and which document it belongs to; on a new page."""
        heading = _("Phụ lục {number}").format(number=roman(index)) if count > 1 else _("Phụ lục")
        first = self._line(self.doc, heading, BODY_PT, bold=True, keep_with_next=True)
        first.paragraph_format.page_break_before = True
        self._line(self.doc, clean(appendix.title).upper(), BODY_PT, bold=True, keep_with_next=True)
        attached = self._paragraph(self.doc, align=WD_ALIGN_PARAGRAPH.CENTER, after=12, keep_with_next=True)
        self.text(attached, fill(_("(Kèm theo Báo cáo số {number}/{symbol} {date})"), {
            "number": [number_run(report.number)], "symbol": [Run(text=report.symbol)],
            "date": [date_words(report.date)]}), BODY_PT, italic=True)
        for block in appendix.blocks:
            self._block(block)

    # --- Tables ---------------------------------------------------------------------------------------

    def _table(self, rows: int, widths_mm: Sequence[float], *, borders: bool) -> DocxTable:
        table = self.doc.add_table(rows=rows, cols=len(widths_mm))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, width in zip(table.columns, widths_mm, strict=True):
            column.width = Mm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths_mm, strict=True):
                cell.width = Mm(width)
        tbl_pr = table._tbl.tblPr
        edges = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            line = OxmlElement(f"w:{edge}")
            line.set(qn("w:val"), "single" if borders else "nil")
            if borders:
                line.set(qn("w:sz"), "4")
                line.set(qn("w:color"), "000000")
            edges.append(line)
        tbl_pr.insert_element_before(edges, *_AFTER_TBLBORDERS)
        margins = OxmlElement("w:tblCellMar")
        for edge in ("left", "right"):
            margin = OxmlElement(f"w:{edge}")
            margin.set(qn("w:w"), str(round(CELL_PADDING_MM / 25.4 * 1440)))
            margin.set(qn("w:type"), "dxa")
            margins.append(margin)
        tbl_pr.insert_element_before(margins, *_AFTER_TBLCELLMAR)
        return table


def _set_fonts(fonts: BaseOxmlElement) -> None:
    """Name the font for every script and drop theme fonts, which Word would prefer to a named font."""
    for script in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{script}"), FONT)
        fonts.attrib.pop(qn(f"w:{script}Theme"), None)
    fonts.attrib.pop(qn("w:asciiTheme"), None)
    fonts.attrib.pop(qn("w:cstheme"), None)


def _field_char(run: DocxRun, kind: str) -> None:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    run._r.append(char)


def _repeat_as_header(tr: CT_Row) -> None:
    tr_pr = tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    tr_pr.insert_element_before(header, "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange")
    _keep_row_on_one_page(tr)


def _keep_row_on_one_page(tr: CT_Row) -> None:
    tr_pr = tr.get_or_add_trPr()
    if tr_pr.find(qn("w:cantSplit")) is None:
        tr_pr.insert_element_before(OxmlElement("w:cantSplit"), "w:trHeight", "w:tblHeader", "w:tblCellSpacing",
                                    "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange")
