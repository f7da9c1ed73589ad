"""Draft a yearly report from a database of reports and picture its first page:
`python docs/render_sample.py` (with the project's Python, e.g. `.venv/bin/python`).

Builds a throw-away SQLite database, loads the shipped plan and its 2025 reorganisation as if installed on
03/11/2025, files the reports below as units would (2025 and 2026), drafts the 2026 report on 05/01/2027
with the same code as `/duthao` and `nhacviec draft` (jobs/exports.py), prints it through LibreOffice and
writes page 1 at 80 dpi to docs/images/baocao-trang-1.png: what a clerk opening the .docx sees. The units
and tasks are the plan's; every figure and sentence the units "report" here is made up for the example.
Needs LibreOffice and poppler-utils (`apt-get install libreoffice-writer-nogui fonts-liberation2
poppler-utils`).
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import tempfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a clone without installing it

from sqlmodel import select  # noqa: E402

from jobs.exports import Exports  # noqa: E402
from jobs.render import pdf  # noqa: E402
from models.obligations import obligations  # noqa: E402
from models.planfiles.load_plan import load_plan  # noqa: E402
from models.planfiles.load_reorg import load_reorg  # noqa: E402
from models.planfiles.plan_file import read_plan  # noqa: E402
from models.planfiles.reorg_file import read_reorg  # noqa: E402
from models.plans import find_plan  # noqa: E402
from models.reports import ReportInput, submit_report  # noqa: E402
from models.store import db  # noqa: E402
from models.store.tables import Indicator  # noqa: E402
from plans import DEFAULT_PLAN  # noqa: E402

OUT = ROOT / "docs" / "images" / "baocao-trang-1.png"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
DRAFTED = datetime(2027, 1, 5, 9, 0, tzinfo=VN)

# (year, unit, task): (day sent "MM-DD", status, percent, {indicator: value}, note, obstacles, proposals)
REPORTS: dict[tuple[int, str, str], tuple[str, str, int | None, dict[str, str], str, str, str]] = {
    (2025, "SCT", "IV.2.a"): ("12-12", "done", 100, {"dn": "4"}, "Hỗ trợ 04 doanh nghiệp áp dụng công cụ 5S.", "", ""),
    (2025, "SYT", "IV.2.a"): ("12-15", "in_progress", 60, {"dn": "1"}, "01 bệnh viện áp dụng công cụ Lean.", "", ""),
    (2026, "SKHCN", "III.2"): ("07-08", "done", 100, {}, "Lập dự toán kinh phí năm 2027 cho 04 nhiệm vụ.", "", ""),
    (2026, "SCT", "III.2"): ("07-10", "done", 100, {}, "Đã lập dự toán kinh phí năm 2027.", "", ""),
    (2026, "SKHCN", "II.1"): ("12-11", "done", 100, {}, "Tham mưu UBND tỉnh ban hành Kế hoạch năm 2026; hướng dẫn "
                              "các sở, ngành lồng ghép nội dung năng suất vào kế hoạch của ngành.", "", ""),
    (2026, "SKHCN", "II.2"): ("12-11", "in_progress", 70, {"dn": "12"}, "Hỗ trợ 12 doanh nghiệp xây dựng mô hình điểm "
                              "cải tiến năng suất; tổ chức 02 lớp đào tạo cho 120 học viên.",
                              "Kinh phí bố trí cho nhiệm vụ còn thấp so với nhu cầu của doanh nghiệp.",
                              "Đề nghị UBND tỉnh bổ sung kinh phí hỗ trợ doanh nghiệp năm 2027."),
    (2026, "SKHCN", "II.4"): ("12-11", "done", 100, {}, "Phối hợp Đài Phát thanh và Truyền hình phát sóng 06 phóng sự; "
                              "đăng 24 tin, bài trên Cổng thông tin điện tử của Sở.", "", ""),
    (2026, "SKHCN", "IV.1.a"): ("12-11", "done", 100, {}, "Kiểm tra việc thực hiện Kế hoạch tại 06 sở, ngành.", "", ""),
    (2026, "SCT", "IV.2.a"): ("12-14", "in_progress", 80, {"dn": "5"}, "Hỗ trợ 05 doanh nghiệp áp dụng công cụ 5S, "
                              "Kaizen; 02 doanh nghiệp được chứng nhận ISO 9001:2015.",
                              "Doanh nghiệp nhỏ và vừa còn e ngại chi phí tư vấn.",
                              "Đề nghị Sở Khoa học và Công nghệ mở lớp đào tạo chuyên gia năng suất tại tỉnh."),
    (2026, "SNNMT", "IV.2.a"): ("12-15", "done", 100, {"dn": "3"}, "03 hợp tác xã được chứng nhận VietGAP.", "", ""),
    (2026, "SYT", "IV.2.a"): ("12-16", "in_progress", 50, {"dn": "2"}, "02 bệnh viện áp dụng công cụ Lean trong "
                              "khám, chữa bệnh.", "", ""),
    (2026, "SXD", "IV.2.a"): ("12-16", "done", 100, {}, "Lồng ghép nội dung năng suất trong quản lý chất lượng "
                              "công trình xây dựng.", "", ""),
    (2026, "SGDDT", "IV.2.a"): ("12-18", "done", 100, {}, "Đưa nội dung đổi mới sáng tạo vào hoạt động trải nghiệm "
                                "của học sinh trung học.", "", ""),
    (2026, "SVHTTDL", "IV.5.a"): ("12-15", "done", 100, {}, "Phát hành 2.000 tờ gấp giới thiệu chính sách hỗ trợ "
                                  "doanh nghiệp.", "", ""),
    (2026, "STC", "IV.3"): ("12-15", "done", 100, {}, "Cân đối 1,2 tỷ đồng cho các nhiệm vụ của Kế hoạch.", "", ""),
    (2026, "STC", "IV.4.a"): ("12-15", "done", 100, {}, "Phân bổ kinh phí theo dự toán được giao.", "", ""),
    (2026, "UBND-CAPXA", "IV.8.a"): ("12-16", "in_progress", 60, {"dn": "4"}, "Các xã, phường hỗ trợ 04 cơ sở sản "
                                     "xuất đổi mới thiết bị.",
                                     "Cán bộ cấp xã kiêm nhiệm nhiều việc sau sắp xếp, chưa có người theo dõi riêng.",
                                     ""),
}


async def draft_docx(database: Path) -> bytes:
    engine = db.make_engine(f"sqlite:///{database}")
    try:
        await db.upgrade(engine)
        sessions = db.session_factory(engine)
        async with sessions() as session:
            await load_plan(session, read_plan(DEFAULT_PLAN), actor="docs", today=date(2025, 11, 3))
        async with sessions() as session:
            await load_reorg(session, read_reorg(DEFAULT_PLAN.parent / "vinh-long-2025-reorg.yaml"), actor="docs")
        async with sessions() as session:
            plan = await find_plan(session, "VL-3064-2023")
            indicator = {i.code: i.id for i in (await session.exec(select(Indicator))).all()}
            for year in (2025, 2026):
                for o in await obligations(session, [plan.id], due_from=date(year, 1, 1), due_to=date(year + 1, 12, 31),
                                           as_of=DRAFTED.date()):
                    found = REPORTS.get((year, o.unit_code, o.task_code))
                    if o.window_end.year != year or found is None:
                        continue
                    day, status, percent, values, note, obstacles, proposals = found
                    sent = datetime.fromisoformat(f"{year}-{day}T10:00").replace(tzinfo=VN)
                    await submit_report(session, assignment_id=o.assignment_id, period_id=o.period_id, due=o.due,
                                        tz=VN, member_id=None, channel="cli", at=sent, data=ReportInput(
                                            status=status, percent=percent, note=note, obstacles=obstacles,
                                            proposals=proposals, via="cli",
                                            values={indicator[c]: Decimal(v) for c, v in values.items()}))
            await session.commit()
        async with sessions() as session:
            return (await Exports(VN).draft(session, plan, 2026, DRAFTED)).content
    finally:
        await engine.dispose()


def main() -> int:
    if pdf.soffice() is None or shutil.which("pdftoppm") is None:
        print("needs LibreOffice (soffice) and pdftoppm (poppler-utils)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = work / "baocao-2026.docx"
        source.write_bytes(asyncio.run(draft_docx(work / "nhacviec.db")))
        printed = pdf.to_pdf(source, work)
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(printed),
                        str(work / "page")], check=True)
        OUT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(work / "page.png", OUT)
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
