"""The sample report printed by LibreOffice: what a clerk who opens the .docx actually sees.

python-docx reading back its own XML proves the XML; this proves the layout: the first page carries the
header block and no page number, the appendix pushes the document onto more pages, which are numbered.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from jobs.render import pdf
from jobs.render.docx import render
from tests.jobs.render.sample import sample_report

TOOLS = ("pdftotext", "pdfinfo", "pdffonts")


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    missing = [tool for tool in ("soffice", *TOOLS) if (pdf.soffice() if tool == "soffice" else shutil.which(tool))
               is None]
    if missing:
        pytest.skip(f"LibreOffice not installed: .ci/run installs it (missing: {', '.join(missing)})")
    folder = tmp_path_factory.mktemp("pdf")
    source = folder / "baocao.docx"
    source.write_bytes(render(sample_report()))
    return pdf.to_pdf(source, folder)


def page_text(path: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout


def page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def first_line(text: str) -> str:
    return next(line.strip() for line in text.splitlines() if line.strip())


def test_page_one_is_the_official_first_page_without_a_number(printed: Path):
    text = page_text(printed, 1)
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO", "Kính gửi",
                     "ngày 05 tháng 01 năm 2027"):
        assert expected in text
    assert not first_line(text).isdigit()


def test_the_appendix_makes_more_pages_numbered_from_two(printed: Path):
    pages = page_count(printed)
    assert pages >= 3  # the body runs past page 1, and the appendix starts a page of its own
    for page in range(2, pages + 1):
        assert first_line(page_text(printed, page)) == str(page)
    title = sample_report().appendices[0].title.upper()
    appendix = next(page for page in range(2, pages + 1) if " ".join(title.split()[:4]) in page_text(printed, page))
    assert "Nơi nhận" not in page_text(printed, appendix)
    assert "Nơi nhận" in page_text(printed, appendix - 1)
    # the table's header row is repeated on the page the table runs onto
    assert all("Cơ quan, đơn vị" in page_text(printed, page) for page in range(appendix, pages + 1))


def test_printed_in_times_new_roman_or_its_metric_twin(printed: Path):
    listing = subprocess.run(["pdffonts", str(printed)], capture_output=True, text=True, check=True).stdout
    names = [line.split()[0] for line in listing.splitlines()[2:] if line.strip()]
    assert names and all("Times" in name or "LiberationSerif" in name for name in names), names
