"""Where the plan stands: /tinhhinh (overall, a unit, a task), /quahan, /chuabaocao."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence

from handlers.core import READERS, REGISTERED, Context, Router
from handlers.report_extras import extras_for
from handlers.texts import report_summary, review_counts, review_mark, succession_note, with_note
from locales import N_, _, format_datetime
from models.callbacks import Button
from models.chat import Reply
from models.obligations import Obligation
from models.registry import current_of, focal_points, succession, unit_name
from models.status import Item, closed, snapshot
from models.store.audit import record
from models.store.tables import GrantStatus, Plan, ReportStatus, Unit
from models.wording import deadline_phrase, period_of, plans_named, round_title, short, status_label

router = Router()
LIST_LIMIT = 25  # lines per section; the rest is counted, the Excel export has everything
ROUNDS_SHOWN = 6  # rounds in the overall status; the rest is counted


@router.command("tinhhinh", "status", roles=REGISTERED, in_groups=True,
                help=N_("Tình hình thực hiện: chung, hoặc /tinhhinh <đơn vị | mã nhiệm vụ>"))
async def status(ctx: Context, args: str) -> list[Reply]:
    if not ctx.plans:
        return [Reply(_("Chưa có kế hoạch nào được nạp."))]
    reader = bool(ctx.identity.roles & READERS)
    if ctx.in_group and not reader:
        return [Reply(_("Trong nhóm chỉ cán bộ điều phối và lãnh đạo xem được tình hình; anh/chị vui lòng nhắn "
                        "riêng cho bot."))]
    plans, args = ctx.catalog.split_plan(args)
    if not args:
        if reader:
            return await _overall(ctx, plans)
        return [await _unit_status(ctx, unit_id, plans) for unit_id in ctx.identity.focal_units]
    tasks = ctx.catalog.find_tasks(args, plan_ids=[p.id for p in plans])
    if tasks:  # a code several plans use: each plan's task
        return [await _task_status(ctx, task.id, limit_to=None if reader else ctx.identity.focal_units)
                for task in tasks[:3]]
    units, steps = ctx.catalog.resolve_units(args, on=ctx.today)
    if len(steps) == 1 and len(units) == 1:
        # One unit that has ended is named ("Long Hồ"): its own history, which says who carries its work now.
        units, steps = [steps[0].former], []
    if not reader:
        mine = [u for u in units if u.id in ctx.identity.focal_units]
        if units and not mine:
            await record(ctx.session, ctx.actor, "access.denied", "status", units[0].code, member_id=ctx.member_id)
            who = await ctx.who_to_ask()
            return [Reply(_("Anh/chị chỉ xem được tình hình của đơn vị mình. Để xem đơn vị khác, vui lòng liên hệ "
                            "{who}.").format(who=who))]
        units = mine
    if len(units) == 1:
        return with_note(succession_note(steps), [await _unit_status(ctx, units[0].id, plans)])
    if len(units) > 1:
        options = tuple(ctx.button(f"{u.code} — {short(ctx.name_of(u), 40)}", StatusOfUnit(unit=u.id))
                        for u in units[:30])
        return [Reply(_("“{text}” khớp với nhiều đơn vị; chọn một:").format(text=short(args, 60)), options)]
    return [Reply(_("Không tìm thấy đơn vị hay nhiệm vụ “{text}”. Ví dụ: /tinhhinh SCT hoặc /tinhhinh II.3").format(
        text=short(args, 60)))]


@dataclasses.dataclass(frozen=True, kw_only=True)
class StatusOfUnit(Button, prefix="ti"):
    unit: int


@router.button(StatusOfUnit, roles=REGISTERED, in_groups=True)
async def status_choice(ctx: Context, button: StatusOfUnit) -> list[Reply]:
    """One unit picked among several that matched /tinhhinh: the same rule as the command."""
    if not ctx.plans or button.unit not in ctx.catalog.units:
        return [Reply(_("Lựa chọn không hợp lệ."))]
    reader = bool(ctx.identity.roles & READERS)
    if ctx.in_group and not reader:
        return [Reply(_("Trong nhóm chỉ cán bộ điều phối và lãnh đạo xem được tình hình; anh/chị vui lòng nhắn "
                        "riêng cho bot."))]
    if not reader and button.unit not in ctx.identity.focal_units:
        return [Reply(_("Anh/chị chỉ xem được tình hình của đơn vị mình."))]
    return [await _unit_status(ctx, button.unit, ctx.plans)]


@router.command("quahan", "overdue", roles=READERS, in_groups=True, help=N_("Các báo cáo quá hạn chưa nộp"))
async def overdue(ctx: Context, args: str) -> list[Reply]:
    if not ctx.plans:
        return [Reply(_("Chưa có kế hoạch nào được nạp."))]
    plans, _rest = ctx.catalog.split_plan(args)
    items = (await snapshot(ctx.session, plans, ctx.today, values=False)).overdue
    if not items:
        return [Reply(_("Không có báo cáo nào quá hạn. 👍"))]
    calendar = ctx.calendar
    by_unit: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_unit[f"{item.obligation.unit_code} — {item.obligation.unit_name}"].append(item)
    lines = [_("⏰ Quá hạn chưa báo cáo: {n} báo cáo của {units} đơn vị").format(n=len(items), units=len(by_unit))]
    shown = 0
    for unit, unit_items in sorted(by_unit.items(), key=lambda kv: -len(kv[1])):
        if shown >= LIST_LIMIT:
            break
        lines.append("")
        lines.append(f"{unit}")
        for item in unit_items[:LIST_LIMIT - shown]:
            o = item.obligation
            lines.append(f"• {_in_plan(o, plans)}{o.task_code} · {period_of(o)} — "
                         f"{deadline_phrase(o, ctx.today, calendar)}{review_mark(item)}")
            shown += 1
    if shown < len(items):
        lines.append(_("… và {n} báo cáo khác (gõ /xuat để nhận bảng đầy đủ).").format(n=len(items) - shown))
    return [Reply("\n".join(lines))]


@router.command("chuabaocao", "missing", roles=READERS, in_groups=True,
                help=N_("Đơn vị chưa báo cáo kỳ đang mở"))
async def missing(ctx: Context, args: str) -> list[Reply]:
    if not ctx.plans:
        return [Reply(_("Chưa có kế hoạch nào được nạp."))]
    plans, _rest = ctx.catalog.split_plan(args)
    items = [i for i in (await snapshot(ctx.session, plans, ctx.today, values=False)).current if i.missing]
    if not items:
        return [Reply(_("Mọi đơn vị đã báo cáo cho các kỳ đang mở. 👍"))]
    calendar = ctx.calendar
    groups = _rounds(items)
    lines = [_("Chưa báo cáo kỳ đang mở: {n}").format(n=len(items))]
    for _key, group in groups[:ROUNDS_SHOWN]:
        first = group[0].obligation
        lines.append("")
        lines.append(f"■ {_in_plan(first, plans)}{round_title(first)} — {deadline_phrase(first, ctx.today, calendar)}")
        by_unit: dict[str, list[str]] = defaultdict(list)
        for item in group:
            by_unit[item.obligation.unit_code].append(item.obligation.task_code)
        for unit, tasks in sorted(by_unit.items()):
            lines.append(f"• {unit}: {', '.join(tasks)}")
    if len(groups) > ROUNDS_SHOWN:
        lines.append(_("… và {n} kỳ báo cáo khác (xem bảng /xuat).").format(n=len(groups) - ROUNDS_SHOWN))
    return [Reply("\n".join(lines))]


def _rounds(items: Sequence[Item]) -> list[tuple[tuple, list[Item]]]:
    """Items by reporting round (a plan's schedule and period), in deadline order."""
    groups: dict[tuple, list[Item]] = defaultdict(list)
    for item in items:
        o = item.obligation
        groups[(o.due, o.plan_code, o.schedule_code, o.period_key)].append(item)
    return sorted(groups.items())


def _in_plan(o: Obligation, plans: Sequence[Plan]) -> str:
    """"KH 3064 – Năng suất · " before a round or an item, when several plans are in view."""
    return f"{o.plan_short} · " if len(plans) > 1 else ""


# --- views ------------------------------------------------------------------------------------


async def _overall(ctx: Context, plans: Sequence[Plan]) -> list[Reply]:
    state = await snapshot(ctx.session, plans, ctx.today, values=False)
    current, recent, overdue = state.current, state.recent, state.overdue
    calendar = ctx.calendar
    lines = [_("📊 Tình hình thực hiện {plans} — {at}").format(
        plans=plans_named(plans), at=format_datetime(ctx.now, ctx.config.tz))]
    ordered = _rounds([*recent, *current])
    if not ordered:
        lines.append(_("Không có kỳ báo cáo nào đang mở."))
    for _key, group in ordered[:ROUNDS_SHOWN]:
        first = group[0].obligation
        done = sum(1 for i in group if i.reported)
        lines.append("")
        lines.append(f"■ {_in_plan(first, plans)}{round_title(first)} — {deadline_phrase(first, ctx.today, calendar)}")
        lines.append("  " + _("Đã báo cáo {done}/{total}").format(done=done, total=len(group)) + _counts(group))
    if len(ordered) > ROUNDS_SHOWN:
        lines.append(_("… và {n} kỳ báo cáo khác (xem bảng /xuat).").format(n=len(ordered) - ROUNDS_SHOWN))
    everything = [*recent, *current]
    blocked = [i for i in everything if i.reported and i.report and i.report.status == ReportStatus.blocked]
    if blocked:
        lines.append("")
        lines.append(_("⚠️ Vướng mắc cần xử lý:"))
        for item in blocked[:10]:
            text = item.report.obstacles or item.report.note if item.report else ""
            lines.append(f"• {item.obligation.unit_code} · {item.obligation.task_code}: {short(text, 100)}")
    if review := review_counts(ctx, [*everything, *overdue]):
        lines += ["", review]
    if overdue:
        units = sorted({i.obligation.unit_code for i in overdue})
        lines.append("")
        lines.append(_("⏰ Quá hạn chưa báo cáo: {n} ({units}). Gõ /quahan để xem chi tiết.").format(
            n=len(overdue), units=", ".join(units[:12]) + (" …" if len(units) > 12 else "")))
    waiting = sorted({i.obligation.unit_code for i in current if i.missing})
    if waiting:
        lines.append(_("Chưa báo cáo kỳ đang mở: {units}. Gõ /chuabaocao để xem chi tiết.").format(
            units=", ".join(waiting[:15]) + (" …" if len(waiting) > 15 else "")))
    return [Reply("\n".join(lines))]


def _counts(items: Sequence[Item]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for item in items:
        if item.reported and item.report:
            counts[item.report.status] += 1
    if not counts:
        return ""
    order = [ReportStatus.done, ReportStatus.in_progress, ReportStatus.blocked, ReportStatus.not_started]
    return " · " + " · ".join(f"{status_label(s)} {counts[s]}" for s in order if counts.get(s))


async def _unit_status(ctx: Context, unit_id: int, plans: Sequence[Plan]) -> Reply:
    """A unit's own open and overdue reports, and what it inherited: the reports still owed by units merged
    into it for tasks it now reports on, marked "(trước đây: …)", and the tasks it took over, marked
    "(nhận từ …)". A unit that has ended shows its own history only."""
    unit = await ctx.session.get(Unit, unit_id)
    assert unit is not None
    inherited = ctx.catalog.inherited(unit_id)
    former = {u.id: u for u in ctx.catalog.predecessors(unit_id) if u.id in inherited}
    state = await snapshot(ctx.session, plans, ctx.today, unit_ids=[unit_id, *former])

    def own(item: Item) -> bool:
        o = item.obligation
        return o.unit_id == unit_id or o.task_id in inherited.get(o.unit_id, ())

    current, overdue = [i for i in state.current if own(i)], [i for i in state.overdue if own(i)]
    calendar = ctx.calendar

    def was(o) -> str:
        if o.unit_id in former:
            old = former[o.unit_id]
            return " " + _("(trước đây: {name})").format(name=unit_name(old, old.valid_to))
        came = ctx.catalog.taken_over(o.task_id, o.assignment_id)
        if not came:
            return ""
        names = [unit_name(u, u.valid_to) for u in came] if len(came) <= 2 else [u.code for u in came]
        return " " + _("(nhận từ {names})").format(names=", ".join(names))

    # A unit owing reports in several plans: each line says which plan (task codes repeat across plans).
    several = len({i.obligation.plan_id for i in (*current, *overdue)}) > 1

    def due_line(o) -> str:
        plan = f"{o.plan_short} · " if several else ""
        return f"• {plan}{o.task_code} · {period_of(o)} — {deadline_phrase(o, ctx.today, calendar)}{was(o)}"

    lines = [f"🏢 {ctx.name_of(unit)} ({unit.code})"]
    if unit.valid_to is not None and unit.valid_to < ctx.today:
        successor = current_of(ctx.catalog.units, unit, ctx.today)
        if successor is not None:
            lines.append(succession_note([succession(unit, successor, ctx.catalog.ended_by)]))
    people = await focal_points(ctx.session, [unit_id], ctx.today)
    if people:
        names = [m.display_name + (" " + _("(chờ xác nhận)") if grant_status == GrantStatus.pending else "")
                 for _unit, m, grant_status in people]
        lines.append(_("Đầu mối: {names}").format(names=", ".join(names)))
    if overdue:
        lines.append("")
        lines.append(_("⏰ Quá hạn chưa báo cáo:"))
        lines += [due_line(item.obligation) + review_mark(item) for item in overdue[:LIST_LIMIT]]
    gone = await closed(ctx.session, plans, ctx.today, unit_ids=[unit_id, *former])
    if gone:
        lines.append("")
        lines.append(_("Không còn phải nộp:"))
        lines += [f"• {o.task_code} · {period_of(o)}{was(o)} — {o.exemption}" for o in (i.obligation for i in gone)
                  ][:LIST_LIMIT]
    if current:
        lines.append("")
        lines.append(_("Kỳ đang mở:"))
        extras = await extras_for(ctx, current[:LIST_LIMIT])
        for item in current[:LIST_LIMIT]:
            o = item.obligation
            lines.append(due_line(o))
            lines.append(f"  {short(o.task_short_title or o.task_title, 90)}")  # messages: the short title
            lines.append(f"  {report_summary(item, ctx.config.tz)}{extras.files_note(item)}")
            lines += [f"  {line}" for line in extras.lines(item)]
    recent = [i for i in state.recent if i.reported and i.obligation.unit_id in former and own(i)]
    if recent:
        lines.append("")
        lines.append(_("Đã báo cáo gần đây (đơn vị trước đây):"))
        for item in recent[:LIST_LIMIT]:
            o = item.obligation
            lines.append(f"• {o.task_code} · {period_of(o)}{was(o)}: {report_summary(item, ctx.config.tz)}")
    if not overdue and not current:
        lines.append(_("Đơn vị không có kỳ báo cáo nào đang mở."))
    followed = _followed_only(ctx, unit_id)
    if followed:
        lines.append(_("Nhiệm vụ được theo dõi, không hỏi báo cáo: {tasks}").format(tasks=", ".join(followed)))
    return Reply("\n".join(lines))


def _followed_only(ctx: Context, unit_id: int) -> list[str]:
    """The unit's tasks that are followed but never asked (`report_by: none`): shown, not chased."""
    return sorted({t.code for t in ctx.catalog.tasks.values() if t.report_by == "none" and t.plan_id in
                   {p.id for p in ctx.plans} and any(a.unit_id == unit_id and a.in_force(ctx.today)
                                                     for a in t.assignments)})


async def _task_status(ctx: Context, task_id: int, *, limit_to: tuple[int, ...] | None) -> Reply:
    task = ctx.catalog.tasks[task_id]
    units = ctx.catalog.units
    lead = [units[a.unit_id].code for a in task.assignments if a.role == "lead" and a.in_force(ctx.today)]
    support = [units[a.unit_id].code for a in task.assignments if a.role == "support" and a.in_force(ctx.today)]
    unit_ids = [uid for uid in task.reporting_units(ctx.today) if limit_to is None or uid in limit_to]
    current: list[Item] = []
    overdue: list[Item] = []
    if unit_ids:
        state = await snapshot(ctx.session, ctx.plans, ctx.today, unit_ids=unit_ids, task_ids=[task_id])
        current, overdue = state.current, state.overdue
    calendar = ctx.calendar
    # Task codes repeat across plans: with several plans followed, the task says whose it is.
    plan = ctx.catalog.plans.get(task.plan_id)
    named = f"{plan.short} · " if plan is not None and len(ctx.catalog.plans) > 1 else ""
    lines = [f"📌 {named}{task.code} — {task.title}",
             _("Chủ trì: {lead}").format(lead=", ".join(lead) or "–")
             + (" · " + _("Phối hợp: {support}").format(support=", ".join(support)) if support else "")]
    for item in overdue[:LIST_LIMIT]:
        o = item.obligation
        lines.append(f"• {o.unit_code} · {period_of(o)} — ⏰ {deadline_phrase(o, ctx.today, calendar)}"
                     f"{review_mark(item)}")
    extras = await extras_for(ctx, current[:LIST_LIMIT])
    for item in current[:LIST_LIMIT]:
        o = item.obligation
        summary = report_summary(item, ctx.config.tz) + extras.files_note(item)
        lines.append(f"• {o.unit_code} · {period_of(o)}: {summary}")
        lines += [f"  {line}" for line in extras.lines(item)]
    if task.report_by == "none":  # followed, its units shown; nobody is asked or chased for it
        lines.append(_("Nhiệm vụ được theo dõi, không hỏi báo cáo: văn bản không yêu cầu các đơn vị này báo cáo."))
    elif not current and not overdue:
        lines.append(_("Không có kỳ báo cáo nào đang mở cho nhiệm vụ này."))
    return Reply("\n".join(lines))
