"""What a person may report on now: their units, each unit's open items, and the checks behind a
reminder's button or a reply to it."""

from __future__ import annotations

from datetime import date

from handlers.core import Context
from handlers.report_draft import Draft
from locales import _
from models.chat import Reply
from models.obligations import FAR_FUTURE, obligations
from models.status import Item, snapshot, with_reports
from models.store.audit import record
from models.store.tables import Role, Unit
from models.wording import period_of


def reporter_units(ctx: Context) -> list[Unit]:
    """Units this person may report for: their own, or every unit in force for a coordinator."""
    if Role.coordinator in ctx.identity.roles:
        return [u for u in ctx.catalog.units.values() if u.active]
    return [ctx.catalog.units[i] for i in ctx.identity.focal_units if i in ctx.catalog.units]


async def unit_items(ctx: Context, unit_id: int) -> list[Item]:
    """What one unit can report on now (computed once per message)."""
    key = f"items:{unit_id}"
    if key not in ctx.memo:
        ctx.memo[key] = (await snapshot(ctx.session, ctx.plans, ctx.today, unit_ids=[unit_id], values=False,
                                        cached=ctx.obligations)).reportable()
    return ctx.memo[key]


async def units_with_items(ctx: Context, units: list[Unit], task_ids: list[int] | None) -> list[Unit]:
    state = await snapshot(ctx.session, ctx.plans, ctx.today, unit_ids=[u.id for u in units], task_ids=task_ids,
                           values=False, cached=ctx.obligations)
    having = {i.obligation.unit_id for i in state.reportable()}
    return [u for u in units if u.id in having]


async def choice_items(ctx: Context, draft: Draft) -> list[Item]:
    """The items a choosing step offered, still open (a plan reload may have closed one)."""
    if draft.unit_id is None:
        return []
    by_key = {(i.obligation.assignment_id, i.obligation.period_id): i for i in await unit_items(ctx, draft.unit_id)}
    return [by_key[(a, p)] for a, p in draft.choices if (a, p) in by_key]


async def resolve_pair(ctx: Context, assignment_id: int, period_id: int) -> Item | list[Reply]:
    """The obligation behind a reminder (its button or a reply to it), if this person may report on it."""
    found = await obligations(ctx.session, [p.id for p in ctx.plans], due_from=date.min, due_to=FAR_FUTURE,
                              as_of=ctx.today, assignment_ids=[assignment_id], period_ids=[period_id])
    if not found:
        return [Reply(_("Không tìm thấy nhiệm vụ hoặc kỳ báo cáo này nữa (kế hoạch có thể vừa được cập nhật). "
                        "Gõ /baocao để chọn lại."))]
    o = found[0]
    if Role.coordinator not in ctx.identity.roles and o.unit_id not in ctx.identity.focal_units:
        return await refuse_other_unit(ctx, o.unit_id, o.task_id)
    return (await with_reports(ctx.session, found))[0]


def choose(draft: Draft, item: Item) -> None:
    """Keep what the later steps and the confirmation need, so that they need no lookups."""
    o = item.obligation
    draft.assignment_id, draft.period_id, draft.task_id, draft.unit_id = (o.assignment_id, o.period_id, o.task_id,
                                                                          o.unit_id)
    draft.task_code, draft.task_title, draft.unit_code = o.task_code, o.task_title, o.unit_code
    draft.due, draft.period = o.due, period_of(o)
    draft.choices = []


async def refuse_other_unit(ctx: Context, unit_id: int, task_id: int | None) -> list[Reply]:
    unit = ctx.catalog.units.get(unit_id)
    task = ctx.catalog.tasks.get(task_id) if task_id else None
    await record(ctx.session, ctx.actor, "access.denied", "report", task.code if task else "",
                 {"unit": unit.code if unit else None}, member_id=ctx.member_id)
    mine = ", ".join(ctx.name_of(u) for u in reporter_units(ctx)) or "?"
    who = await ctx.who_to_ask()
    return [Reply(_("Nhiệm vụ {task} của {unit} không thuộc đơn vị anh/chị phụ trách ({mine}), nên không báo cáo "
                    "thay được. Nếu cần, vui lòng liên hệ {who}.").format(
        task=task.code if task else "", unit=ctx.name_of(unit), mine=mine, who=who))]
