"""The .docx of a report, reopened with python-docx: NĐ 30/2020's form, and text that cannot break it."""

from __future__ import annotations

import dataclasses
import io
import subprocess
import sys
from datetime import date
from typing import Any

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from jobs.render.document import OfficialReport, Paragraph, Quote, Run, Style, Table
from jobs.render.docx import FONT, dash_list, date_words, render, with_end_mark
from locales import use_locale
from tests.jobs.render.sample import missing_units, sample_report

BAD = ("\x1b", "\x00", "\ufffe", "\x85", "\ud800", "\x7f")


def reopen(data: bytes) -> DocxDocument:
    return Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def report() -> OfficialReport:
    return sample_report()


@pytest.fixture(scope="module")
def doc(report: OfficialReport) -> DocxDocument:
    return reopen(render(report))


def paragraph(doc: DocxDocument, text: str) -> DocxParagraph:
    """The body paragraph whose text is `text` (or starts with it)."""
    found = [p for p in doc.paragraphs if p.text == text or p.text.startswith(text)]
    assert found, f"no paragraph {text!r}"
    return found[0]


def all_text(doc: DocxDocument) -> str:
    """Every text in the document: body, tables (nested too) and headers."""
    parts = [node.text or "" for node in doc.element.body.iter(qn("w:t"))]
    for section in doc.sections:
        for header in (section.header, section.first_page_header):
            parts.extend(node.text or "" for node in header._element.iter(qn("w:t")))
    return "\n".join(parts)


def data_table(doc: DocxDocument, header: tuple[str, ...]) -> DocxTable:
    found = [t for t in doc.tables if tuple(c.text for c in t.rows[0].cells) == header]
    assert len(found) == 1
    return found[0]


# --- The header block ---------------------------------------------------------------------------------


def test_header_block_has_issuer_national_title_number_and_date(doc: DocxDocument, report: OfficialReport):
    header = doc.tables[0]
    issuer, nation = header.cell(0, 0), header.cell(0, 1)
    assert [p.text for p in issuer.paragraphs if p.text] == [report.issuer_parent, report.issuer]
    assert [p.text for p in nation.paragraphs if p.text] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                                             "Độc lập - Tự do - Hạnh phúc"]
    assert all(run.bold for p in nation.paragraphs for run in p.runs)
    assert all(run.bold for run in issuer.paragraphs[1].runs)
    assert header.cell(1, 0).text == f"Số: …/{report.symbol}"
    when = header.cell(1, 1).paragraphs[0]
    assert when.text == "Vĩnh Long, ngày 05 tháng 01 năm 2027"
    assert all(run.italic for run in when.runs)


def test_header_block_is_borderless_with_a_rule_under_issuer_and_motto(doc: DocxDocument):
    header = doc.tables[0]
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}
    for cell in (header.cell(0, 0), header.cell(0, 1)):
        rules = [p for p in cell.paragraphs if p._p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}") is not None]
        assert len(rules) == 1 and rules[0].text == ""
        assert cell.paragraphs[-1] is not None and rules[0]._p is cell.paragraphs[-1]._p  # the rule comes last


def test_number_is_written_with_a_leading_zero_below_ten(report: OfficialReport):
    header = reopen(render(dataclasses.replace(report, number=5))).tables[0]
    assert header.cell(1, 0).text == f"Số: 05/{report.symbol}"
    assert reopen(render(dataclasses.replace(report, number=123))).tables[0].cell(1, 0).text.startswith("Số: 123/")


