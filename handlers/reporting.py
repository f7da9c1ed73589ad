"""Progress reports: /baocao (guided, one question at a time), /bc (one line), a reply to a reminder,
and the "Báo cáo ngay" button under reminders.

All four fill one draft (handlers/report_draft.py) and go through one dialogue (handlers/report_steps.py),
which asks for whatever the draft still lacks and files the report when nothing is missing.
"""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import select

from handlers.contribution import support_contribution
from handlers.core import REPORTERS, Context, Router
from handlers.evidence import carry_drafts, offer
from handlers.oneline import LineError, ParsedLine, parse_line, parse_number
from handlers.report_draft import Cancel, Draft, Mode, Retry, Step
from handlers.report_items import choose, refuse_other_unit, reporter_units, resolve_pair, unit_items
from handlers.report_steps import STEPS, SUBMIT, next_step
from handlers.texts import succession_note, with_note
from locales import N_, _, format_day
from models.callbacks import ReportNow
from models.catalog import IndicatorInfo
from models.chat import Reply
from models.outbox import Item as QueuedItem
from models.reports import ReportInput, submit_report
from models.status import Item
from models.store.tables import Delivery, ReportStatus, Role
from models.wording import short, status_label

router = Router()
FLOW = "report"
EXAMPLE = "/bc II.3 80% dn=5 Đã hỗ trợ 5 doanh nghiệp áp dụng 5S"


# --- entry points ---------------------------------------------------------------------------


@router.command("baocao", "report", roles=REPORTERS, help=N_("Báo cáo tiến độ, hướng dẫn từng bước"))
async def guided(ctx: Context, args: str) -> list[Reply]:
    if not ctx.plans:
        return [Reply(_("Chưa có kế hoạch nào được nạp. Vui lòng báo quản trị viên."))]
    existing = await ctx.load_conversation()
    restarted = existing is not None and existing.flow == FLOW
    draft = Draft()
    units = reporter_units(ctx)
    if len(units) == 1:
        draft.unit_id = units[0].id
    if args:
        tasks = ctx.catalog.find_tasks(args)
        if tasks:
            draft.task_ids = [t.id for t in tasks]
        else:
            allowed = {u.id for u in units}
            matched = [u for u in ctx.catalog.find_units(args, on=ctx.today) if u.id in allowed]
            if len(matched) == 1:
                draft.unit_id = matched[0].id
    replies = await advance(ctx, draft, start=True)
    if restarted:
        replies.insert(0, Reply(_("Bắt đầu báo cáo mới; bản nháp trước chưa gửi đã được bỏ.")))
    return replies


@router.command("bc", "r", roles=REPORTERS, help=N_("Báo cáo nhanh một dòng, ví dụ: /bc II.3 80% dn=5 ghi chú"))
async def quick(ctx: Context, args: str) -> list[Reply]:
    if not ctx.plans:
        return [Reply(_("Chưa có kế hoạch nào được nạp. Vui lòng báo quản trị viên."))]
    if not args.strip():
        return [Reply(_("Báo cáo nhanh: /bc <mã nhiệm vụ> <phần trăm> <chỉ số=giá trị> <ghi chú>\n"
                        "Ví dụ: {example}\nHoặc gõ /baocao để được hỏi từng bước.").format(example=EXAMPLE))]
    try:
        parsed = parse_line(args, is_task=ctx.catalog.is_task_key)
    except LineError as error:
        return [Reply(line_error(error))]
    return await _from_line(ctx, parsed, raw=f"/bc {args}")


