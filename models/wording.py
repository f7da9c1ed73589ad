"""How the plan's notions read in the person's language, wherever they are shown: statuses, roles,
periods, rounds, deadlines, milestone operators, and titles shortened for a phone screen.

Handlers and jobs both write these words; they live here so that neither imports the other.
"""

from __future__ import annotations

from datetime import date

from locales import N_, _, format_day, ngettext
from models.obligations import Obligation
from models.rules.periods import period_label
from models.rules.workdays import WorkCalendar
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


MILESTONE_OP = {">=": "≥", ">": ">", "~": "≈"}  # how a target's comparison is written next to its figure
