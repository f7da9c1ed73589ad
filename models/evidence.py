"""Evidence files: what may be taken (types, 20 MB), where the bytes live, and which report a file is on.

The bytes are kept outside the database in the files folder (NHACVIEC_FILES_DIR), one file per content,
named by its sha256 — the same file sent twice is stored once; the database keeps, per sending, the name,
type, size and who sent it (`Evidence`). A file is checked before anything is written: its type by name
(and the platform's type when it gives no name) and by its first bytes, its size by what the platform said
before the download and again by what arrived, so a refused file leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

from sqlalchemy import Table, bindparam, func, tuple_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.store.prepared import Prepared
from models.store.tables import Assignment, Evidence, Report

MAX_BYTES = 20 * 1024 * 1024  # Telegram's bot download limit, and ours on every channel
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97–2003 and Excel 97–2003 files
_ZIP = b"PK\x03\x04"  # .docx and .xlsx are zip files


@dataclass(frozen=True)
class Kind:
    mime: str
    magic: bytes  # how such a file begins


KINDS: dict[str, Kind] = {
    "pdf": Kind("application/pdf", b"%PDF"),
    "jpg": Kind("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": Kind("image/jpeg", b"\xff\xd8\xff"),
    "png": Kind("image/png", b"\x89PNG\r\n\x1a\n"),
    "docx": Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    "xlsx": Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "doc": Kind("application/msword", _OLE),
    "xls": Kind("application/vnd.ms-excel", _OLE),
}
ALLOWED = "pdf, jpg, png, docx, xlsx, doc, xls"
_BY_MIME = {kind.mime: ext for ext, kind in KINDS.items() if ext != "jpeg"}


class Refusal(StrEnum):
    too_big = "too_big"
    wrong_type = "wrong_type"
    not_what_it_says = "not_what_it_says"  # named .pdf, but its bytes are something else


def extension(name: str, mime: str = "") -> str:
    """The file's kind: its name's extension, or — for a photo or image that came without a name — its type."""
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix:
        return suffix
    return _BY_MIME.get(mime.split(";")[0].strip().lower(), "")


def refusal_before(name: str, mime: str, size: int | None) -> Refusal | None:
    """What is wrong with a file as the platform describes it, before its bytes are fetched."""
    if extension(name, mime) not in KINDS:
        return Refusal.wrong_type
    if size is not None and size > MAX_BYTES:
        return Refusal.too_big
    return None


def refusal_after(name: str, mime: str, content: bytes) -> Refusal | None:
    """What is wrong with the bytes that arrived."""
    if len(content) > MAX_BYTES:
        return Refusal.too_big
    kind = KINDS.get(extension(name, mime))
    if kind is None:
        return Refusal.wrong_type
    if not content.startswith(kind.magic):
        return Refusal.not_what_it_says
    return None


def as_it_is(name: str, mime: str, content: bytes) -> tuple[str, str]:
    """A photo named .jpg whose bytes are a PNG, or the reverse (chat apps convert images and name them as they
    please), is renamed to what it is rather than refused."""
    if extension(name, mime) not in ("jpg", "jpeg", "png"):
        return name, mime
    for ext in ("jpg", "png"):
        kind = KINDS[ext]
        if content.startswith(kind.magic) and kind.mime != KINDS[extension(name, mime)].mime:
            return str(Path(name).with_suffix("." + ext)), kind.mime
    return name, mime


def mime_of(name: str, mime: str) -> str:
    """The type recorded: the one our list gives the extension (platforms send octet-stream for .doc)."""
    kind = KINDS.get(extension(name, mime))
    return kind.mime if kind else mime


class FileStore:
    """The files folder: `<root>/<first two hex digits>/<sha256>`, written whole or not at all."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, content: bytes) -> str:
        """Store `content` (once: an existing copy is kept) and return its sha256."""
        sha256 = hashlib.sha256(content).hexdigest()
        target = self.path(sha256)
        if target.exists():
            return sha256
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written beside its place, then renamed: a crash leaves a temporary file, never half a file.
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(content)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return sha256

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def remove(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)


# --- records -----------------------------------------------------------------------------------


async def record_file(session: AsyncSession, *, sha256: str, name: str, mime: str, size: int, member_id: int | None,
                      channel: str, report_id: int | None, at: datetime) -> Evidence:
    row = Evidence(sha256=sha256, name=name, mime=mime, size=size, member_id=member_id, channel=channel,
                   report_id=report_id, sent_at=at)
    session.add(row)
    await session.flush()
    return row


async def on_report(session: AsyncSession, report_id: int, sha256: str) -> Evidence | None:
    """The same content already attached to this report, if it is."""
    return (await session.exec(select(Evidence).where(Evidence.report_id == report_id,
                                                      Evidence.sha256 == sha256))).first()


async def attach(session: AsyncSession, evidence_id: int, report_id: int) -> None:
    await session.exec(update(Evidence).where(col(Evidence.id) == evidence_id).values(report_id=report_id))


