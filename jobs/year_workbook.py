"""A year as an Excel workbook (`/xuat [năm]`, `nhacviec export`): every obligation of the year with its
latest report, its review state and whether it came on time; the year beside the one before; and, per
target, the reports behind the year's figure.

The year is models/annual.py's: every period whose data window ends in it, whenever it is reported.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from jobs.sheets import DATE, DATETIME, MIME, append, header, title
from locales import N_, _
from models.annual import Entry, Rate, State, Year, rate_of
from models.review import review_label
from models.wording import MILESTONE_OP, exception_note, period_of, status_label

__all__ = ["MIME", "render"]

TIMELINESS = {State.on_time: N_("Đúng hạn"), State.late: N_("Nộp muộn"), State.overdue: N_("Quá hạn"),
              State.not_due: N_("Chưa đến hạn"), State.not_followed: N_("Không theo dõi"),
              State.exempt: N_("Miễn nộp")}


def _number(value) -> float | None:
    return float(value) if value is not None else None


def _entries_sheet(sheet: Worksheet, data: Year, extra: Beside) -> None:
    codes = [i.code for i in data.indicators if any(i.code in e.values for e in data.entries)]
    header(sheet, [_("Mã đơn vị"), _("Đơn vị"), _("Mã nhiệm vụ"), _("Nhiệm vụ"), _("Kỳ báo cáo"), _("Hạn"),
                    _("Trạng thái"), _("% hoàn thành"), *codes, _("Ghi chú"), _("Vướng mắc"), _("Đề xuất"),
                    _("Ngày báo cáo"), _("Bản"), _("Nộp muộn"), _("Tình trạng hạn"), _("Tiếp nhận"),
                    _("Tệp minh chứng"), _("Đóng góp của đơn vị phối hợp")],
            [11, 34, 11, 50, 26, 12, 16, 12, *[10] * len(codes), 40, 40, 30, 17, 6, 10, 14, 13, 30, 40])
    wrap = Alignment(wrap_text=True, vertical="top")
    text_columns = (4, 9 + len(codes), 10 + len(codes), 11 + len(codes))
    ordered = sorted(data.entries, key=lambda e: (e.obligation.unit_code, e.obligation.task_code, e.obligation.due))
    for row, entry in enumerate(ordered, start=2):  # counted here: openpyxl's max_row scans every cell
        o, report = entry.obligation, entry.report
        append(sheet, [
            o.unit_code, o.unit_name, o.task_code, o.task_title, period_of(o), o.due,
            status_label(report.status) if report else _("Chưa báo cáo"),
            report.percent if report else None,
            *[_number(entry.values.get(code)) for code in codes],
            report.note if report else exception_note(o), report.obstacles if report else None,
            report.proposals if report else None,
            report.submitted_at.astimezone(ZoneInfo(data.plan.timezone)).replace(tzinfo=None) if report else None,
            report.version if report else None,
            (_("có") if report.late else _("không")) if report else None,
            _(TIMELINESS[entry.state]), review_label(report.review) if report else None,
            "; ".join(extra.files.get((o.assignment_id, o.period_id), [])) or None,
            extra.support.get((o.task_id, o.period_id)),
        ])
        sheet.cell(row=row, column=6).number_format = DATE
        sheet.cell(row=row, column=12 + len(codes)).number_format = DATETIME
        for column in text_columns:
            sheet.cell(row=row, column=column).alignment = wrap
    sheet.auto_filter.ref = sheet.dimensions


def _rate_row(label: str, before: Rate | None, now: Rate, pick) -> list:
    return [label, pick(before) if before else None, pick(now)]


def _comparison_sheet(sheet: Worksheet, data: Year) -> None:
    year = data.year
    before = data.previous_rate
    header(sheet, [_("Tình hình báo cáo"), _("Năm {year}").format(year=year - 1), _("Năm {year}").format(year=year)],
            [40, 14, 14])
    now = data.rate
    for label, pick in ((_("Báo cáo đã đến hạn"), lambda r: r.owed), (_("Đã nhận"), lambda r: r.reported),
                        (_("Đúng hạn"), lambda r: r.on_time), (_("Nộp muộn"), lambda r: r.late),
                        (_("Chưa báo cáo"), lambda r: r.missing), (_("Tỷ lệ báo cáo (%)"), lambda r: r.percent)):
        append(sheet, _rate_row(label, before, now, pick))
    append(sheet, [])
    bold = Font(bold=True)
    append(sheet, [_("Theo đơn vị"), _("Tỷ lệ năm {year} (%)").format(year=year - 1),
                  _("Tỷ lệ năm {year} (%)").format(year=year), _("Đã nhận / đến hạn năm {year}").format(year=year)])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for unit, (earlier, current) in _by_unit(data.previous, data.entries).items():
        append(sheet, [unit, earlier.percent if earlier else None, current.percent if current else None,
                      f"{current.reported}/{current.owed}" if current else None])
    append(sheet, [])
    append(sheet, [_("Mục tiêu"), _("Năm {year}").format(year=year - 1), _("Năm {year}").format(year=year),
                  _("Lũy kế, bình quân hoặc số mới nhất"), _("Mục tiêu theo Kế hoạch")])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    first = data.plan.start.year
    for t in data.targets:
        append(sheet, [f"{t.name} ({t.measure})" if t.measure else t.name, _number(t.of(year - 1)), _number(t.of(year)),
                      _number(t.so_far(year, first)),
                      "; ".join(f"{y}: {MILESTONE_OP.get(op, op)} {float(v):g}" for y, v, op in t.milestones)])


def _by_unit(previous: Sequence[Entry], current: Sequence[Entry]) -> dict[str, tuple[Rate | None, Rate | None]]:
    groups: dict[str, tuple[list[Entry], list[Entry]]] = defaultdict(lambda: ([], []))
    for entry in previous:
        groups[entry.obligation.unit_name][0].append(entry)
    for entry in current:
        groups[entry.obligation.unit_name][1].append(entry)
    result = {}
    for unit in sorted(groups):
        earlier, now = (rate_of(group) for group in groups[unit])
        if earlier.owed or now.owed:
            result[unit] = (earlier if earlier.owed else None, now if now.owed else None)
    return result


def _target_sheets(book: Workbook, data: Year) -> None:
    by_target = {i.code: i.target for i in data.indicators if i.target}
    for t in data.targets:
        tab = book.create_sheet(title=title(_("Mục tiêu {code}").format(code=t.code)))
        header(tab, [_("Đơn vị"), _("Nhiệm vụ"), _("Kỳ"), _("Hạn"), _("Giá trị"), _("Ngày báo cáo"), _("Bản")],
                [34, 12, 26, 12, 12, 14, 6])
        row = 1
        for entry in data.entries:
            if not entry.reported or entry.report is None:
                continue
            for code, value in entry.values.items():
                if by_target.get(code) == t.code:
                    row += 1
                    o = entry.obligation
                    append(tab, [o.unit_name, o.task_code, period_of(o), o.due, float(value),
                                entry.report.submitted_on, entry.report.version])
                    tab.cell(row=row, column=4).number_format = DATE
                    tab.cell(row=row, column=6).number_format = DATE
        for year, source in t.by_hand.items():  # earlier years a coordinator entered, marked as such
            if year in (data.year, data.year - 1):
                append(tab, [_("Nhập tay: {source}").format(source=source), None, _("năm {year}").format(year=year),
                             None, _number(t.of(year))])
        append(tab, [])
        append(tab, [t.name])
        for label, figure in ((_("Năm {year}").format(year=data.year), t.of(data.year)),
                             (_("Năm {year}").format(year=data.year - 1), t.of(data.year - 1)),
                             (_("Lũy kế, bình quân hoặc số mới nhất"), t.so_far(data.year, data.plan.start.year))):
            append(tab, [label, None, None, None, _number(figure), t.measure])
        for year, goal, op in t.milestones:
            append(tab, [_("Mốc {year}").format(year=year), MILESTONE_OP.get(op, op), None, None, float(goal)])


@dataclass(frozen=True)
class Beside:
    """What the year's rows show beside each report: its evidence file names by (assignment, period), the support
    units' contributions by (task, period)."""

    files: dict[tuple[int, int], list[str]] = field(default_factory=dict)
    support: dict[tuple[int, int], str] = field(default_factory=dict)


