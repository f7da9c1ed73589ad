"""What the bot's own messages say: reminders, escalations, nudges (in the recipient's language).

A reminder carries everything due for one person at one moment, in two groups: what is coming due
("Sắp đến hạn", worded as an invitation) and what is overdue ("Quá hạn", where the unit "chưa gửi").
Items of several plans are grouped by plan. Texts are composed just before sending, from the items as
they were claimed (models/outbox.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from itertools import groupby

from locales import _, format_date, format_day, ngettext
from models.outbox import Item
from models.rules.periods import period_label
from models.rules.workdays import WorkCalendar
from models.wording import deadline, deadline_note, round_name, short

TITLE = 90  # characters of a task's title in a list: a phone line and a half


def _overdue(item: Item, today: date) -> bool:
    return item.due < today


def _extended(item: Item) -> str:
    """" (đã gia hạn, hạn gốc 16/12/2025)" after an extended deadline."""
    if item.original_due is None:
        return ""
    return " " + _("(đã gia hạn, hạn gốc {due})").format(due=format_date(item.original_due))


def _example(items: Sequence[Item]) -> str:
    """A one-line answer built from the first task's own indicators ("80% dn=5 …")."""
    figures = " ".join(f"{code}=5" for code in items[0].indicators[:2])
    return " ".join(part for part in ("80%", figures, _("ghi chú ngắn")) if part)


def _how(items: Sequence[Item], *, can_reply: bool) -> str:
    if len(items) > 1:
        return _("Bấm “Báo cáo ngay” để chọn nhiệm vụ, hoặc gõ /baocao.")
    if can_reply:
        return _("Bấm “Báo cáo ngay”, hoặc trả lời tin này bằng một dòng, ví dụ: {example}").format(
            example=_example(items))
    return _("Bấm “Báo cáo ngay”, hoặc gõ /baocao.")


def _units(items: Sequence[Item]) -> str:
    return ", ".join(dict.fromkeys(i.unit_name for i in items))


def _lines(items: Sequence[Item], today: date, calendar: WorkCalendar, *, plans: bool) -> list[str]:
    """Items as a list, by plan when the message spans several, each with its deadline on its own line."""
    lines: list[str] = []
    units = len({i.unit for i in items}) > 1
    for plan, in_plan in groupby(sorted(items, key=lambda i: (i.plan, i.due, i.unit, i.task)), key=lambda i: i.plan):
        if plans:
            lines.append(f"▸ {plan}")
        for item in in_plan:
            unit = f"{item.unit} · " if units else ""
            lines.append(f"• {unit}{item.task} · {period_label(item.every, item.period, item.schedule)} — "
                         f"{short(item.title, TITLE)}")
            lines.append("  " + _when(item, today, calendar))
    return lines


def _when(item: Item, today: date, calendar: WorkCalendar) -> str:
    """The deadline, or for a meeting the day it is held."""
    if item.event:
        return _("Ngày tổ chức: {day}").format(day=deadline(item.due, today, calendar))
    return _("Hạn: {deadline}").format(deadline=deadline(item.due, today, calendar)) + _extended(item)


def _event_head(item: Item, today: date, calendar: WorkCalendar, title: str) -> str:
    """A meeting is not a report to write: the unit is asked to hold it, then to say it took place."""
    if _overdue(item, today):
        return _("⚠️ {unit} chưa báo cáo về {round} ({task}), ngày {day}: đề nghị báo cáo đã tổ chức (ngày nào) "
                 "và gửi biên bản hội nghị.").format(unit=item.unit_name, task=item.task, round=title,
                                                     day=format_day(item.due))
    if item.due == today:
        return _("⏰ Hôm nay: {round} ({task}) của {unit}. Sau hội nghị, đề nghị báo cáo đã tổ chức và gửi biên "
                 "bản.").format(unit=item.unit_name, task=item.task, round=title)
    return _("⏰ {round} ({task}) của {unit}: ngày {day} {note}. Sau hội nghị, đề nghị báo cáo đã tổ chức và gửi "
             "biên bản.").format(unit=item.unit_name, task=item.task, round=title, day=format_day(item.due),
                                 note=deadline_note(item.due, today, calendar))


