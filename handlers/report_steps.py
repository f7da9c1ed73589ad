"""The report dialogue's steps: for each, how it is asked and how an answer is taken.

`next_step` decides what the draft still lacks — in quick mode only what cannot be guessed (which
unit, task or period; the status), in guided mode every step and a final confirmation — so that
/baocao, /bc, a reply to a reminder and the "Báo cáo ngay" button share one flow. A new step is one
entry in STEPS (and its place in `next_step`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal

from handlers.core import Context
from handlers.oneline import LineError, parse_number, parse_percent, parse_status
from handlers.report_draft import Answer, Cancel, Draft, Mode, Ok, Retry, Step
from handlers.report_items import choice_items, choose, reporter_units, unit_items, units_with_items
from locales import _, format_day, format_number
from models.catalog import IndicatorInfo
from models.chat import Reply
from models.reports import MAX_TEXT
from models.rules.text import fold
from models.store.tables import ReportStatus
from models.wording import STATUS, deadline_phrase, period_of, short, status_label

STATUS_ORDER = [ReportStatus.not_started, ReportStatus.in_progress, ReportStatus.done, ReportStatus.blocked]
PERCENTS = [0, 25, 50, 75, 100]
YES = {"gui", "ok", "co", "dong y", "xac nhan", "yes", "send", "1"}
REDO = {"lam lai", "sua", "redo", "2"}
NO = {"huy", "khong", "cancel", "no", "3"}
SKIP = {"bo qua", "khong", "khong co", "skip", "none", "-"}
SUBMIT = "submit"


Prompt = Callable[[Context, Draft], Awaitable[list[Reply]]]
Take = Callable[[Context, Draft, str, str | None], Awaitable[Answer]]  # (ctx, draft, typed, option value)


@dataclass(frozen=True)
class StepSpec:
    prompt: Prompt
    take: Take


# --- deciding what comes next ----------------------------------------------------------------------


async def next_step(ctx: Context, draft: Draft) -> Step | str | list[Reply]:
    """The step to ask, SUBMIT when nothing is missing, or replies when there is nothing to report on."""
    if not draft.chosen:
        units = reporter_units(ctx)
        if draft.unit_id is None and len(units) != 1:
            candidates = await units_with_items(ctx, units, draft.task_ids)
            if not candidates:
                return [Reply(nothing_open(draft))]
            if len(candidates) == 1:
                draft.unit_id = candidates[0].id
            else:
                draft.choices = [u.id for u in candidates]
                return Step.unit
        draft.unit_id = draft.unit_id or units[0].id
        items = [i for i in await unit_items(ctx, draft.unit_id)
                 if not draft.task_ids or i.obligation.task_id in draft.task_ids]
        if not items:
            return [Reply(nothing_open(draft))]
        if len(items) > 1:
            draft.choices = [[i.obligation.assignment_id, i.obligation.period_id] for i in items]
            return Step.item
        choose(draft, items[0])
    if draft.status is None:
        return Step.status
    if draft.percent is None and draft.status in (ReportStatus.done, ReportStatus.not_started):
        draft.percent = 100 if draft.status == ReportStatus.done else 0
    if draft.mode == Mode.quick or draft.confirmed:
        return SUBMIT
    if draft.percent is None and Step.percent not in draft.asked:
        return Step.percent
    if Step.indicator not in draft.asked:
        pending = [i.id for i in indicators(ctx, draft) if str(i.id) not in draft.values]
        if pending:
            if draft.indicator not in pending:
                draft.indicator = pending[0]
            return Step.indicator
        draft.asked.append(Step.indicator)
    for step in (Step.note, Step.obstacles):
        if step not in draft.asked:
            return step
    if draft.obstacles and Step.proposals not in draft.asked:
        return Step.proposals
    return Step.confirm


def nothing_open(draft: Draft) -> str:
    if draft.task_ids:
        return _("Nhiệm vụ này hiện không có kỳ báo cáo nào đang mở cho đơn vị của anh/chị (hoặc đơn vị chỉ "
                 "phối hợp, không chủ trì báo cáo). Gõ /tinhhinh để xem nhiệm vụ của đơn vị.")
    return _("Hiện không có nhiệm vụ nào đang chờ báo cáo. Bot sẽ nhắc trước hạn kỳ tới.")


def indicators(ctx: Context, draft: Draft) -> tuple[IndicatorInfo, ...]:
    task = ctx.catalog.tasks.get(draft.task_id) if draft.task_id is not None else None
    return task.indicators if task else ()


def header(draft: Draft) -> str:
    if not draft.chosen or draft.due is None:
        return ""
    return _("📝 {unit} · {task} · hạn {due}").format(unit=draft.unit_code, task=draft.task_code,
                                                    due=format_day(draft.due)) + "\n"


def summary(ctx: Context, draft: Draft) -> str:
    lines = [header(draft).strip(), short(draft.task_title, 160)]
    status = status_label(draft.status or "")
    if draft.percent is not None and draft.status != ReportStatus.done:
        status += f" — {draft.percent}%"
    lines.append(_("Tình trạng: {status}").format(status=status))
    names = {str(i.id): i.name for i in indicators(ctx, draft)}
    for key, value in draft.values.items():
        if value is not None and key in names:
            lines.append(f"{names[key]}: {format_number(Decimal(value).normalize())}")
    if draft.note:
        lines.append(_("Ghi chú: {text}").format(text=draft.note))
    if draft.obstacles:
        lines.append(_("Vướng mắc: {text}").format(text=draft.obstacles))
    if draft.proposals:
        lines.append(_("Đề xuất: {text}").format(text=draft.proposals))
    return "\n".join(x for x in lines if x)


def _index(choice: str | None, prefix: str, typed: str, size: int) -> int | None:
    """The option picked: a button's value `<prefix>:<n>`, or a number typed from 1."""
    if choice and choice.startswith(prefix + ":") and choice[2:].isdigit() and int(choice[2:]) < size:
        return int(choice[2:])
    if typed.isdigit() and 1 <= int(typed) <= size:
        return int(typed) - 1
    return None