@router.fallback
async def plain_text(ctx: Context, text: str) -> list[Reply] | None:
    """A reply to a reminder, or a line that starts with a task code, is a quick report."""
    if not (ctx.identity.roles & REPORTERS) or not text:
        return None
    if ctx.incoming.reply_to_message_id:
        reminder = (await ctx.session.exec(select(Delivery).where(
            Delivery.channel == ctx.incoming.channel, Delivery.chat_id == ctx.incoming.chat_id,
            Delivery.external_message_id == ctx.incoming.reply_to_message_id))).first()
        pairs = _pairs(reminder.payload) if reminder is not None and reminder.member_id == ctx.member_id else []
        if pairs:
            try:
                parsed = parse_line(text, is_task=lambda _t: False, task_known=True)
            except LineError as error:
                return [Reply(line_error(error))]
            found, refusal = await _open_pairs(ctx, pairs)
            if not found:
                return refusal
            return await _with_values(ctx, draft_from_line(parsed, raw=text, via="reply"), parsed, items=found)
    first = text.split(maxsplit=1)[0].strip(",;:")
    if ctx.catalog.is_task_key(first):
        return await quick(ctx, text)
    return None


@router.button(ReportNow, roles=REPORTERS)
async def report_now(ctx: Context, button: ReportNow) -> list[Reply]:
    """"Báo cáo ngay" under a reminder: report on what it listed (a choice when it listed several)."""
    reminder = await ctx.session.get(Delivery, button.delivery)
    if reminder is None or reminder.member_id != ctx.member_id:
        return [Reply(_("Lựa chọn không hợp lệ. Gõ /baocao để báo cáo."))]
    found, refusal = await _open_pairs(ctx, _pairs(reminder.payload))
    if not found:
        return refusal
    return await _start_with(ctx, Draft(), found)


@router.flow(FLOW)
async def step(ctx: Context, text: str, choice: str | None) -> list[Reply]:
    assert ctx.conversation is not None
    draft = Draft.from_json(ctx.conversation.data)
    current = Step(ctx.conversation.step)
    spec = STEPS[current]
    if not text and choice is None:
        return await spec.prompt(ctx, draft)
    draft.typed.append(f"{current}: {text.strip() or f'[{choice}]'}")
    answer = await spec.take(ctx, draft, text.strip(), choice)
    if isinstance(answer, Cancel):
        await ctx.end_flow()
        return [Reply(_("Đã hủy; báo cáo chưa được gửi."))]
    if isinstance(answer, Retry):
        ctx.save_flow(current, draft.to_json())
        return [Reply(answer.message), *await spec.prompt(ctx, draft)]
    return await advance(ctx, draft)


# --- the flow -------------------------------------------------------------------------------------


async def advance(ctx: Context, draft: Draft, *, start: bool = False) -> list[Reply]:
    nxt = await next_step(ctx, draft)
    if isinstance(nxt, list):  # nothing to report on
        if ctx.conversation is not None and ctx.conversation.flow == FLOW:
            await ctx.end_flow()
        return nxt
    if nxt == SUBMIT:
        return await _submit(ctx, draft)
    step_ = Step(nxt)
    if start or ctx.conversation is None or ctx.conversation.flow != FLOW:
        await ctx.start_flow(FLOW, step_, draft.to_json())
    ctx.save_flow(step_, draft.to_json())
    return await STEPS[step_].prompt(ctx, draft)


async def _start_with(ctx: Context, draft: Draft, items: list[Item]) -> list[Reply]:
    """A draft about one of `items` (resolved and allowed): the item itself, or a choice among them."""
    if len(items) == 1:
        choose(draft, items[0])
    else:
        draft.unit_id = items[0].obligation.unit_id
        draft.choices = [[i.obligation.assignment_id, i.obligation.period_id] for i in items]
        if len({i.obligation.unit_id for i in items}) > 1:  # a person answering for several units
            draft.unit_id = None
            draft.task_ids = sorted({i.obligation.task_id for i in items})
            return await advance(ctx, draft, start=True)
    return await advance(ctx, draft, start=True)