INFERRED = {"lead": N_("chủ trì"), "support": N_("phối hợp"), "schedules": N_("lịch báo cáo"),
            "reporting": N_("nghĩa vụ báo cáo")}


def _tasks_sheet(sheet: Worksheet, data: Year) -> None:
    """Each task as the decision writes it, and what the plan file adds that the decision does not say."""
    header(sheet, [_("Mã nhiệm vụ"), _("Nhiệm vụ (nguyên văn)"), _("Tên ngắn"), _("Nguồn trong văn bản"),
                   _("Suy luận (văn bản không ghi)"), _("Lý do"), _("Báo cáo")], [11, 60, 40, 40, 24, 80, 18])
    wrap = Alignment(wrap_text=True, vertical="top")
    for row, task in enumerate(data.tasks, start=2):
        append(sheet, [task.code, task.title, task.short_title or None, task.source or None,
                       ", ".join(_(INFERRED.get(p, p)) for p in task.inferred) or _("không"),
                       task.basis or None,
                       _("theo dõi, không hỏi") if task.report_by == "none" else _("đơn vị được hỏi")])
        for column in (2, 4, 6):
            sheet.cell(row=row, column=column).alignment = wrap


def render(data: Year, extra: Beside | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title(_("Tình hình"))
    _entries_sheet(sheet, data, extra or Beside())
    _comparison_sheet(book.create_sheet(title=title(_("So sánh"))), data)
    _target_sheets(book, data)
    _tasks_sheet(book.create_sheet(title=title(_("Nhiệm vụ"))), data)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