@pytest.mark.parametrize(("day", "words"), [
    (date(2027, 1, 5), "ngày 05 tháng 01 năm 2027"),
    (date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
    (date(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
    (date(2026, 12, 10), "ngày 10 tháng 12 năm 2026"),
])
def test_date_words_follow_nd30(day: date, words: str):
    run = date_words(day)
    assert run.text == words and not run.placeholder


def test_unknown_date_and_number_are_highlighted_blanks(report: OfficialReport):
    header = reopen(render(dataclasses.replace(report, date=None))).tables[0]
    when = header.cell(1, 1).paragraphs[0]
    assert when.text == "Vĩnh Long, ngày … tháng … năm …"
    assert [r.text for r in when.runs if r.font.highlight_color == WD_COLOR_INDEX.YELLOW] == ["ngày … tháng … năm …"]
    number = header.cell(1, 0).paragraphs[0]
    assert [r.text for r in number.runs if r.font.highlight_color == WD_COLOR_INDEX.YELLOW] == ["…"]


# --- Title, addressees, body --------------------------------------------------------------------------


def test_title_and_summary_are_centred_and_bold(doc: DocxDocument, report: OfficialReport):
    for text in ("BÁO CÁO", report.summary):
        found = paragraph(doc, text)
        assert found.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert all(run.bold for run in found.runs)
    assert paragraph(doc, "BÁO CÁO").runs[0].font.size.pt == 14


def test_recipients_one_per_line_with_nd30_punctuation(doc: DocxDocument, report: OfficialReport):
    found = paragraph(doc, "Kính gửi:")
    assert found.text == "Kính gửi:\t- Ủy ban nhân dân tỉnh Vĩnh Long;\n- Bộ Khoa học và Công nghệ."
    one = reopen(render(dataclasses.replace(report, recipients=("Ủy ban nhân dân tỉnh Vĩnh Long",))))
    assert paragraph(one, "Kính gửi:").text == "Kính gửi: Ủy ban nhân dân tỉnh Vĩnh Long."
    blank_first = reopen(render(dataclasses.replace(report, recipients=(" \x00", "Bộ Khoa học và Công nghệ;"))))
    assert paragraph(blank_first, "Kính gửi:").text == "Kính gửi: Bộ Khoa học và Công nghệ."


def test_dash_list_punctuation():
    assert dash_list(["Như trên;", "  UBND tỉnh (b/c).", "", "Lưu: VT"]) == [
        "- Như trên;", "- UBND tỉnh (b/c);", "- Lưu: VT."]


def test_every_section_heading_is_a_bold_paragraph(doc: DocxDocument, report: OfficialReport):
    headings = [b for b in report.body if isinstance(b, Paragraph) and b.style in
                (Style.HEADING1, Style.HEADING2, Style.HEADING3)]
    assert len(headings) >= 8
    for heading in headings:
        found = paragraph(doc, heading.runs[0].text)
        assert found.text == heading.runs[0].text
        assert all(run.bold for run in found.runs) and found.paragraph_format.keep_with_next


def test_body_paragraphs_are_justified_and_indented(doc: DocxDocument, report: OfficialReport):
    first = report.body[0]
    assert isinstance(first, Paragraph)
    found = paragraph(doc, first.runs[0].text)
    assert found.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert 10 <= found.paragraph_format.first_line_indent.mm <= 12.8
    assert 1.0 <= found.paragraph_format.line_spacing <= 1.5
    assert found.paragraph_format.space_before.pt >= 6


def test_quotes_keep_the_units_words_in_italic_and_say_whose_they_are(doc: DocxDocument, report: OfficialReport):
    quotes = [b for b in report.body if isinstance(b, Quote)]
    assert quotes
    for quote in quotes:
        found = paragraph(doc, f"“{quote.text}”")
        assert found.runs[0].italic and found.runs[0].text == f"“{quote.text}”"
        assert found.text.endswith(f"({quote.source})")


def test_units_that_did_not_report_are_named(doc: DocxDocument):
    text = all_text(doc)
    assert missing_units() and all(unit in text for unit in missing_units())


def test_placeholder_section_is_highlighted(doc: DocxDocument):
    found = paragraph(doc, "[Phương hướng năm tới: do chuyên viên soạn]")
    assert all(run.font.highlight_color == WD_COLOR_INDEX.YELLOW for run in found.runs)
    heading = paragraph(doc, "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2027")
    assert heading.runs[0].font.highlight_color is None


def test_body_ends_with_the_end_mark(doc: DocxDocument, report: OfficialReport):
    last = report.body[-1]
    assert isinstance(last, Paragraph)
    assert paragraph(doc, last.runs[0].text[:40]).text == with_end_mark(last.runs[0].text)
    assert with_end_mark("Trân trọng.") == "Trân trọng./." and with_end_mark("Xong./.") == "Xong./."


# --- Closing and appendix -----------------------------------------------------------------------------


def test_distribution_and_signer_side_by_side(doc: DocxDocument, report: OfficialReport):
    closing = next(t for t in doc.tables if t.cell(0, 0).paragraphs[0].text == "Nơi nhận:")
    title = closing.cell(0, 0).paragraphs[0].runs[0]
    assert title.bold and title.italic and title.font.size.pt == 12
    lines = [p for p in closing.cell(0, 0).paragraphs[1:]]
    assert [p.text for p in lines] == dash_list(report.distribution)
    assert all(run.font.size.pt == 11 for p in lines for run in p.runs)
    signer = [p.text for p in closing.cell(0, 1).paragraphs if p.text]
    assert signer == [*report.signer_title, "[Họ và tên người ký]"]


def test_appendix_table_has_its_header_on_every_page_and_all_rows(doc: DocxDocument, report: OfficialReport):
    appendix = report.appendices[0]
    table_block = appendix.blocks[0]
    assert isinstance(table_block, Table)
    table = data_table(doc, table_block.header)
    assert len(table.rows) == len(table_block.rows) + 1
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(run.bold for cell in table.rows[0].cells for p in cell.paragraphs for run in p.runs)
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"single"}
    assert table.rows[1].cells[1].text == table_block.rows[0][1]
    starts = paragraph(doc, "Phụ lục")
    assert starts.paragraph_format.page_break_before
    assert paragraph(doc, appendix.title.upper()).runs[0].bold


def test_table_rows_must_match_the_header():
    with pytest.raises(ValueError, match="row has 1 cells"):
        Table(title="", header=("A", "B"), rows=(("x",),))


# --- Page, fonts, numbering ---------------------------------------------------------------------------


def test_a4_with_nd30_margins(doc: DocxDocument):
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert 20 <= round(section.top_margin.mm, 1) <= 25
    assert 20 <= round(section.bottom_margin.mm, 1) <= 25
    assert 30 <= round(section.left_margin.mm, 1) <= 35
    assert 15 <= round(section.right_margin.mm, 1) <= 20


def test_times_new_roman_in_the_normal_style_and_every_run(doc: DocxDocument):
    normal = doc.styles["Normal"]
    assert normal.font.name == FONT and 13 <= normal.font.size.pt <= 14
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == FONT
    runs = list(doc.element.body.iter(qn("w:r")))
    assert len(runs) > 100
    for run in runs:
        fonts = run.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        assert fonts is not None and fonts.get(qn("w:ascii")) == FONT and fonts.get(qn("w:eastAsia")) == FONT
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(f".//{qn('w:rFonts')}")
    assert defaults.get(qn("w:asciiTheme")) is None  # a theme font would win over the named one in Word


def test_page_number_in_the_header_from_page_two(doc: DocxDocument):
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    codes = [node.text.strip() for node in section.header._element.iter(qn("w:instrText"))]
    assert codes == ["PAGE"]
    assert section.header.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert not list(section.first_page_header._element.iter(qn("w:instrText")))


# --- Robustness -----------------------------------------------------------------------------------------


def soiled(value: Any) -> Any:
    """`value` with control characters slipped into every string it holds."""
    if isinstance(value, str):
        return f"{value}{''.join(BAD)}" if value else value
    if isinstance(value, tuple):
        return tuple(soiled(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: soiled(getattr(value, f.name))
                                             for f in dataclasses.fields(value) if f.init})
    return value


def test_control_characters_anywhere_are_dropped_not_fatal(report: OfficialReport):
    dirty = soiled(dataclasses.replace(report, body=(
        *report.body[:-1], Paragraph(runs=(Run(text="tiến độ \x1b tốt \x00\ufffe"),)), report.body[-1])))
    assert "\x1b" in dirty.issuer and "\x00" in dirty.recipients[0]
    text = all_text(reopen(render(dirty)))
    assert "tiến độ  tốt" in text and dirty.issuer.rstrip("".join(BAD)) in text
    assert not any(char in text for char in BAD)


def test_an_empty_report_still_renders(report: OfficialReport):
    empty = OfficialReport(issuer_parent="", issuer="SỞ KHOA HỌC VÀ CÔNG NGHỆ", symbol="BC-SKHCN",
                           place="Vĩnh Long", summary="")
    doc = reopen(render(empty))
    assert paragraph(doc, "BÁO CÁO")
    assert not [p for p in doc.paragraphs if p.text.startswith("Kính gửi")]
    assert "[CHỨC VỤ NGƯỜI KÝ]" in all_text(doc)


def test_the_form_stays_vietnamese_for_an_english_speaking_user(report: OfficialReport):
    with use_locale("en"):
        vietnamese = reopen(render(report))
        english = reopen(render(report, locale="en"))
    assert vietnamese.tables[0].cell(0, 1).paragraphs[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert english.tables[0].cell(0, 1).paragraphs[0].text == "SOCIALIST REPUBLIC OF VIETNAM"


def test_importing_the_renderer_does_not_load_python_docx():
    code = "import sys, jobs.render.docx, jobs.render.document; print('docx' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