def reminder(items: Sequence[Item], today: date, calendar: WorkCalendar, *, can_reply: bool) -> str:
    """One person's reminder: one item said in full, several as two lists."""
    coming = [i for i in items if not _overdue(i, today)]
    overdue = [i for i in items if _overdue(i, today)]
    if len(items) == 1:
        item = items[0]
        title = round_name(item.every, item.period, item.schedule)
        if item.event:
            head = _event_head(item, today, calendar, title)
        elif overdue:
            head = _("⚠️ Quá hạn: {unit} chưa gửi báo cáo {task} · {round}.").format(
                unit=item.unit_name, task=item.task, round=title)
        elif item.due == today:
            head = _("⏰ Hôm nay là hạn: đề nghị {unit} gửi báo cáo {task} · {round}.").format(
                unit=item.unit_name, task=item.task, round=title)
        else:
            head = _("⏰ Đề nghị {unit} gửi báo cáo {task} · {round} trước {day} {note}.").format(
                unit=item.unit_name, task=item.task, round=title, day=format_day(item.due),
                note=deadline_note(item.due, today, calendar))
        # A unit may owe reports under several plans: the reminder always says which one this is.
        lines = [head, _("Kế hoạch: {plan}").format(plan=item.plan), short(item.title, 160),
                 _when(item, today, calendar)]
    else:
        plans = list(dict.fromkeys(i.plan for i in items))
        lines = [ngettext("⏰ Nhắc việc: {units} có {n} báo cáo cần gửi.",
                          "⏰ Nhắc việc: {units} có {n} báo cáo cần gửi.", len(items)).format(
            units=_units(items), n=len(items))]
        if len(plans) == 1:
            lines.append(_("Kế hoạch: {plan}").format(plan=plans[0]))
        several = len(plans) > 1
        if coming:
            lines += ["", _("Sắp đến hạn — đề nghị gửi báo cáo trước hạn:"),
                      *_lines(coming, today, calendar, plans=several)]
        if overdue:
            lines += ["", _("Quá hạn — chưa gửi:"), *_lines(overdue, today, calendar, plans=several)]
        lines.append("")
    if overdue:
        lines.append(_("Báo cáo gửi muộn vẫn được ghi nhận."))
    lines.append(_how(items, can_reply=can_reply))
    return "\n".join(lines)


def nudge(items: Sequence[Item], today: date, calendar: WorkCalendar, who: str, *, can_reply: bool) -> str:
    return _("📣 {who} nhắc:").format(who=who) + "\n" + reminder(items, today, calendar, can_reply=can_reply)


def escalation(items: Sequence[Item], today: date, calendar: WorkCalendar, without_focal: Sequence[str]) -> str:
    """Overdue reports for a coordinator: by round, then by unit (names, not codes)."""
    units = {i.unit for i in items}
    lines = [ngettext("🚨 Báo cáo quá hạn: {n} báo cáo của {units} đơn vị chưa gửi.",
                      "🚨 Báo cáo quá hạn: {n} báo cáo của {units} đơn vị chưa gửi.", len(items)).format(
        n=len(items), units=len(units))]
    key: Callable[[Item], tuple] = lambda i: (i.plan, i.due, i.schedule, i.every, i.period)  # noqa: E731
    plans = len({i.plan for i in items}) > 1
    for (plan, due, _schedule, _every, _period), group in groupby(sorted(items, key=key), key=key):
        rows = list(group)
        first = rows[0]
        lines += ["", f"■ {plan + ' · ' if plans else ''}{round_name(first.every, first.period, first.schedule)} — "
                      + _("hạn {deadline}").format(deadline=deadline(due, today, calendar))]
        by_unit: dict[str, list[str]] = {}
        for row in rows:
            by_unit.setdefault(row.unit_name, []).append(row.task)
        lines += [f"• {unit}: {', '.join(sorted(tasks))}" for unit, tasks in sorted(by_unit.items())]
    if without_focal:
        lines += ["", _("Chưa có đầu mối đăng ký (bot không nhắc được): {units}. Gõ /moi <đơn vị> để mời.").format(
            units=", ".join(without_focal))]
    lines.append(_("Gõ /quahan để xem mọi báo cáo quá hạn, /nhacnho <đơn vị> để nhắc ngay."))
    return "\n".join(lines)


def unreachable(name: str, units: str, channel: str) -> str:
    return _("📵 Không gửi được tin nhắc cho {name} ({units}) qua {channel}: người này đã chặn bot hoặc "
             "không còn dùng tài khoản. Vui lòng liên hệ trực tiếp, hoặc mời lại bằng /moi.").format(
        name=name, units=units, channel=channel.capitalize())
