"""The consolidated report's appendices: every unit's reports of the year (unit × task) and the targets."""

from __future__ import annotations

from jobs.draft_text import with_measure
from jobs.render.document import Appendix, Cell, Paragraph, Table
from locales import _, format_date
from models.annual import Entry, State, Year
from models.review import counts, review_label
from models.wording import MILESTONE_OP, period_of, status_label

NOT_SHOWN = "—"


def _state_cell(entry: Entry) -> str | Cell:
    report = entry.report
    if report is not None and not counts(report.review):
        return Cell(text=_("Bị trả lại"), bold=True)
    if report is not None:
        label = status_label(report.status)
        return label if report.percent is None else f"{label}, {report.percent}%"
    if entry.state is State.overdue:
        return Cell(text=_("Chưa báo cáo"), bold=True)
    if entry.state is State.not_due:
        return Cell(text=_("Chưa đến hạn"), italic=True)
    return Cell(text=_("Không theo dõi"), italic=True)


def _timeliness(entry: Entry) -> str:
    if entry.state is State.on_time:
        return _("Đúng hạn")
    if entry.state is State.late:
        return _("Muộn")
    if entry.state is State.overdue:
        return _("Quá hạn")
    return NOT_SHOWN


def status_appendix(data: Year) -> Appendix:
    entries = sorted(data.entries, key=lambda e: (e.obligation.unit_name, e.obligation.task_code, e.obligation.due))
    rows = tuple(
        (str(index), e.obligation.unit_name, e.obligation.task_code,
         _("{period} (hạn {due})").format(period=period_of(e.obligation), due=format_date(e.obligation.due)),
         _state_cell(e), format_date(e.report.submitted_on) if e.report else NOT_SHOWN, _timeliness(e),
         review_label(e.report.review) if e.report else NOT_SHOWN)
        for index, e in enumerate(entries, start=1))
    blocks: tuple = (Table(title="", header=(_("TT"), _("Cơ quan, đơn vị"), _("Nhiệm vụ"), _("Kỳ báo cáo"),
                                              _("Tình trạng"), _("Ngày gửi"), _("Đúng hạn"), _("Tiếp nhận")),
                           rows=rows, widths_mm=(8, 35, 14, 30, 22, 22, 17, 17)),)
    if not rows:
        blocks = (Paragraph.of(_("Không có kỳ báo cáo nào có số liệu kết thúc trong năm {year}.").format(
            year=data.year)),)
    return Appendix(title=_("Tình hình báo cáo của các cơ quan, đơn vị năm {year}").format(year=data.year),
                    blocks=blocks)


def targets_appendix(data: Year) -> Appendix:
    year, first = data.year, data.plan.start.year
    rows = []
    for index, t in enumerate(data.targets, start=1):
        this, before, so_far = t.of(year), t.of(year - 1), t.so_far(year, first)
        start, _end = t.span(year, first)
        milestone = t.milestone_for(year)
        share = NOT_SHOWN
        if t.aggregate == "sum" and milestone is not None and milestone[1] and so_far is not None:
            share = f"{round(so_far * 100 / milestone[1])}%"
        rows.append((
            str(index), t.name, t.measure or NOT_SHOWN,
            with_measure(before, "") if before is not None else NOT_SHOWN,
            with_measure(this, "") if this is not None else NOT_SHOWN,
            f"{with_measure(so_far, '')} ({start}–{year})" if so_far is not None else NOT_SHOWN,
            "; ".join(f"{y}: {MILESTONE_OP.get(op, op)} {with_measure(v, '')}" for y, v, op in t.milestones)
            or NOT_SHOWN,
            share,
        ))
    table = Table(title="", header=(_("TT"), _("Mục tiêu"), _("Đơn vị tính"), _("Năm {year}").format(year=year - 1),
                                    _("Năm {year}").format(year=year), _("Lũy kế, bình quân hoặc số mới nhất"),
                                    _("Mục tiêu theo Kế hoạch"), _("Tỷ lệ so với mục tiêu")),
                  rows=tuple(rows), widths_mm=(9, 48, 16, 17, 17, 22, 22, 14))
    note = Paragraph.of(_("Số liệu của một năm: các báo cáo có kỳ số liệu kết thúc trong năm đó (bản mới nhất của "
                          "mỗi báo cáo). Chỉ tiêu cộng dồn được cộng từ năm {first}; chỉ tiêu tốc độ tăng bình quân "
                          "tính bình quân nhân các năm có số liệu trong giai đoạn của mốc; chỉ tiêu khác lấy số mới "
                          "nhất.").format(first=first))
    blocks = (table, note) if rows else (Paragraph.of(_("Kế hoạch không đặt mục tiêu định lượng.")),)
    return Appendix(title=_("Kết quả thực hiện các mục tiêu của Kế hoạch đến năm {year}").format(year=year),
                    blocks=blocks)
