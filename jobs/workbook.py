"""The digest as an Excel workbook: one sheet of unit × task status, one sheet per target.

Vietnamese headers, a frozen header row, sensible column widths, and dates as real dates (so that
people can sort and filter them in Excel).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment

from jobs.digest import Digest
from jobs.sheets import DATE, DATETIME, MIME, append, header, title
from locales import _
from models.chat import Attachment
from models.rules.text import clean
from models.wording import MILESTONE_OP, period_of, status_label


def _local(moment: datetime, d: Digest) -> datetime:
    return moment.astimezone(d.tz).replace(tzinfo=None)  # Excel has no time zones


def _part_of(d: Digest, o) -> str:
    current = d.now_part_of.get(o.unit_id)
    return " " + _("(nay: {name})").format(name=current.name) if current else ""


def render(digests: Digest | Sequence[Digest]) -> bytes:
    """One workbook for the plans' digests: one status sheet (a plan column), one sheet per target."""
    digests = [digests] if isinstance(digests, Digest) else list(digests)
    book = Workbook()
    sheet = book.active
    sheet.title = title(_("Tình hình"))
    rows = sorted(((d, item) for d in digests for item in d.items),
                  key=lambda pair: (pair[1].obligation.unit_code, pair[1].obligation.plan_code,
                                    pair[1].obligation.task_code, pair[1].obligation.due))
    indicators = sorted({code for _d, item in rows for code in item.values})
    header(sheet, [_("Mã đơn vị"), _("Đơn vị"), _("Mã nhiệm vụ"), _("Nhiệm vụ"), _("Kỳ báo cáo"), _("Hạn"),
                    _("Trạng thái"), _("% hoàn thành"), *indicators, _("Ghi chú"), _("Vướng mắc"), _("Đề xuất"),
                    _("Ngày báo cáo"), _("Bản"), _("Nộp muộn"), _("Kế hoạch")],
            [11, 34, 11, 50, 26, 12, 16, 12, *[10] * len(indicators), 40, 40, 30, 17, 6, 10, 24])
    wrap = Alignment(wrap_text=True, vertical="top")
    # Row numbers are counted here: openpyxl's max_row scans every cell, which is quadratic over a
    # province's tens of thousands of rows.
    for row, (d, item) in enumerate(rows, start=2):
        o, report = item.obligation, item.report
        append(sheet, [
            o.unit_code, o.unit_name + _part_of(d, o), o.task_code, o.task_title, period_of(o), o.due,
            status_label(report.status) if report else _("Chưa báo cáo"),
            report.percent if report else None,
            *[float(item.values[c]) if c in item.values else None for c in indicators],
            report.note if report else None, report.obstacles if report else None,
            report.proposals if report else None,
            _local(report.submitted_at, d) if report else None, report.version if report else None,
            (_("có") if report.late else _("không")) if report else None,
            o.plan_short,
        ])
        sheet.cell(row=row, column=6).number_format = DATE
        sheet.cell(row=row, column=9 + len(indicators) + 3).number_format = DATETIME
        for column in (4, 9 + len(indicators), 10 + len(indicators), 11 + len(indicators)):
            sheet.cell(row=row, column=column).alignment = wrap
    sheet.auto_filter.ref = sheet.dimensions
    for d, target in [(plan_digest, t) for plan_digest in digests for t in plan_digest.targets]:
        name = _("Mục tiêu {code}").format(code=target.code)
        if len(digests) > 1:  # two plans may both have a target DN_HO_TRO
            name = f"{d.plan.code} {target.code}"
        tab = book.create_sheet(title=title(name))
        header(tab, [_("Đơn vị"), _("Nhiệm vụ"), _("Kỳ"), _("Hạn"), _("Giá trị"), _("Ngày báo cáo")],
                [12, 12, 14, 12, 12, 17])
        for row, (unit, task, key, due, value, submitted) in enumerate(target.contributions, start=2):
            append(tab, [unit, task, key, due, float(value), _local(submitted, d)])
            tab.cell(row=row, column=4).number_format = DATE
            tab.cell(row=row, column=6).number_format = DATETIME
        tab.append([])
        append(tab, [target.name])
        total = _("Tổng cộng dồn") if target.aggregate == "sum" else _("Số mới nhất")
        append(tab, [total, None, None, None, float(target.value) if target.value is not None else None,
                      target.measure])
        for year, goal, op in target.milestones:
            reached = target.value_for(year)
            append(tab, [_("Mốc {year}").format(year=year), MILESTONE_OP.get(op, op), None, None, float(goal),
                          float(reached) if reached is not None else None])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def attachment(digests: Digest | Sequence[Digest], caption: str) -> Attachment:
    """The workbook as a file to send: nhacviec-<day>.xlsx."""
    first = digests if isinstance(digests, Digest) else digests[0]
    return Attachment(f"nhacviec-{first.today.isoformat()}.xlsx", render(digests), MIME, clean(caption))
