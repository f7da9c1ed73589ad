"""Evidence files: what is taken and refused, where a file goes, that it is stored once and survives a restart,
and that coordinators get it back with /tep (issue 14 §3)."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from handlers.core import HandlerConfig
from handlers.dispatcher import Dispatcher
from jobs.digest import build
from jobs.workbook import render
from models.store import db
from models.store.tables import Evidence, Report
from tests.conftest import dispatcher
from tests.handlers.dialog import Person, verify_dialog

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0" + hashlib.sha256(b"anh hien truong").digest() * 20 + b"\xff\xd9"
EXE = b"MZ\x90\x00" + b"\x00" * 200


@pytest.fixture
def files_dir(tmp_path: Path) -> Path:
    return tmp_path / "files"


@pytest.fixture
async def bot(sessions, plan, clock, files_dir) -> Dispatcher:
    """The chat side with a files folder (the composition root gives NHACVIEC_FILES_DIR)."""
    return await dispatcher(sessions, HandlerConfig(admins=("telegram:900",), tz=VN, files_dir=files_dir), clock)


def stored(files_dir: Path) -> list[Path]:
    return [p for p in files_dir.rglob("*") if p.is_file()] if files_dir.exists() else []


async def rows(sessions) -> list[Evidence]:
    async with sessions() as session:
        return list((await session.exec(select(Evidence).order_by(Evidence.id))).all())


async def test_a_file_over_20_mb_and_an_exe_are_refused_and_nothing_is_stored(focal, sessions, files_dir):
    await focal.say("/bc IV.2.a 80%")
    answer = await focal.send_file("Báo cáo.pdf", PDF, mime="application/pdf", size=21 * 1024 * 1024)
    assert "lớn 21 MB, vượt giới hạn 20 MB" in answer and "chưa có gì được lưu" in answer
    assert focal.files.fetched == []  # refused from the size the platform told: never downloaded
    big = b"%PDF" + b"\x00" * (20 * 1024 * 1024)  # the platform did not tell the size: found while fetching
    assert "vượt giới hạn 20 MB" in await focal.send_file("to.pdf", big, mime="application/pdf", size=None)
    answer = await focal.send_file("setup.exe", EXE, mime="application/x-msdownload")
    assert "không thuộc loại bot nhận" in answer and "pdf, jpg, png, docx, xlsx, doc, xls" in answer
    answer = await focal.send_file("bao-cao.pdf", EXE, mime="application/pdf")  # an .exe renamed
    assert "nội dung không phải tệp .pdf" in answer
    assert stored(files_dir) == [] and await rows(sessions) == []


async def test_a_file_sent_after_a_report_is_attached_to_it(focal, sessions, files_dir):
    await focal.say("/bc IV.2.a 80% dn=5")
    answer = await focal.send_file("Biên bản.pdf", PDF, mime="application/pdf")
    assert "📎 Đã đính kèm “Biên bản.pdf” vào báo cáo IV.2.a · năm 2025 (SCT, bản 1)." in answer
    (row,) = await rows(sessions)
    async with sessions() as session:
        report = (await session.exec(select(Report))).one()
    assert (row.report_id, row.name, row.mime, row.size) == (report.id, "Biên bản.pdf", "application/pdf", len(PDF))
    assert row.member_id == report.member_id and row.sha256 == hashlib.sha256(PDF).hexdigest()
    assert stored(files_dir) == [files_dir / row.sha256[:2] / row.sha256]
    assert "📎 1 tệp" in await focal.say("/tinhhinh")


async def test_a_photo_is_named_for_what_it_is(focal, sessions):
    """Chat apps convert photos and name them as they please: a PNG called .jpg is kept as the PNG it is."""
    await focal.say("/bc IV.2.a 80%")
    assert "“anh.png”" in await focal.send_file("anh.jpg", b"\x89PNG\r\n\x1a\n-image", mime="image/jpeg")
    (row,) = await rows(sessions)
    assert (row.name, row.mime) == ("anh.png", "image/png")


async def test_the_same_file_twice_is_stored_once(focal, coordinator, sessions, files_dir):
    await focal.say("/bc IV.2.a 80%")
    await focal.send_file("a.pdf", PDF, mime="application/pdf")
    assert "đã có trong báo cáo IV.2.a" in await focal.send_file("a (1).pdf", PDF, mime="application/pdf")
    await focal.send_file("anh.jpg", JPEG, mime="image/jpeg")
    await coordinator.say("/bc SCT IV.2.a 90%")  # a new version; the files of the report stay with it
    assert "📎 Đã đính kèm" in await coordinator.send_file("copy.pdf", PDF, mime="application/pdf")
    assert len(stored(files_dir)) == 2  # the PDF once, the photo once
    assert [r.name for r in await rows(sessions)] == ["a.pdf", "anh.jpg", "copy.pdf"]
    assert "📎 3 tệp" in await coordinator.say("/tinhhinh SCT")


async def test_two_reports_within_a_day_ask_which(focal, invite, sessions, clock):
    await focal.say(f"/start {await invite('SYT')}")  # the focal point of two units
    await focal.say("/bc SCT IV.2.a 80%")
    clock.now += timedelta(hours=1)
    await focal.say("/bc SYT IV.2.a 50%")
    answer = await focal.send_file("anh.jpg", JPEG, mime="image/jpeg")
    assert "Anh/chị đã gửi 2 báo cáo trong 24 giờ qua. Đính kèm tệp vào báo cáo nào?" in answer
    assert focal.options == ["1. IV.2.a · năm 2025 (SYT, bản 1)", "2. IV.2.a · năm 2025 (SCT, bản 1)"]
    assert "Chưa rõ báo cáo nào" in await focal.say("7")
    assert "vào báo cáo IV.2.a · năm 2025" in await focal.say("2")
    await focal.send_file("bb.pdf", PDF, mime="application/pdf")
    assert "🏢 Sở Công Thương" in await focal.say("/tinhhinh SCT")  # a command: the file stays a draft
    await focal.send_file("cc.pdf", PDF + b" ", mime="application/pdf")
    answer = await focal.say("iv2a 90%")  # typed instead of an answer: the file stays a draft, the text counts
    assert "giữ làm tệp nháp" in answer and "Báo cáo cho đơn vị nào?" in answer
    answer = await focal.say("SCT")
    assert "SCT (bản 2)" in answer and "📎 Đã đính kèm 2 tệp anh/chị gửi trước đó vào báo cáo này." in answer
    first, *drafts = await rows(sessions)
    async with sessions() as session:
        chosen = await session.get(Report, first.report_id)
        latest = await session.get(Report, drafts[0].report_id)
    assert chosen is not None and (chosen.percent, chosen.version) == (80, 1)  # SCT's first report, as picked
    assert latest is not None and (latest.percent, latest.version) == (90, 2) and len(drafts) == 2


async def test_a_file_with_no_report_is_a_draft_for_the_next_report(focal, sessions):
    answer = await focal.send_file("ke-hoach.docx", b"PK\x03\x04 word", mime="")
    assert "chưa gửi báo cáo nào nên tệp được giữ làm tệp nháp" in answer
    await focal.send_file("ke-hoach (1).docx", b"PK\x03\x04 word", mime="")  # the same file again
    draft, _again = await rows(sessions)
    assert draft.report_id is None and draft.mime.endswith("wordprocessingml.document")
    answer = await focal.say("/bc IV.2.a 60%")
    assert "📎 Đã đính kèm 1 tệp anh/chị gửi trước đó vào báo cáo này." in answer
    (attached,) = await rows(sessions)
    assert attached.report_id is not None


async def test_the_guided_report_ends_with_the_evidence_step(focal, sessions):
    steps = [("/baocao", "Tình trạng"), ("[Hoàn thành]", "doanh nghiệp"), ("3", "ghi chú"), ("bỏ qua", "khó khăn"),
             ("không có", "Gửi báo cáo này?")]
    await verify_dialog(focal, [*steps, ("[Gửi báo cáo]", ["Đã ghi nhận", "📎 Tệp minh chứng (ảnh, PDF…) — gửi "
                                                                         "tệp hoặc Bỏ qua."])])
    assert "không kèm tệp" in await focal.press("Bỏ qua")
    assert await rows(sessions) == []
    await verify_dialog(focal, [*steps, ("[Gửi báo cáo]", "Tệp minh chứng")])
    assert "vào báo cáo IV.2.a · năm 2025 (SCT, bản 2)" in await focal.send_file("bb.png", b"\x89PNG\r\n\x1a\n..")
    # Typing something else instead leaves the optional step: the text is handled as it would be anyway.
    await verify_dialog(focal, [*steps, ("[Gửi báo cáo]", "Tệp minh chứng"),
                                ("iv2a xong dn=4", "Đã ghi nhận báo cáo IV.2.a · năm 2025 của SCT (bản 4)")])


async def test_files_survive_a_restart(focal, coordinator, db_url, clock, files_dir):
    await focal.say("/bc IV.2.a 80%")
    await focal.send_file("Biên bản.pdf", PDF, mime="application/pdf")
    # A new process: its own engine on the same database, its own dispatcher, the same folder.
    engine = db.make_engine(db_url)
    try:
        restarted = await dispatcher(db.session_factory(engine), HandlerConfig(tz=VN, files_dir=files_dir), clock)
        again = Person(restarted, clock, user_id=coordinator.user_id, name=coordinator.name)
        answer = await again.say("/tep SCT IV.2.a năm 2025")
        assert "📎 Tệp minh chứng của báo cáo IV.2.a · năm 2025 (SCT, bản 1): 1 tệp." in answer
        (document,) = [r.attachment for r in again.last if r.attachment is not None]
        assert (document.filename, document.mime, document.content) == ("Biên bản.pdf", "application/pdf", PDF)
    finally:
        await engine.dispose()


async def test_tep_on_each_channel_and_its_mistakes(focal, person, invite, coordinator, files_dir):
    await focal.say("/bc IV.2.a 80%")
    await focal.send_file("Biên bản.pdf", PDF, mime="application/pdf")
    zalo = person("z300", "Lê Văn Cường", channel="zalo")
    await zalo.say(f"/start {await invite(None, 'coordinator')}")
    answer = await zalo.say("/tep Sở Công Thương IV.2.a")
    assert "1. Biên bản.pdf (2 KB)" in answer and "Zalo không nhận tệp" in answer
    console = person("c300", "Lê Văn Cường", channel="console")
    await console.say(f"/start {await invite(None, 'coordinator')}")
    sha = hashlib.sha256(PDF).hexdigest()
    assert f"1. Biên bản.pdf: {files_dir / sha[:2] / sha}" in await console.say("/tep SCT IV.2.a")
    assert "Viết: /tep <đơn vị> <mã nhiệm vụ> [kỳ]" in await coordinator.say("/tep IV.2.a")
    assert "không phải một kỳ báo cáo" in await coordinator.say("/tep SCT IV.2.a hôm qua")
    assert "chưa có báo cáo nào cho nhiệm vụ IV.2.a năm 2024" in await coordinator.say("/tep SCT IV.2.a năm 2024")
    assert "Sở Khoa học và Công nghệ chưa có báo cáo nào cho nhiệm vụ II.3" in await coordinator.say("/tep SKHCN II.3")
    assert "dành cho cán bộ điều phối" in await focal.say("/tep SCT IV.2.a")


async def test_files_are_for_reporters_and_private_chats(leader, person, invite, sessions, files_dir):
    assert "chỉ xem tình hình, không gửi báo cáo" in await leader.send_file("a.pdf", PDF, mime="application/pdf")
    group = person("200", "Trần Thị Bình", chat_type="group", chat_id="-100")
    await person("200", "Trần Thị Bình").say(f"/start {await invite('SCT')}")
    assert await group.send_file("a.pdf", PDF, mime="application/pdf") == ""
    assert "/tep chỉ dùng trong tin nhắn riêng" in await group.say("/tep SCT IV.2.a")
    assert stored(files_dir) == [] and await rows(sessions) == []


def _column(xlsx: bytes, heading: str) -> list[str]:
    """The cells of the column headed `heading` in the first sheet, below the heading."""
    sheet = load_workbook(io.BytesIO(xlsx)).active
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == heading:
                return [str(c.value) for (c,) in sheet.iter_rows(min_row=cell.row + 1, min_col=cell.column,
                                                                   max_col=cell.column) if c.value]
    raise AssertionError(f"no column {heading!r}")


async def test_the_workbooks_list_file_names_and_contributions(focal, coordinator, sessions, plan, clock):
    await focal.say("/bc IV.2.a 80%")
    await focal.send_file("Biên bản.pdf", PDF, mime="application/pdf")
    await focal.send_file("anh.jpg", JPEG, mime="image/jpeg")
    await focal.say("/bc IV.1.a 50% Đã cử cán bộ tham gia")  # SCT supports IV.1.a
    await coordinator.say("/xuat 2025")
    (year,) = [r.attachment for r in coordinator.last if r.attachment is not None]
    assert _column(year.content, "Tệp minh chứng") == ["Biên bản.pdf; anh.jpg"]
    assert _column(year.content, "Đóng góp của đơn vị phối hợp") == [
        "SCT: Đang thực hiện 50% “Đã cử cán bộ tham gia”"]
    async with sessions() as session:
        weekly = render(await build(session, plan, clock(), VN, contributions=True))
    assert _column(weekly, "Tệp minh chứng") == ["Biên bản.pdf; anh.jpg"]
    assert _column(weekly, "Đóng góp của đơn vị phối hợp") == ["SCT: Đang thực hiện 50% “Đã cử cán bộ tham gia”"]
