"""A .docx as PDF through LibreOffice, when the machine has it (`soffice`).

Used to check that what jobs/render/docx.py writes prints as intended (tests/jobs/render) and to make
the picture in docs/. Each conversion gets its own LibreOffice profile: two conversions sharing the
default profile block each other, or fail, when they run at the same time.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

TIMEOUT_S = 90  # a first start of LibreOffice builds its profile, which takes a while on a slow machine


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: Path, outdir: Path, *, timeout: float = TIMEOUT_S) -> Path:
    """Convert `docx` into `outdir`; returns the PDF's path. Raises RuntimeError with LibreOffice's own
    output when it produced no PDF (it exits 0 in some of those cases)."""
    program = soffice()
    if program is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / "lo-profile"
    result = subprocess.run(
        [program, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(outdir), str(docx)],
        capture_output=True, text=True, timeout=timeout, check=False,
    )
    pdf = outdir / (docx.stem + ".pdf")
    if not pdf.exists():
        raise RuntimeError(f"soffice exited {result.returncode} without a PDF: {result.stdout}{result.stderr}")
    return pdf
