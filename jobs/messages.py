"""What reminders, escalations and notices say (in the recipient's language)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from locales import _, format_day
from models.obligations import Obligation
from models.rules.workdays import WorkCalendar
from models.wording import deadline_phrase, round_title, short, working_days_between


def reminder(o: Obligation, step: int, today: date, calendar: WorkCalendar, *, can_reply: bool) -> str:
    """The text of a reminder step (before, on or after the deadline)."""
    how = _("Bấm “Báo cáo ngay”, hoặc gõ /baocao.")
    if can_reply:
        how = _("Bấm “Báo cáo ngay”, hoặc trả lời tin này bằng một dòng, ví dụ: 80% dn=5 ghi chú ngắn.")
    if step > 0 or o.due < today:
        head = _("⚠️ Quá hạn: {unit} chưa gửi báo cáo {task} · {period}.").format(
            unit=o.unit_name, task=o.task_code, period=round_title(o))
        tail = _("Báo cáo gửi muộn vẫn được ghi nhận.")
    elif o.due == today:
        head = _("⏰ Hôm nay là hạn báo cáo {task} · {period} của {unit}.").format(
            unit=o.unit_name, task=o.task_code, period=round_title(o))
        tail = ""
    else:
        head = _("⏰ Nhắc việc: {unit} chưa gửi báo cáo {task} · {period}.").format(
            unit=o.unit_name, task=o.task_code, period=round_title(o))
        tail = ""
    lines = [head, _("Hạn: {deadline}").format(deadline=deadline_phrase(o, today, calendar)),
             short(o.task_title, 160)]
    if tail:
        lines.append(tail)
    lines.append(how)
    return "\n".join(lines)


def escalation(items: Sequence[Obligation], step: int, today: date, calendar: WorkCalendar,
               without_focal: Sequence[str]) -> str:
    first = items[0]
    late = working_days_between(calendar, first.due, today)
    lines = [_("🚨 Báo cáo quá hạn — {title}").format(title=round_title(first)),
             _("Hạn {day}, đã quá {n} ngày làm việc; {count} báo cáo chưa gửi:").format(
                 day=format_day(first.due), n=late, count=len(items))]
    by_unit: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for o in items:
        by_unit.setdefault(o.unit_code, []).append(o.task_code)
        names[o.unit_code] = o.unit_name
    for code in sorted(by_unit):
        lines.append(f"• {code} — {names[code]}: {', '.join(by_unit[code])}")
    if without_focal:
        lines.append(_("Chưa có đầu mối đăng ký (bot không nhắc được): {units}. Gõ /moi <đơn vị> để mời.").format(
            units=", ".join(without_focal)))
    lines.append(_("Gõ /quahan để xem mọi báo cáo quá hạn, /nhacnho <đơn vị> để nhắc ngay."))
    return "\n".join(lines)


def unreachable(name: str, units: str, channel: str) -> str:
    return _("📵 Không gửi được tin nhắc cho {name} ({units}) qua {channel}: người này đã chặn bot hoặc "
             "không còn dùng tài khoản. Vui lòng liên hệ trực tiếp, hoặc mời lại bằng /moi.").format(
        name=name, units=units, channel=channel.capitalize())


def nudge(o: Obligation, today: date, calendar: WorkCalendar, who: str, *, can_reply: bool) -> str:
    base = reminder(o, 1 if o.due < today else 0, today, calendar, can_reply=can_reply)
    return _("📣 {who} nhắc:").format(who=who) + "\n" + base
