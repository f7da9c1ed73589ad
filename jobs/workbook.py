"""The digest as an Excel workbook: one sheet of unit × task status, one sheet per target.

Each sheet opens with a title block (the plan, the day, who it is for) and prints on A4 landscape, one page
wide, its header row repeated on every page. Rows are coloured by state — overdue, not yet due, received —
with a "Quá hạn" column saying the same in words. Indicator columns are headed by the indicator's name; dates
are real dates (so that people can sort and filter them in Excel).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from jobs.digest import Digest, number
from jobs.sheets import DATE, DATETIME, MIME, append, for_print, header, title, title_block
from locales import N_, _, format_date
from models.chat import Attachment
from models.review import review_note
from models.rules.periods import period_label
from models.rules.text import clean
from models.status import Item
from models.wording import MILESTONE_OP, exception_note, period_of, status_label
from models.year_targets import TargetFigures

# The three states a leader looks for, in words and in colour (light fills: the text stays readable).
OVERDUE, NOT_DUE, RECEIVED, EXEMPT = "overdue", "not_due", "received", "exempt"
STATE = {OVERDUE: N_("quá hạn"), NOT_DUE: N_("chưa đến hạn"), RECEIVED: N_("đã nhận"), EXEMPT: N_("miễn nộp")}
FILL = {OVERDUE: PatternFill("solid", fgColor="F8CBAD"), NOT_DUE: PatternFill("solid", fgColor="EDEDED"),
        RECEIVED: PatternFill("solid", fgColor="C6EFCE"), EXEMPT: PatternFill("solid", fgColor="FFF2CC")}
WIDTHS = [34, 14, 22, 14, 14, 17, 16]  # a target sheet's two tables share its columns
READERS = N_("Gửi lãnh đạo UBND tỉnh, cán bộ điều phối và tổ tổng hợp theo dõi kế hoạch")


def _local(moment: datetime, d: Digest) -> datetime:
    return moment.astimezone(d.tz).replace(tzinfo=None)  # Excel has no time zones


def state_of(item: Item, d: Digest) -> str:
    if item.reported:
        return RECEIVED
    if item.exempt:
        return EXEMPT
    return OVERDUE if item.obligation.due < d.today else NOT_DUE


def _title(sheet: Worksheet, digests: Sequence[Digest], what: str, *extra: str) -> None:
    plans = "; ".join(d.plan.short or d.plan.code for d in digests)
    first = digests[0]
    title_block(sheet, [clean(what), _("Kế hoạch: {plans}").format(plans=plans),
                        _("Ngày {day} — {readers}").format(day=format_date(first.today), readers=_(READERS)), *extra])


def render(digests: Digest | Sequence[Digest]) -> bytes:
    """One workbook for the plans' digests: one status sheet (a plan column), one sheet per target."""
    digests = [digests] if isinstance(digests, Digest) else list(digests)
    book = Workbook()
    _status_sheet(book.active, digests)
    for d in digests:
        for target in d.targets:
            name = target.name if len(digests) == 1 else f"{d.plan.short} {target.name}"
            _target_sheet(book.create_sheet(title=title(name)), d, target)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _status_sheet(sheet: Worksheet, digests: list[Digest]) -> None:
    sheet.title = title(_("Tình hình"))
    _title(sheet, digests, _("Bản tin tuần — tình hình báo cáo"),
           _("Màu: đỏ — quá hạn, chưa báo cáo; xám — chưa đến hạn; xanh — đã nhận báo cáo."))
    rows = sorted(((d, item) for d in digests for item in d.items),
                  key=lambda pair: (pair[1].obligation.unit_name, pair[1].obligation.plan_code,
                                    pair[1].obligation.task_code, pair[1].obligation.due))
    # Indicators by name; two plans may use one code for different things, so the name decides the column.
    indicators = sorted({d.indicator_names.get(code, code) for d, item in rows for code in item.values})
    columns = [_("Mã đơn vị"), _("Đơn vị"), _("Mã nhiệm vụ"), _("Nhiệm vụ"), _("Kỳ báo cáo"), _("Hạn"),
               _("Quá hạn"), _("Trạng thái"), _("% hoàn thành"), *indicators, _("Ghi chú"), _("Vướng mắc"),
               _("Đề xuất"), _("Ngày báo cáo"), _("Bản"), _("Nộp muộn"), _("Kế hoạch"), _("Tiếp nhận"),
               _("Tệp minh chứng"), _("Đóng góp của đơn vị phối hợp")]
    first = header(sheet, columns, [11, 34, 11, 50, 26, 12, 14, 16, 12, *[16] * len(indicators), 40, 40, 30, 17, 6,
                                    10, 24, 30, 30, 40]) + 1
    at = {name: index for index, name in enumerate(columns, start=1)}
    wrap = Alignment(wrap_text=True, vertical="top")
    # Row numbers are counted here: openpyxl's max_row scans every cell, which is quadratic over a
    # province's tens of thousands of rows.
    for row, (d, item) in enumerate(rows, start=first):
        o, report = item.obligation, item.report
        by_name = {d.indicator_names.get(code, code): value for code, value in item.values.items()}
        state = state_of(item, d)
        append(sheet, [
            o.unit_code, d.unit_label(o), o.task_code, o.task_title, period_of(o), o.due,
            _(STATE[state]),
            status_label(report.status) if report else _("Chưa báo cáo"),
            report.percent if report else None,
            *[float(by_name[name]) if name in by_name else None for name in indicators],
            report.note if report else exception_note(o), report.obstacles if report else None,
            report.proposals if report else None,
            _local(report.submitted_at, d) if report else None, report.version if report else None,
            (_("có") if report.late else _("không")) if report else None,
            o.plan_short,
            review_note(report) if report else None,  # "mới", "đã tiếp nhận", "trả lại: <ý kiến>", "đã rút"
            "; ".join(d.files.get((o.assignment_id, o.period_id), [])) or None,
            d.support.get((o.task_id, o.period_id)),
        ])
        sheet.cell(row=row, column=at[_("Hạn")]).number_format = DATE
        sheet.cell(row=row, column=at[_("Ngày báo cáo")]).number_format = DATETIME
        for name in (_("Quá hạn"), _("Trạng thái")):
            sheet.cell(row=row, column=at[name]).fill = FILL[state]
        for name in (_("Nhiệm vụ"), _("Ghi chú"), _("Vướng mắc"), _("Đề xuất"), _("Đóng góp của đơn vị phối hợp")):
            sheet.cell(row=row, column=at[name]).alignment = wrap
    last = sheet.cell(row=first - 1 + len(rows), column=len(columns)).coordinate
    sheet.auto_filter.ref = f"A{first - 1}:{last}"
    for_print(sheet)