async def _submit(ctx: Context, draft: Draft) -> list[Reply]:
    assert draft.assignment_id is not None and draft.period_id is not None and draft.due is not None
    assert draft.status is not None
    values = {int(k): v for k, v in draft.values.items() if v is not None}
    task = ctx.catalog.tasks.get(draft.task_id) if draft.task_id is not None else None
    plan = ctx.catalog.plans.get(task.plan_id) if task is not None else None
    report = await submit_report(
        ctx.session, assignment_id=draft.assignment_id, period_id=draft.period_id, due=draft.due, tz=ctx.config.tz,
        data=ReportInput(status=draft.status, percent=draft.percent,
                         values={k: Decimal(v) for k, v in values.items()},
                         note=draft.note, obstacles=draft.obstacles, proposals=draft.proposals,
                         raw_text=draft.raw or "\n".join(draft.typed), via=draft.via),
        # The platform's timestamp is fairer than ours if the bot was down, but a stamp from the
        # future (clock skew) is not trusted.
        member_id=ctx.member_id, channel=ctx.incoming.channel, at=min(ctx.incoming.at, ctx.now),
        review_on=plan.review if plan is not None else True)
    if ctx.conversation is not None and ctx.conversation.flow == FLOW:
        await ctx.end_flow()
    status = status_label(report.status)
    if report.percent is not None and report.status != ReportStatus.done:
        status += f" {report.percent}%"
    lines = [_("✅ Đã ghi nhận báo cáo {task} · {period} của {unit} (bản {version}): {status}.").format(
        task=draft.task_code, period=draft.period, unit=draft.unit_code, version=report.version, status=status)]
    if report.late:
        lines.append(_("Báo cáo gửi sau hạn {day}: đã được ghi nhận là nộp muộn.").format(day=format_day(draft.due)))
    elif report.version > 1:
        lines.append(_("Bản trước vẫn được lưu trong lịch sử."))
    this = (draft.assignment_id, draft.period_id)
    assert draft.unit_id is not None
    remaining = sorted({i.obligation.task_code for i in await unit_items(ctx, draft.unit_id) if i.missing
                        and (i.obligation.assignment_id, i.obligation.period_id) != this})
    if remaining:
        shown = remaining[:10]
        more = len(remaining) - len(shown)
        codes = ", ".join(shown) + (" " + _("… và {n} nhiệm vụ khác").format(n=more) if more else "")
        lines.append(_("Còn {n} nhiệm vụ chưa báo cáo: {codes}. Gõ /baocao để tiếp tục.").format(
            n=len(remaining), codes=codes))
    carried = await carry_drafts(ctx, report.id)
    if carried:
        lines.append(carried)
    if draft.mode == Mode.guided:  # the guided dialogue's last step: evidence files, or Bỏ qua
        return [Reply("\n".join(lines)), await offer(ctx, report.id)]
    return [Reply("\n".join(lines))]


# --- one line ---------------------------------------------------------------------------------------


def line_error(error: LineError) -> str:
    if error.kind == "no_task":
        return _("Chưa thấy mã nhiệm vụ trong tin nhắn. Viết ví dụ: {example}\n"
                 "Gõ /tinhhinh để xem mã các nhiệm vụ của đơn vị.").format(example=EXAMPLE)
    if error.kind == "percent":
        return _("Phần trăm “{value}%” không hợp lệ: cần một số nguyên từ 0 đến 100. Ví dụ: {example}").format(
            value=error.detail, example=EXAMPLE)
    if error.kind == "value":
        return _("“{value}” không phải một số hợp lệ. Viết chỉ số dạng mã=số, ví dụ dn=5 hoặc nsld=8,3.").format(
            value=error.detail)
    return _("Tin nhắn trống. Viết ví dụ: {example}").format(example=EXAMPLE)


def draft_from_line(parsed: ParsedLine, *, raw: str, via: str) -> Draft:
    return Draft(mode=Mode.quick, via=via, raw=raw, status=ReportStatus(parsed.status) if parsed.status else None,
                 percent=parsed.percent, note=parsed.note, obstacles=parsed.obstacles, proposals=parsed.proposals)


