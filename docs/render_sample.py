"""Render the sample report and picture its first page: `python docs/render_sample.py` (with the
project's Python, e.g. `.venv/bin/python`, which has python-docx and babel).

Writes docs/images/baocao-trang-1.png (page 1 at 80 dpi) from jobs/render/sample.py through the real
renderer, LibreOffice and pdftoppm, so the picture shows what a clerk opening the .docx sees.
Needs LibreOffice and poppler-utils (`apt-get install libreoffice-writer-nogui fonts-liberation2
poppler-utils`).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a clone without installing it

from jobs.render import pdf  # noqa: E402
from jobs.render.docx import render  # noqa: E402
from jobs.render.sample import sample_report  # noqa: E402

OUT = ROOT / "docs" / "images" / "baocao-trang-1.png"


def main() -> int:
    if pdf.soffice() is None or shutil.which("pdftoppm") is None:
        print("needs LibreOffice (soffice) and pdftoppm (poppler-utils)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = work / "baocao.docx"
        source.write_bytes(render(sample_report()))
        printed = pdf.to_pdf(source, work)
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(printed),
                        str(work / "page")], check=True)
        OUT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(work / "page.png", OUT)
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