def _simple(typed: str) -> str:
    return " ".join(fold(word) for word in typed.lower().split())


# --- the steps -----------------------------------------------------------------------------------


async def _ask_unit(ctx: Context, draft: Draft) -> list[Reply]:
    units = [ctx.catalog.units[i] for i in draft.choices if i in ctx.catalog.units]
    options = [ctx.option(f"{u.code} — {short(ctx.name_of(u), 40)}", f"u:{n}") for n, u in enumerate(units)]
    return [Reply(_("Báo cáo cho đơn vị nào? Chọn, hoặc gõ tên/mã đơn vị."), tuple(options))]


async def _take_unit(ctx: Context, draft: Draft, typed: str, choice: str | None) -> Answer:
    index = _index(choice, "u", typed, len(draft.choices))
    if index is None and typed:
        found = [u.id for u in ctx.catalog.find_units(typed, on=ctx.today) if u.id in draft.choices]
        index = draft.choices.index(found[0]) if len(found) == 1 else None
    if index is None:
        return Retry(_("Chưa rõ đơn vị. Bấm một nút, hoặc gõ số thứ tự hay tên đơn vị, ví dụ “SCT”."))
    draft.unit_id = draft.choices[index]
    draft.choices = []
    return Ok()


async def _ask_item(ctx: Context, draft: Draft) -> list[Reply]:
    items = await choice_items(ctx, draft)
    plans = {i.obligation.plan_id for i in items}
    codes = {i.obligation.task_code for i in items}
    if len(plans) > 1 and len(codes) == 1:  # "/bc II.3" where two plans have a II.3
        names = "; ".join(dict.fromkeys(i.obligation.plan_short for i in items))
        lines = [_("Mã {code} có trong {n} kế hoạch ({names}). Chọn kế hoạch và kỳ báo cáo (bấm nút, hoặc gõ số "
                   "thứ tự hay tên kế hoạch):").format(code=codes.pop(), n=len(plans), names=names)]
    else:
        lines = [_("Chọn nhiệm vụ cần báo cáo (bấm nút hoặc gõ số thứ tự / mã nhiệm vụ):")]
    options = []
    for n, item in enumerate(items, start=1):
        o = item.obligation
        mark = " ✓" if item.reported else (" ⏰" if item.overdue(ctx.today) else "")
        # Items from several plans say which plan each is: task codes repeat across plans.
        plan = f"{o.plan_short} · " if len(plans) > 1 else ""
        lines.append(f"{n}. {plan}{o.task_code} · {period_of(o)} — {deadline_phrase(o, ctx.today, ctx.calendar)}"
                     f"{mark}\n   {short(o.task_short_title or o.task_title, 90)}")
        label = f"{short(o.plan_short, 22)} · " if plan else ""
        options.append(ctx.option(f"{n}. {label}{o.task_code} · {short(period_of(o), 24)}{mark}",
                                  f"i:{n - 1}"))
    if any(i.reported for i in items):
        lines.append(_("✓ đã báo cáo (gửi lại để cập nhật) · ⏰ quá hạn"))
    return [Reply("\n".join(lines), tuple(options))]


