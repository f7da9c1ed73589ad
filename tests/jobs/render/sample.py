"""A realistic yearly report of the Sở KH&CN under Kế hoạch 3064/QĐ-UBND, written by hand, for the renderer's
tests (tests/jobs/render): the layout checked apart from any data. (The picture in the README is of a draft
generated from reports: docs/render_sample.py.) The units are the plan's; every figure, date and quotation
is illustrative, made up for the example.
"""

from __future__ import annotations

from datetime import date

from jobs.render.document import Appendix, Cell, OfficialReport, Paragraph, Quote, Run, Style, Table

ISSUED = date(2027, 1, 5)

# (unit, day it reported in December 2026 or None, what it reported)
UNITS: tuple[tuple[str, int | None, str], ...] = (
    ("Sở Khoa học và Công nghệ", 20, "Hỗ trợ 12 lượt doanh nghiệp; tổ chức 02 lớp đào tạo về năng suất"),
    ("Sở Công Thương", 15, "Hỗ trợ 05 doanh nghiệp áp dụng 5S, Kaizen"),
    ("Sở Nông nghiệp và Phát triển nông thôn", 16, "03 hợp tác xã được chứng nhận VietGAP"),
    ("Sở Xây dựng", 18, "Lồng ghép nội dung năng suất trong quản lý chất lượng công trình"),
    ("Sở Giao thông vận tải", 18, "Triển khai phần mềm quản lý vận tải"),
    ("Sở Văn hóa, Thể thao và Du lịch", 19, "Hỗ trợ doanh nghiệp du lịch áp dụng tiêu chuẩn dịch vụ"),
    ("Sở Thông tin và Truyền thông", 12, "Đăng 24 tin, bài về năng suất trên Cổng thông tin điện tử"),
    ("Sở Y tế", 17, "02 bệnh viện áp dụng công cụ Lean"),
    ("Sở Giáo dục và Đào tạo", 21, "Đưa nội dung đổi mới sáng tạo vào hoạt động ngoại khóa"),
    ("Sở Lao động - Thương binh và Xã hội", 22, "Đào tạo nghề gắn với nâng cao năng suất lao động"),
    ("Sở Kế hoạch và Đầu tư", 14, "Tổng hợp chỉ tiêu năng suất lao động vào kế hoạch năm 2027"),
    ("Sở Tài chính", 23, "Bố trí kinh phí thực hiện Kế hoạch năm 2027"),
    ("Cục Thống kê tỉnh Vĩnh Long", 24, "Cung cấp số liệu tăng năng suất lao động năm 2026"),
    ("Hiệp hội Doanh nghiệp tỉnh Vĩnh Long", 10, "Phổ biến chính sách hỗ trợ đến hội viên"),
    ("Hội Doanh nhân trẻ tỉnh Vĩnh Long", 11, "Tổ chức 01 diễn đàn về chuyển đổi số"),
    ("Liên minh các Hợp tác xã tỉnh Vĩnh Long", 9, "Hỗ trợ 04 hợp tác xã xây dựng nhãn hiệu"),
    ("Đài Phát thanh và Truyền hình Vĩnh Long", 13, "Phát sóng 06 phóng sự về năng suất"),
    ("Báo Vĩnh Long", None, ""),
    ("Văn phòng Ủy ban nhân dân tỉnh", 25, "Duy trì hệ thống quản lý chất lượng ISO 9001:2015"),
    ("UBND thành phố Vĩnh Long", 16, "Hỗ trợ 03 cơ sở sản xuất đổi mới thiết bị"),
    ("UBND thị xã Bình Minh", 17, "Tuyên truyền trên hệ thống truyền thanh cơ sở"),
    ("UBND huyện Long Hồ", 18, "Hỗ trợ 02 sản phẩm OCOP nâng hạng"),
    ("UBND huyện Mang Thít", 19, "Phổ biến mô hình sản xuất gạch, gốm tiết kiệm năng lượng"),
    ("UBND huyện Vũng Liêm", 20, "Hỗ trợ 01 hợp tác xã áp dụng truy xuất nguồn gốc"),
    ("UBND huyện Tam Bình", 21, "Nhân rộng mô hình sản xuất cam sành theo VietGAP"),
    ("UBND huyện Trà Ôn", 22, "Hỗ trợ 02 cơ sở chế biến áp dụng HACCP"),
    ("UBND huyện Bình Tân", None, ""),
)