def _target_sheet(tab: Worksheet, d: Digest, target: TargetFigures) -> None:
    """The target's milestones (the figure reached against each), then every report behind the figures."""
    _title(tab, [d], target.name)
    header(tab, [_("Mốc"), _("Chỉ tiêu"), _("Đơn vị tính"), _("Số liệu"), _("Các năm tính"), _("Tỷ lệ (%)"),
                 _("Đánh giá")], WIDTHS)
    for m in d.milestones(target):
        verdict = (_("chưa có số liệu") if m.value is None else _("đang thực hiện") if not m.passed
                   else _("đã đạt") if m.reached else _("chưa đạt"))
        append(tab, [_("Mốc {year}").format(year=m.year), f"{MILESTONE_OP.get(m.op, m.op)} {number(m.goal)}",
                     target.measure, float(round(m.value, 2)) if m.value is not None else _("chưa có số liệu"),
                     f"{m.first}–{m.last}", m.percent if target.aggregate != "average_growth" else None, verdict])
    append(tab, [])
    rows = [c for c in d.contributions if c.target == target.code]
    head = header(tab, [_("Đơn vị"), _("Nhiệm vụ"), _("Kỳ báo cáo"), _("Tính cho năm"), _("Số liệu"),
                        _("Ngày báo cáo")], WIDTHS)
    for row, c in enumerate(rows, start=head + 1):
        append(tab, [c.unit, c.task, period_label(c.every, c.period, c.schedule), c.year, float(c.value),
                     _local(c.submitted_at, d)])  # type: ignore[arg-type]
        tab.cell(row=row, column=6).number_format = DATETIME
    if not rows:
        append(tab, [_("Chưa có báo cáo nào có số liệu cho mục tiêu này.")])
    for_print(tab)


def attachment(digests: Digest | Sequence[Digest], caption: str) -> Attachment:
    """The workbook as a file to send: nhacviec-<day>.xlsx."""
    first = digests if isinstance(digests, Digest) else digests[0]
    return Attachment(f"nhacviec-{first.today.isoformat()}.xlsx", render(digests), MIME, clean(caption))