_EVIDENCE: Table = Evidence.__table__  # type: ignore[attr-defined]  # set by SQLAlchemy, undeclared by SQLModel
_DRAFTS_TO_REPORT = Prepared(update(_EVIDENCE).where(_EVIDENCE.c.member_id == bindparam("member"),
                                                      _EVIDENCE.c.report_id.is_(None))
                              .values(report_id=bindparam("report")))


async def drafts_to_report(session: AsyncSession, member_id: int, report_id: int) -> int:
    """The sender's draft attachments go onto the report just filed (each content once); how many."""
    # Every report passes here and almost none has drafts: one plain statement says whether any moved.
    if not await _DRAFTS_TO_REPORT.run(session, {"member": member_id, "report": report_id}):
        return 0
    seen: set[str] = set()
    moved = 0
    for row in (await session.exec(select(Evidence).where(Evidence.report_id == report_id)
                                   .order_by(col(Evidence.id)).execution_options(populate_existing=True))).all():
        if row.sha256 in seen:
            await session.delete(row)  # the same file sent twice as a draft: one is enough on the report
        else:
            seen.add(row.sha256)
            moved += row.member_id == member_id
    await session.flush()
    return moved


async def filed_by(session: AsyncSession, member_id: int, *, now: datetime, hours: int = 24) -> list[Report]:
    """The reports a file of this sender may go onto: the latest version they filed of each task and period
    reported in the last `hours`, newest first — or, when none is that recent, the last one they filed."""
    since = now - timedelta(hours=hours)
    rows = (await session.exec(select(Report).where(Report.member_id == member_id, Report.submitted_at >= since)
                               .order_by(col(Report.submitted_at).desc(), col(Report.id).desc()))).all()
    seen: set[tuple[int, int]] = set()
    recent = []
    for report in rows:
        if (report.assignment_id, report.period_id) not in seen:
            seen.add((report.assignment_id, report.period_id))
            recent.append(report)
    if recent:
        return recent
    last = (await session.exec(select(Report).where(Report.member_id == member_id)
                               .order_by(col(Report.submitted_at).desc(), col(Report.id).desc()).limit(1))).first()
    return [last] if last is not None else []


async def drop_drafts(session: AsyncSession, member_id: int) -> list[str]:
    """Delete a person's draft attachments (their data forgotten); the contents they had."""
    drafts = (await session.exec(select(Evidence).where(Evidence.member_id == member_id,
                                                        col(Evidence.report_id).is_(None)))).all()
    for row in drafts:
        await session.delete(row)
    await session.flush()
    return sorted({row.sha256 for row in drafts})


async def unreferenced(session: AsyncSession, shas: Iterable[str]) -> list[str]:
    """Those of `shas` that no row names any more: their bytes may go."""
    wanted = set(shas)
    if not wanted:
        return []
    used = set((await session.exec(select(Evidence.sha256).where(col(Evidence.sha256).in_(sorted(wanted))))).all())
    return sorted(wanted - used)


async def files_of(session: AsyncSession, assignment_id: int, period_id: int) -> list[Evidence]:
    """Every file on any version of a unit's report for a task and period, oldest first."""
    return list((await session.exec(
        select(Evidence).join(Report, col(Report.id) == Evidence.report_id)
        .where(Report.assignment_id == assignment_id, Report.period_id == period_id)
        .order_by(col(Evidence.sent_at), col(Evidence.id)))).all())


async def counts(session: AsyncSession, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """How many files each (assignment, period) report carries, over all its versions."""
    wanted = sorted(set(pairs))
    found: dict[tuple[int, int], int] = {}
    for start in range(0, len(wanted), 400):
        chunk = wanted[start:start + 400]
        rows = (await session.exec(
            select(Report.assignment_id, Report.period_id, func.count(col(Evidence.id)))
            .join(Evidence, col(Evidence.report_id) == Report.id)
            .where(tuple_(Report.assignment_id, Report.period_id).in_(chunk))
            .group_by(col(Report.assignment_id), col(Report.period_id)))).all()
        found.update({(a, p): n for a, p, n in rows})
    return found


async def names_of(session: AsyncSession, pairs: Sequence[tuple[int, int]]) -> dict[tuple[int, int], list[str]]:
    """The file names on each (assignment, period) report (for the workbook)."""
    found: dict[tuple[int, int], list[str]] = {}
    wanted = sorted(set(pairs))
    for start in range(0, len(wanted), 400):
        chunk = wanted[start:start + 400]
        rows = (await session.exec(
            select(Report.assignment_id, Report.period_id, Evidence.name)
            .join(Evidence, col(Evidence.report_id) == Report.id)
            .where(tuple_(Report.assignment_id, Report.period_id).in_(chunk))
            .order_by(col(Evidence.sent_at), col(Evidence.id)))).all()
        for a, p, name in rows:
            found.setdefault((a, p), []).append(name)
    return found


async def unit_reports(session: AsyncSession, unit_id: int, task_id: int) -> list[Report]:
    """The latest version of each of a unit's reports on a task, newest period first (for /tep)."""
    return list((await session.exec(
        select(Report).join(Assignment, col(Assignment.id) == Report.assignment_id)
        .where(Assignment.unit_id == unit_id, Assignment.task_id == task_id, Report.is_latest)
        .order_by(col(Report.submitted_at).desc()))).all())
