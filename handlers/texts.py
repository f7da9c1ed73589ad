"""Wording shared by several handlers: statuses, periods, deadlines, short titles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, tzinfo

from handlers.types import Reply
from locales import N_, _, format_date, format_day, format_number, ngettext
from models.obligations import Obligation
from models.registry import Succession
from models.rules.periods import period_label
from models.rules.workdays import WorkCalendar
from models.status import Item
from models.store.tables import ReportStatus, Role

STATUS = {
    ReportStatus.not_started: N_("Chưa triển khai"),
    ReportStatus.in_progress: N_("Đang thực hiện"),
    ReportStatus.done: N_("Hoàn thành"),
    ReportStatus.blocked: N_("Gặp vướng mắc"),
}
STATUS_ICON = {ReportStatus.not_started: "⚪", ReportStatus.in_progress: "🔵", ReportStatus.done: "✅",
               ReportStatus.blocked: "⚠️"}
ROLE = {Role.focal: N_("đầu mối"), Role.coordinator: N_("cán bộ theo dõi kế hoạch"), Role.leader: N_("lãnh đạo"),
        Role.admin: N_("quản trị viên")}


def status_label(status: str) -> str:
    return _(STATUS.get(status, status))  # type: ignore[call-overload]


def role_label(role: str) -> str:
    return _(ROLE.get(role, role))  # type: ignore[call-overload]


def short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def period_of(o: Obligation) -> str:
    return period_label(o.every, o.period_key, o.schedule_name)


def round_title(o: Obligation) -> str:
    """'Báo cáo hằng năm, năm 2025'; a one-off schedule is named once: 'Báo cáo sơ kết giai đoạn 2021–2025'."""
    label = period_of(o)
    if o.every == "once" or not o.schedule_name:
        return label
    return f"{o.schedule_name}, {label}"


def working_days_between(calendar: WorkCalendar, start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day = calendar.add_working_days(day, 1)
        if day <= end:
            count += 1
    return count


def deadline_phrase(o: Obligation, today: date, calendar: WorkCalendar) -> str:
    """'hạn Thứ Ba, 16/12/2025 (còn 5 ngày làm việc)', '(hôm nay)', '(quá hạn 3 ngày làm việc)'."""
    day = format_day(o.due)
    if o.due == today:
        return _("hạn {day} (hôm nay)").format(day=day)
    if o.due > today:
        n = working_days_between(calendar, today, o.due)
        return ngettext("hạn {day} (còn {n} ngày làm việc)", "hạn {day} (còn {n} ngày làm việc)", n).format(
            day=day, n=n)
    n = max(1, working_days_between(calendar, o.due, today))
    return ngettext("hạn {day} (quá hạn {n} ngày làm việc)", "hạn {day} (quá hạn {n} ngày làm việc)", n).format(
        day=day, n=n)


def report_summary(item: Item, tz: tzinfo) -> str:
    """'🔵 Đang thực hiện 80% · dn=5 · “Đã hỗ trợ…” (20/11/2025, bản 2, nộp muộn)'."""
    report = item.report
    if report is None:
        return "⭕ " + _("chưa báo cáo")
    parts = [f"{STATUS_ICON.get(report.status, '')} {status_label(report.status)}".strip()]
    if report.percent is not None and report.status != ReportStatus.done:
        parts[0] += f" {report.percent}%"
    parts += [f"{code}={format_number(value.normalize())}" for code, value in item.values.items()]
    if report.note:
        parts.append(f"“{short(report.note, 80)}”")
    meta = [format_date(report.submitted_at.astimezone(tz).date()), _("bản {n}").format(n=report.version)]
    if report.late:
        meta.append(_("nộp muộn"))
    return " · ".join(parts) + f" ({', '.join(meta)})"


def succession_note(steps: Sequence[Succession]) -> str:
    """"Sở TT&TT" typed after the merger: say which unit it led to, and since when."""
    lines = []
    for step in steps:
        if step.kind == "retire":
            lines.append(_("{former} đã kết thúc hoạt động từ {day}; nhiệm vụ chuyển về {current}.").format(
                former=step.former.name, day=format_date(step.since), current=step.current.name))
        else:
            lines.append(_("{former} đã hợp nhất vào {current} từ {day}.").format(
                former=step.former.name, current=step.current.name, day=format_date(step.since)))
    return "\n".join(lines)


def with_note(note: str, replies: list[Reply]) -> list[Reply]:
    """The note above the first reply (one message, not two)."""
    if not note or not replies:
        return replies
    return [replace(replies[0], text=f"{note}\n\n{replies[0].text}"), *replies[1:]]
