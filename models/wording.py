"""How the plan's notions read in the person's language, wherever they are shown: statuses, roles,
periods, rounds, deadlines, milestone operators, and titles shortened for a phone screen.

Handlers and jobs both write these words; they live here so that neither imports the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from locales import N_, _, format_date, format_day, ngettext
from models.callbacks import Answer, ConfirmSuccession
from models.chat import Option, Reply
from models.obligations import Obligation
from models.registry import PendingSuccession
from models.rules.periods import period_label
from models.rules.workdays import WorkCalendar
from models.store.tables import Plan, ReportStatus, Role

STATUS = {
    ReportStatus.not_started: N_("Chưa triển khai"),
    ReportStatus.in_progress: N_("Đang thực hiện"),
    ReportStatus.done: N_("Hoàn thành"),
    ReportStatus.blocked: N_("Gặp vướng mắc"),
}
STATUS_ICON: dict[str, str] = {ReportStatus.not_started: "⚪", ReportStatus.in_progress: "🔵", ReportStatus.done: "✅",
                                ReportStatus.blocked: "⚠️"}
ROLE = {Role.focal: N_("đầu mối"), Role.coordinator: N_("điều phối"), Role.leader: N_("lãnh đạo"),
        Role.admin: N_("quản trị viên")}


def status_label(status: str) -> str:
    return _(STATUS.get(status, status))  # type: ignore[call-overload]


def role_label(role: str) -> str:
    return _(ROLE.get(role, role))  # type: ignore[call-overload]


def short(text: str, limit: int = 70) -> str:
    """`text` on one line, at most `limit` characters; a longer one is cut at a word boundary, marked "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:  # a single very long word is cut inside it rather than left almost empty
        cut = cut[:space]
    return cut.rstrip(" ,;:–-") + "…"


def period_of(o: Obligation) -> str:
    return period_label(o.every, o.period_key, o.schedule_name)


def round_name(every: str, key: str, schedule_name: str) -> str:
    """'Báo cáo hằng năm, năm 2025'; a one-off schedule is named once: 'Báo cáo sơ kết giai đoạn 2021–2025'."""
    label = period_label(every, key, schedule_name)
    if every == "once" or not schedule_name:
        return label
    return f"{schedule_name}, {label}"


def round_title(o: Obligation) -> str:
    return round_name(o.every, o.period_key, o.schedule_name)


def working_days_between(calendar: WorkCalendar, start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day = calendar.add_working_days(day, 1)
        if day <= end:
            count += 1
    return count


def deadline_note(due: date, today: date, calendar: WorkCalendar) -> str:
    """'(còn 5 ngày làm việc)', '(hôm nay)', '(quá hạn từ 17/12/2025)': how near or how far past."""
    if due == today:
        return _("(hôm nay)")
    if due > today:
        n = working_days_between(calendar, today, due)
        return ngettext("(còn {n} ngày làm việc)", "(còn {n} ngày làm việc)", n).format(n=n)
    return _("(quá hạn từ {day})").format(day=format_date(due + timedelta(days=1)))


def deadline(due: date, today: date, calendar: WorkCalendar) -> str:
    """'Thứ Ba, 16/12/2025 (còn 5 ngày làm việc)': a deadline as people plan their week by it."""
    return f"{format_day(due)} {deadline_note(due, today, calendar)}"


def deadline_phrase(o: Obligation, today: date, calendar: WorkCalendar) -> str:
    """'hạn Thứ Ba, 16/12/2025 (còn 5 ngày làm việc)', inside a sentence; an extended one says so, with why."""
    if o.extended and o.original_due is not None:
        return _("gia hạn đến {deadline}, hạn gốc {due}: {reason}").format(
            deadline=deadline(o.due, today, calendar), due=format_date(o.original_due), reason=o.extension_reason)
    if o.is_event:  # a meeting is held on its day; what is reported is that it took place
        return _("tổ chức ngày {deadline}").format(deadline=deadline(o.due, today, calendar))
    return _("hạn {deadline}").format(deadline=deadline(o.due, today, calendar))


def exception_note(o: Obligation) -> str | None:
    """Why a period is not owed, or owed later (models/exceptions.py), for a list's note column; None: neither."""
    if o.exemption:
        return _("miễn nộp: {reason}").format(reason=o.exemption)
    if o.extended and o.original_due is not None:
        return _("gia hạn đến {day} (hạn gốc {due}): {reason}").format(
            day=format_date(o.due), due=format_date(o.original_due), reason=o.extension_reason)
    return None


MILESTONE_OP = {">=": "≥", ">": ">", "~": "≈"}  # how a target's comparison is written next to its figure


def succession_question(p: PendingSuccession) -> Reply:
    """The question to a focal point of a unit that merged or retired, with its two buttons."""
    if p.event.kind == "retire":
        text = _("Từ {day}, {former} kết thúc hoạt động; nhiệm vụ của đơn vị chuyển về {current}.").format(
            day=format_date(p.event.day), former=p.former_name, current=p.current_name)
    else:
        text = _("Từ {day}, {former} đã hợp nhất vào {current}.").format(
            day=format_date(p.event.day), former=p.former_name, current=p.current_name)
    text += "\n" + _("Anh/chị có tiếp tục làm đầu mối báo cáo cho {current} không?").format(current=p.current_name)
    owner = p.grant.member_id
    return Reply(text, (
        Option(_("Có, tôi tiếp tục"), ConfirmSuccession(grant=p.grant.id, answer=Answer.yes, owner=owner).pack()),
        Option(_("Không, người khác phụ trách"),
               ConfirmSuccession(grant=p.grant.id, answer=Answer.no, owner=owner).pack())))


def plans_named(plans: Sequence[Plan]) -> str:
    """"kế hoạch KH 3064 – Năng suất", or "3 kế hoạch" when a view covers several."""
    if len(plans) == 1:
        return _("kế hoạch {name}").format(name=plans[0].short or plans[0].code)
    return ngettext("{n} kế hoạch", "{n} kế hoạch", len(plans)).format(n=len(plans))