def _status_rows() -> tuple[tuple[str | Cell, ...], ...]:
    rows: list[tuple[str | Cell, ...]] = []
    for index, (unit, day, result) in enumerate(UNITS, start=1):
        if day is None:
            rows.append((str(index), unit, Cell(text="Chưa báo cáo", italic=True), ""))
        else:
            rows.append((str(index), unit, f"{day:02d}/12/2026", result))
    return tuple(rows)


def missing_units() -> tuple[str, ...]:
    return tuple(unit for unit, day, _ in UNITS if day is None)


def _body() -> tuple[Paragraph | Quote | Table, ...]:
    h1, h2, h3 = Style.HEADING1, Style.HEADING2, Style.HEADING3
    missing = ", ".join(missing_units())
    return (
        Paragraph.of(
            "Thực hiện Quyết định số 3064/QĐ-UBND ngày 29/12/2023 của Chủ tịch Ủy ban nhân dân tỉnh ban hành "
            "Kế hoạch thực hiện Quyết định số 36/QĐ-TTg ngày 11/01/2021 của Thủ tướng Chính phủ ban hành Kế "
            "hoạch tổng thể nâng cao năng suất dựa trên nền tảng khoa học, công nghệ và đổi mới sáng tạo giai "
            "đoạn 2021-2030 trên địa bàn tỉnh Vĩnh Long, Sở Khoa học và Công nghệ báo cáo kết quả thực hiện "
            "năm 2026 như sau:"
        ),
        Paragraph.of("I. KẾT QUẢ THỰC HIỆN", h1),
        Paragraph.of("1. Công tác chỉ đạo, triển khai", h2),
        Paragraph.of(
            "Sở Khoa học và Công nghệ đã tham mưu Ủy ban nhân dân tỉnh ban hành văn bản đôn đốc các sở, ban, "
            "ngành tỉnh và Ủy ban nhân dân các huyện, thị xã, thành phố triển khai các nhiệm vụ được giao; "
            "theo dõi tiến độ hằng tháng qua hệ thống nhắc việc và tổng hợp báo cáo định kỳ."
        ),
        Paragraph.of("2. Kết quả thực hiện các nhiệm vụ, giải pháp", h2),
        Paragraph.of("a) Hỗ trợ doanh nghiệp áp dụng hệ thống quản lý, công cụ cải tiến năng suất", h3),
        Paragraph.of(
            "Trong năm, toàn tỉnh hỗ trợ 29 lượt doanh nghiệp, hợp tác xã xây dựng, áp dụng hệ thống quản lý "
            "và công cụ cải tiến năng suất, nâng tổng số giai đoạn 2021-2026 lên 71 lượt, vượt mục tiêu "
            "đến năm 2025 (30 lượt). Một số kết quả nổi bật:"
        ),
        Paragraph.of("Sở Công Thương hỗ trợ 05 doanh nghiệp áp dụng công cụ 5S và Kaizen;", Style.BULLET),
        Paragraph.of("Sở Y tế hướng dẫn 02 bệnh viện áp dụng công cụ Lean trong khám, chữa bệnh;", Style.BULLET),
        Paragraph.of("Sở Nông nghiệp và Phát triển nông thôn hỗ trợ 03 hợp tác xã đạt chứng nhận VietGAP.",
                     Style.BULLET),
        Quote(
            text="Năm 2026, Sở đã hỗ trợ 05 doanh nghiệp áp dụng công cụ 5S và Kaizen; 02 doanh nghiệp được "
                 "chứng nhận hệ thống quản lý chất lượng ISO 9001:2015.",
            source="Sở Công Thương, báo cáo ngày 15/12/2026",
        ),
        Paragraph.of("b) Đào tạo, truyền thông về năng suất", h3),
        Paragraph.of(
            "Tổ chức 02 lớp đào tạo về công cụ cải tiến năng suất cho 120 học viên; Đài Phát thanh và Truyền "
            "hình Vĩnh Long phát sóng 06 phóng sự, Sở Thông tin và Truyền thông đăng 24 tin, bài."
        ),
        Quote(
            text="Đài đã xây dựng chuyên mục “Năng suất và đổi mới sáng tạo” phát sóng định kỳ hằng tháng.",
            source="Đài Phát thanh và Truyền hình Vĩnh Long, báo cáo ngày 13/12/2026",
        ),
        Paragraph.of("3. Tình hình báo cáo của các cơ quan, đơn vị", h2),
        Paragraph(runs=(
            Run(text=f"Đến ngày 31/12/2026, {len(UNITS) - len(missing_units())}/{len(UNITS)} cơ quan, đơn vị "
                     f"đã gửi báo cáo; chưa báo cáo: "),
            Run(text=missing, bold=True),
            Run(text=" (chi tiết tại Phụ lục kèm theo)."),
        )),
        Paragraph.of("II. ĐÁNH GIÁ CHUNG", h1),
        Paragraph.of("1. Ưu điểm", h2),
        Paragraph.of(
            "Các cơ quan, đơn vị quan tâm triển khai Kế hoạch; số lượt doanh nghiệp được hỗ trợ vượt mục tiêu; "
            "việc báo cáo qua hệ thống nhắc việc giúp tổng hợp kịp thời."
        ),
        Paragraph.of("2. Hạn chế, khó khăn", h2),
        Paragraph.of(
            "Chưa có số liệu chính thức về đóng góp của TFP vào tăng trưởng GRDP năm 2026; một số đơn vị báo "
            "cáo chậm hoặc chưa báo cáo."
        ),
        Paragraph.of("III. KIẾN NGHỊ, ĐỀ XUẤT", h1),
        Paragraph.of(
            "Đề nghị Bộ Khoa học và Công nghệ hướng dẫn phương pháp tính chỉ số TFP cấp tỉnh; đề nghị Ủy ban "
            "nhân dân tỉnh chỉ đạo các đơn vị chưa báo cáo gửi báo cáo trước ngày 15/01/2027."
        ),
        Paragraph.of("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2027", h1),
        Paragraph.of("[Phương hướng năm tới: do chuyên viên soạn]", placeholder=True),
        Paragraph.of(
            "Trên đây là báo cáo kết quả thực hiện Kế hoạch năm 2026 của Sở Khoa học và Công nghệ, kính báo "
            "cáo Ủy ban nhân dân tỉnh và Bộ Khoa học và Công nghệ."
        ),
    )


def sample_report() -> OfficialReport:
    return OfficialReport(
        issuer_parent="UBND TỈNH VĨNH LONG",
        issuer="SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        symbol="BC-SKHCN",
        number=None,
        date=ISSUED,
        place="Vĩnh Long",
        summary="Kết quả thực hiện Kế hoạch thực hiện Quyết định số 36/QĐ-TTg trên địa bàn tỉnh Vĩnh Long "
                "năm 2026",
        recipients=("Ủy ban nhân dân tỉnh Vĩnh Long", "Bộ Khoa học và Công nghệ"),
        body=_body(),
        appendices=(Appendix(
            title="Tình hình thực hiện và báo cáo của các cơ quan, đơn vị năm 2026",
            blocks=(Table(
                title="",
                header=("TT", "Cơ quan, đơn vị", "Ngày báo cáo", "Kết quả chủ yếu"),
                rows=_status_rows(),
                widths_mm=(12, 58, 27, 68),
            ),),
        ),),
        distribution=("Như trên", "Giám đốc, các PGĐ Sở", "Các sở, ban, ngành tỉnh (để biết)", "Lưu: VT, QLKH"),
        signer_title=("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
        signer_name=None,
    )
