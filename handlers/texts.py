"""Wording only handlers use: a report's one-line summary, the note about a merged unit, and a note
placed above the first reply."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import tzinfo

from handlers.core import Context
from locales import _, format_date, format_number
from models.chat import Reply
from models.registry import Succession
from models.review import Review, review_note, review_of
from models.status import Item
from models.store.tables import ReportStatus
from models.wording import STATUS_ICON, short, status_label


def report_summary(item: Item, tz: tzinfo) -> str:
    """'🔵 Đang thực hiện 80% · dn=5 · “Đã hỗ trợ…” (20/11/2025, bản 2, nộp muộn)'."""
    report = item.report
    if report is None:
        if item.obligation.exemption:
            return "⚪ " + _("miễn nộp: {reason}").format(reason=item.obligation.exemption)
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
    if item.reported:
        meta.append(review_note(report))  # "mới" (waiting for review) or "đã tiếp nhận"
        return " · ".join(parts) + f" ({', '.join(meta)})"
    # Returned or withdrawn: not reported until a new version; what came back says why first.
    return f"↩️ {review_note(report)} · " + " · ".join(parts) + f" ({', '.join(meta)})"


def review_mark(item: Item) -> str:
    """" — ↩️ trả lại: <ý kiến>" after an overdue line whose latest version was returned or withdrawn."""
    if item.report is None or item.reported:
        return ""
    return f" — ↩️ {review_note(item.report)}"

def review_counts(ctx: Context, items: Sequence[Item]) -> str:
    """"📥 Chờ tiếp nhận: 3 báo cáo · trả lại: 1" (plans with review on; nothing when nothing waits)."""
    states = {}
    for item in items:
        plan = ctx.catalog.plans.get(item.obligation.plan_id)
        if item.report is not None and plan is not None and plan.review:
            states[(item.obligation.assignment_id, item.obligation.period_id)] = review_of(item.report)
    waiting = sum(1 for s in states.values() if s is Review.new)
    returned = sum(1 for s in states.values() if s is Review.returned)
    if not waiting and not returned:
        return ""
    return _("📥 Chờ tiếp nhận: {waiting} báo cáo · trả lại: {returned}. Gõ /tiepnhan hoặc /tralai.").format(
        waiting=waiting, returned=returned)


def succession_note(steps: Sequence[Succession]) -> str:
    """"Sở TT&TT" typed after the merger: say which unit it led to, and since when."""
    lines = []
    for step in steps:
        if step.kind == "retire":
            lines.append(_("{former} đã kết thúc hoạt động từ {day}; nhiệm vụ chuyển về {current}.").format(
                former=step.former_name, day=format_date(step.since), current=step.current_name))
        else:
            lines.append(_("{former} đã hợp nhất vào {current} từ {day}.").format(
                former=step.former_name, current=step.current_name, day=format_date(step.since)))
    return "\n".join(lines)

def with_note(note: str, replies: list[Reply]) -> list[Reply]:
    """The note above the first reply (one message, not two)."""
    if not note or not replies:
        return replies
    return [replace(replies[0], text=f"{note}\n\n{replies[0].text}"), *replies[1:]]
