"""A support unit's contribution ("đóng góp"): `/bc IV.1.a 80% …` from a unit listed as support for the task,
which has no report of its own to file. It is recorded beside the lead's report for the period the lead is
reporting on (models/contributions.py): shown to the lead unit and to coordinators with that report, never
counted as it, never chased. The sender is told plainly that it was recorded as a contribution."""

from __future__ import annotations

from collections.abc import Sequence

from handlers.core import Context
from handlers.oneline import ParsedLine
from locales import _
from models.catalog import TaskInfo
from models.chat import Reply
from models.contributions import contribute, summary
from models.status import Item, snapshot
from models.store.audit import record
from models.wording import period_of


def _supported(ctx: Context, tasks: Sequence[TaskInfo]) -> tuple[TaskInfo, int] | None:
    """The first of `tasks` one of the sender's units supports today, and that unit."""
    mine = set(ctx.identity.focal_units)
    for task in tasks:
        for a in task.assignments:
            if a.role == "support" and a.unit_id in mine and a.in_force(ctx.today):
                return task, a.unit_id
    return None


async def _lead_item(ctx: Context, task: TaskInfo) -> Item | None:
    """The lead's period a contribution goes with: the one coming due, else an overdue one."""
    leads = sorted(task.reporting_units(ctx.today))
    if not leads:
        return None
    state = await snapshot(ctx.session, ctx.plans, ctx.today, unit_ids=leads, task_ids=[task.id], values=False)
    found = [*state.current, *state.overdue, *state.recent]
    return found[0] if found else None


async def support_contribution(ctx: Context, tasks: Sequence[TaskInfo], parsed: ParsedLine, *, raw: str
                               ) -> list[Reply] | None:
    """The answer to a support unit's one-line report, or None when the sender supports none of `tasks`."""
    supported = _supported(ctx, tasks)
    if supported is None:
        return None
    task, unit_id = supported
    unit = ctx.catalog.units[unit_id]
    item = await _lead_item(ctx, task)
    if item is None:
        return [Reply(_("{unit} là đơn vị phối hợp nhiệm vụ {task}, nhưng nhiệm vụ này hiện không có kỳ báo cáo nào "
                        "đang mở để gửi đóng góp.").format(unit=unit.name, task=task.code))]
    if parsed.status is None:
        return [Reply(_("Đóng góp cho nhiệm vụ {task} cần tình trạng hoặc phần trăm, ví dụ: /bc {task} 80% Đã phối "
                        "hợp tổ chức hội thảo").format(task=task.code))]
    o = item.obligation
    row = await contribute(ctx.session, task_id=task.id, period_id=o.period_id, unit_id=unit_id,
                           member_id=ctx.member_id, channel=ctx.incoming.channel, status=parsed.status,
                           percent=parsed.percent, note=parsed.note or parsed.obstacles, raw_text=raw,
                           at=min(ctx.incoming.at, ctx.now))
    await record(ctx.session, ctx.actor, "contribution.submit", "contribution", row.id,
                 {"task": task.code, "unit": unit.code, "period": o.period_key}, member_id=ctx.member_id)
    lead = ", ".join(sorted(ctx.catalog.units[u].code for u in task.reporting_units(ctx.today)))
    return [Reply(_("🤝 Đã ghi nhận đóng góp của {unit} (đơn vị phối hợp) cho nhiệm vụ {task} · {period}: "
                    "{summary}.\nĐóng góp được hiển thị kèm báo cáo của đơn vị chủ trì ({lead}) cho cán bộ "
                    "điều phối; đây không phải báo cáo thay đơn vị chủ trì, và bot không nhắc đơn vị phối hợp "
                    "báo cáo.").format(
        unit=unit.code, task=task.code, period=period_of(o), summary=summary(row), lead=lead))]