async def _take_item(ctx: Context, draft: Draft, typed: str, choice: str | None) -> Answer:
    items = await choice_items(ctx, draft)
    index = _index(choice, "i", typed, len(items))
    if index is None and typed:
        key = fold(typed)
        matches = [n for n, i in enumerate(items) if key in ctx.catalog.tasks[i.obligation.task_id].keys]
        if not matches:  # a plan's name: "kh 3064", "chuyển đổi số"
            in_plans = {p.id for p in ctx.catalog.find_plans(typed)}
            matches = [n for n, i in enumerate(items) if i.obligation.plan_id in in_plans]
        if len(matches) == 1:
            index = matches[0]
        elif len(matches) > 1:
            draft.choices = [[items[n].obligation.assignment_id, items[n].obligation.period_id] for n in matches]
            return Retry(_("Nhiệm vụ này có nhiều kỳ báo cáo đang mở; chọn kỳ:"))
    if index is None:
        return Retry(_("Chưa rõ nhiệm vụ. Bấm một nút, hoặc gõ số thứ tự (ví dụ 1) hay mã nhiệm vụ (ví dụ II.3)."))
    choose(draft, items[index])
    return Ok()


async def _ask_status(ctx: Context, draft: Draft) -> list[Reply]:
    options = [ctx.option(f"{n}. {_(STATUS[s])}", f"s:{s}") for n, s in enumerate(STATUS_ORDER, start=1)]
    return [Reply(header(draft) + _("Tình trạng thực hiện? (bấm nút hoặc gõ 1–4)"), tuple(options), columns=2)]


async def _take_status(ctx: Context, draft: Draft, typed: str, choice: str | None) -> Answer:
    status = choice[2:] if choice and choice.startswith("s:") else None
    if status is None and typed.isdigit() and 1 <= int(typed) <= 4:
        status = STATUS_ORDER[int(typed) - 1]
    status = status or (parse_status(typed) if typed else None)
    if status not in STATUS_ORDER:
        return Retry(_("Chưa rõ tình trạng. Bấm một nút, hoặc gõ 1 (chưa triển khai), 2 (đang thực hiện), "
                       "3 (hoàn thành), 4 (gặp vướng mắc)."))
    draft.status = ReportStatus(status)
    return Ok()


async def _ask_percent(ctx: Context, draft: Draft) -> list[Reply]:
    options = [ctx.option(f"{p}%", f"p:{p}") for p in PERCENTS]
    return [Reply(header(draft) + _("Đã hoàn thành khoảng bao nhiêu phần trăm? Bấm nút hoặc gõ số, ví dụ 80."),
                  tuple(options), columns=5, numbered=False)]


async def _take_percent(ctx: Context, draft: Draft, typed: str, choice: str | None) -> Answer:
    value = int(choice[2:]) if choice and choice.startswith("p:") and choice[2:].isdigit() else parse_percent(typed)
    if value is None or value > 100:
        return Retry(_("Phần trăm là một số từ 0 đến 100, ví dụ 80 hoặc 80%."))
    draft.percent = value
    draft.asked.append(Step.percent)
    return Ok()


def _current_indicator(ctx: Context, draft: Draft) -> IndicatorInfo | None:
    return next((i for i in indicators(ctx, draft) if i.id == draft.indicator), None)


async def _ask_indicator(ctx: Context, draft: Draft) -> list[Reply]:
    indicator = _current_indicator(ctx, draft)
    if indicator is None:  # the plan changed under the draft: the value is no longer asked
        return await _ask_note(ctx, draft)
    example = {"int": "5", "decimal": "12,5", "percent": "8,3"}.get(indicator.type, "5")
    unit = f" ({indicator.measure})" if indicator.measure else ""
    return [Reply(header(draft) + _("{name}{unit} trong kỳ này? Gõ một số, ví dụ {example}.").format(
        name=indicator.name, unit=unit, example=example), (ctx.option(_("Bỏ qua"), "skip"),), numbered=False)]