async def _from_line(ctx: Context, parsed: ParsedLine, *, raw: str) -> list[Reply]:
    draft = draft_from_line(parsed, raw=raw, via="oneline")
    tasks = ctx.catalog.find_tasks(parsed.task_token)
    draft.task_ids = [t.id for t in tasks]
    allowed = {u.id for u in reporter_units(ctx)}
    note = ""
    if parsed.unit_text:
        named, steps = ctx.catalog.resolve_units(parsed.unit_text, on=ctx.today)
        note = succession_note(steps)
        if not named:
            return [Reply(_("Không tìm thấy đơn vị “{text}”. Viết mã hoặc tên đơn vị trước mã nhiệm vụ, ví dụ: "
                            "/bc SCT IV.2.a 80%").format(text=short(parsed.unit_text, 60)))]
        inside = [u for u in named if u.id in allowed]
        if not inside:
            return await refuse_other_unit(ctx, named[0].id, tasks[0].id if tasks else None)
        if len(inside) == 1:
            draft.unit_id = inside[0].id
        else:
            draft.choices = [u.id for u in inside]
    # A focal point naming a task their unit does not report on gets a clear no.
    if Role.coordinator not in ctx.identity.roles and tasks:
        reporting = set().union(*(t.reporting_units(ctx.today) for t in tasks))
        if reporting and not reporting & allowed:
            contributed = await support_contribution(ctx, tasks, parsed, raw=raw)  # a support unit's part
            return contributed or await refuse_other_unit(ctx, min(reporting), tasks[0].id)
    return with_note(note, await _with_values(ctx, draft, parsed))


async def _with_values(ctx: Context, draft: Draft, parsed: ParsedLine, *, items: list[Item] | None = None
                       ) -> list[Reply]:
    """Check the line's indicator values against the task(s), then file or ask what is missing."""
    if parsed.values:
        task_ids = ([i.obligation.task_id for i in items] if items else draft.task_ids) or []
        allowed: dict[str, IndicatorInfo] = {}
        for task_id in task_ids:
            allowed.update({i.code.lower(): i for i in ctx.catalog.tasks[task_id].indicators})
        for code, raw in parsed.values.items():
            indicator = allowed.get(code.lower())
            if indicator is None:
                names = ", ".join(f"{i.code} ({i.name})" for i in allowed.values()) or _("không có chỉ số nào")
                return [Reply(_("Nhiệm vụ này không có chỉ số “{code}”. Chỉ số dùng được: {names}.").format(
                    code=code, names=names))]
            try:
                draft.values[str(indicator.id)] = str(parse_number(raw, indicator.type))
            except LineError:
                return [Reply(_("“{value}” không phải một số hợp lệ cho {code}. Ví dụ: {code}=5 hoặc {code}=12,5.")
                              .format(value=raw, code=indicator.code))]
    if items is not None:
        return await _start_with(ctx, draft, items)
    return await advance(ctx, draft, start=True)


# --- reminders' items -------------------------------------------------------------------------------


def _pairs(payload: dict) -> list[tuple[int, int]]:
    """The (assignment, period) pairs a reminder listed."""
    pairs = []
    for data in (payload or {}).get("items", []):
        try:
            item = QueuedItem.from_json(data)
        except (KeyError, TypeError, ValueError):
            continue
        pairs.append((item.assignment_id, item.period_id))
    return list(dict.fromkeys(pairs))


async def _open_pairs(ctx: Context, pairs: list[tuple[int, int]]) -> tuple[list[Item], list[Reply]]:
    """The items of `pairs` this person may report on, and what to say when there are none."""
    found: list[Item] = []
    refusal = [Reply(_("Tin nhắc này không còn nhiệm vụ nào để báo cáo. Gõ /baocao để chọn."))]
    for assignment_id, period_id in pairs:
        item = await resolve_pair(ctx, assignment_id, period_id)
        if isinstance(item, list):
            refusal = item
        else:
            found.append(item)
    return found, refusal