async def _take_indicator(ctx: Context, draft: Draft, typed: str, choice: str | None) -> Answer:
    indicator = _current_indicator(ctx, draft)
    if indicator is None:
        draft.asked.append(Step.indicator)
        return Ok()
    if choice == "skip" or _simple(typed) in SKIP:
        draft.values[str(indicator.id)] = None
    else:
        try:
            draft.values[str(indicator.id)] = str(parse_number(typed, indicator.type))
        except LineError:
            return Retry(_("“{text}” không phải một số hợp lệ. Gõ số, ví dụ 5 hoặc 12,5 (dấu phẩy là phần thập "
                           "phân), hoặc bấm Bỏ qua.").format(text=short(typed, 30)))
    draft.indicator = None
    return Ok()


async def _ask_note(ctx: Context, draft: Draft) -> list[Reply]:
    return [Reply(header(draft) + _("Kết quả chính hoặc ghi chú ngắn? (gõ nội dung, hoặc Bỏ qua)"),
                  (ctx.option(_("Bỏ qua"), "skip"),), numbered=False)]


async def _ask_obstacles(ctx: Context, draft: Draft) -> list[Reply]:
    if draft.status == ReportStatus.blocked:
        return [Reply(header(draft) + _("Vướng mắc, khó khăn là gì? (bắt buộc khi trạng thái là Gặp vướng mắc)"))]
    return [Reply(header(draft) + _("Có khó khăn, vướng mắc không? Gõ nội dung, hoặc bấm Không có."),
                  (ctx.option(_("Không có"), "skip"),), numbered=False)]


async def _ask_proposals(ctx: Context, draft: Draft) -> list[Reply]:
    return [Reply(header(draft) + _("Đề xuất, kiến nghị (nếu có)?"), (ctx.option(_("Không có"), "skip"),),
                  numbered=False)]


def _take_text(step: Step) -> Take:
    async def take(ctx: Context, draft: Draft, typed: str, choice: str | None) -> Answer:
        skipped = choice == "skip" or _simple(typed) in SKIP
        if step == Step.obstacles and skipped and draft.status == ReportStatus.blocked:
            return Retry(_("Trạng thái là “Gặp vướng mắc”: vui lòng nêu ngắn gọn vướng mắc."))
        if not skipped and not typed:
            return Retry(_("Vui lòng gõ nội dung, hoặc bấm Bỏ qua."))
        if len(typed) > MAX_TEXT:
            return Retry(_("Nội dung dài {n} ký tự, vượt giới hạn {limit}. Vui lòng rút gọn rồi gửi lại.").format(
                n=len(typed), limit=MAX_TEXT))
        setattr(draft, step.value, "" if skipped else typed)
        draft.asked.append(step)
        return Ok()
    return take


async def _ask_confirm(ctx: Context, draft: Draft) -> list[Reply]:
    options = (ctx.option(_("✅ Gửi báo cáo"), "ok"), ctx.option(_("✏️ Làm lại"), "redo"),
               ctx.option(_("✖ Hủy"), "no"))
    return [Reply(summary(ctx, draft) + "\n\n" + _("Gửi báo cáo này? (bấm nút, hoặc gõ: gửi / làm lại / hủy)"),
                  options, columns=3)]


async def _take_confirm(ctx: Context, draft: Draft, typed: str, choice: str | None) -> Answer:
    answer = choice or _simple(typed)
    if answer in YES or answer == "ok":
        draft.confirmed = True
        return Ok()
    if answer in REDO or answer == "redo":
        draft.restart_report()
        return Ok()
    if answer in NO or answer == "no":
        return Cancel()
    return Retry(_("Bấm Gửi báo cáo, Làm lại hoặc Hủy (hoặc gõ: gửi / làm lại / hủy)."))


STEPS: dict[Step, StepSpec] = {
    Step.unit: StepSpec(_ask_unit, _take_unit),
    Step.item: StepSpec(_ask_item, _take_item),
    Step.status: StepSpec(_ask_status, _take_status),
    Step.percent: StepSpec(_ask_percent, _take_percent),
    Step.indicator: StepSpec(_ask_indicator, _take_indicator),
    Step.note: StepSpec(_ask_note, _take_text(Step.note)),
    Step.obstacles: StepSpec(_ask_obstacles, _take_text(Step.obstacles)),
    Step.proposals: StepSpec(_ask_proposals, _take_text(Step.proposals)),
    Step.confirm: StepSpec(_ask_confirm, _take_confirm),
}
