"""Progress reports: /baocao (guided, one question at a time), /bc (one line), a reply to a reminder,
and the "Báo cáo ngay" button under reminders.

All four fill one draft. `_advance` asks for whatever the draft still lacks — in quick mode only
what cannot be guessed (which unit, task or period, the status), in guided mode every step and a
final confirmation — and files the report when nothing is missing. The draft lives in the
conversation row, so a half-finished report survives a restart.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import select

from handlers.core import REPORTERS, Context, Router
from handlers.oneline import LineError, ParsedLine, parse_line, parse_number, parse_percent, parse_status
from handlers.texts import succession_note, with_note
from locales import N_, _, format_day, format_number
from models.catalog import IndicatorInfo
from models.chat import Reply
from models.obligations import obligations
from models.reports import MAX_TEXT, ReportInput, submit_report
from models.rules.text import fold
from models.status import Item, snapshot, with_reports
from models.store.audit import record
from models.store.tables import Delivery, ReportStatus, Unit
from models.wording import STATUS, deadline_phrase, period_of, short, status_label

router = Router()
FLOW = "report"
EXAMPLE = "/bc II.3 80% dn=5 Đã hỗ trợ 5 doanh nghiệp áp dụng 5S"
STATUS_ORDER = [ReportStatus.not_started, ReportStatus.in_progress, ReportStatus.done, ReportStatus.blocked]
PERCENTS = [0, 25, 50, 75, 100]
YES = {"gui", "ok", "co", "dong y", "xac nhan", "yes", "send", "1"}
REDO = {"lam lai", "sua", "redo", "2"}
NO = {"huy", "khong", "cancel", "no", "3"}
SKIP = {"bo qua", "khong", "khong co", "skip", "none", "-"}


# --- entry points ---------------------------------------------------------------------------


@router.command("baocao", "report", roles=REPORTERS, help=N_("Báo cáo tiến độ, hướng dẫn từng bước"))
async def guided(ctx: Context, args: str) -> list[Reply]:
    if ctx.plan is None or ctx.catalog is None:
        return [Reply(_("Chưa có kế hoạch nào được nạp. Vui lòng báo quản trị viên."))]
    existing = await ctx.load_conversation()
    restarted = existing is not None and existing.flow == FLOW
    data: dict[str, Any] = {"mode": "guided"}
    units = _reporter_units(ctx)
    if len(units) == 1:
        data["unit_id"] = units[0].id
    if args:
        tasks = ctx.catalog.find_tasks(args)
        if tasks:
            data["task_ids"] = [t.id for t in tasks]
        else:
            allowed = {u.id for u in units}
            matched = [u for u in ctx.catalog.find_units(args, on=ctx.today) if u.id in allowed]
            if len(matched) == 1:
                data["unit_id"] = matched[0].id
    replies = await _advance(ctx, data, start=True)
    if restarted:
        replies.insert(0, Reply(_("Bắt đầu báo cáo mới; bản nháp trước chưa gửi đã được bỏ.")))
    return replies


@router.command("bc", "r", roles=REPORTERS, help=N_("Báo cáo nhanh một dòng, ví dụ: /bc II.3 80% dn=5 ghi chú"))
async def quick(ctx: Context, args: str) -> list[Reply]:
    if ctx.plan is None or ctx.catalog is None:
        return [Reply(_("Chưa có kế hoạch nào được nạp. Vui lòng báo quản trị viên."))]
    if not args.strip():
        return [Reply(_("Báo cáo nhanh: /bc <mã nhiệm vụ> <phần trăm> <chỉ số=giá trị> <ghi chú>\n"
                        "Ví dụ: {example}\nHoặc gõ /baocao để được hỏi từng bước.").format(example=EXAMPLE))]
    try:
        parsed = parse_line(args, is_task=ctx.catalog.is_task_key)
    except LineError as error:
        return [Reply(_line_error(error))]
    return await _from_line(ctx, parsed, raw=f"/bc {args}")


@router.fallback
async def plain_text(ctx: Context, text: str) -> list[Reply] | None:
    """A reply to a reminder, or a line that starts with a task code, is a quick report."""
    if not (ctx.identity.roles & REPORTERS) or ctx.catalog is None or not text:
        return None
    if ctx.incoming.reply_to_message_id:
        delivery = (await ctx.session.exec(select(Delivery).where(
            Delivery.channel == ctx.incoming.channel, Delivery.chat_id == ctx.incoming.chat_id,
            Delivery.external_message_id == ctx.incoming.reply_to_message_id))).first()
        if delivery is not None and delivery.assignment_id and delivery.period_id:
            try:
                parsed = parse_line(text, is_task=lambda _t: False, task_known=True)
            except LineError as error:
                return [Reply(_line_error(error))]
            item = await _resolve_pair(ctx, delivery.assignment_id, delivery.period_id)
            if isinstance(item, list):
                return item
            data = _data_from_line(parsed, raw=text, via="reply")
            _choose_item(data, item)
            return await _with_values(ctx, data, parsed)
    first = text.split(maxsplit=1)[0].strip(",;:")
    if ctx.catalog.is_task_key(first):
        return await quick(ctx, text)
    return None


@router.choice("go", roles=REPORTERS)
async def report_now(ctx: Context, value: str) -> list[Reply]:
    """"Báo cáo ngay" under a reminder: the task and period are known, start at the status."""
    assignment_id, _sep, period_id = value.partition(":")
    if not (assignment_id.isdigit() and period_id.isdigit()):
        return [Reply(_("Lựa chọn không hợp lệ. Gõ /baocao để báo cáo."))]
    item = await _resolve_pair(ctx, int(assignment_id), int(period_id))
    if isinstance(item, list):
        return item
    data: dict[str, Any] = {"mode": "guided"}
    _choose_item(data, item)
    return await _advance(ctx, data, start=True)


@router.flow(FLOW)
async def step(ctx: Context, text: str, choice: str | None) -> list[Reply]:
    assert ctx.conversation is not None
    data = dict(ctx.conversation.data)
    current = ctx.conversation.step
    if not text and choice is None:
        return await _prompt(ctx, current, data)
    problem = await _answer(ctx, current, data, text, choice)
    if problem == "cancel":
        await ctx.end_flow()
        return [Reply(_("Đã huỷ; báo cáo chưa được gửi."))]
    if problem:
        ctx.save_flow(current, data)
        return [Reply(problem), *await _prompt(ctx, current, data)]
    return await _advance(ctx, data)


# --- the draft ----------------------------------------------------------------------------------


async def _advance(ctx: Context, data: dict[str, Any], *, start: bool = False) -> list[Reply]:
    nxt = await _next_step(ctx, data)
    if isinstance(nxt, list):  # nothing to report
        if ctx.conversation is not None and ctx.conversation.flow == FLOW:
            await ctx.end_flow()
        return nxt
    if nxt == "submit":
        return await _submit(ctx, data)
    if start or ctx.conversation is None or ctx.conversation.flow != FLOW:
        await ctx.start_flow(FLOW, nxt, data)
    ctx.save_flow(nxt, data)
    assert ctx.conversation is not None
    return await _prompt(ctx, nxt, ctx.conversation.data)


async def _next_step(ctx: Context, data: dict[str, Any]) -> str | list[Reply]:
    if data.get("assignment_id") is None:
        units = _reporter_units(ctx)
        task_ids = data.get("task_ids")
        if data.get("unit_id") is None and len(units) != 1:
            candidates = await _units_with_items(ctx, units, task_ids)
            if not candidates:
                return [Reply(_nothing_open(data))]
            if len(candidates) == 1:
                data["unit_id"] = candidates[0].id
            else:
                data["choices"] = [u.id for u in candidates]
                return "unit"
        unit_id = data["unit_id"] = data.get("unit_id") or units[0].id
        items = [i for i in await _unit_items(ctx, unit_id) if not task_ids or i.obligation.task_id in task_ids]
        if not items:
            return [Reply(_nothing_open(data))]
        if len(items) == 1:
            _choose_item(data, items[0])
        else:
            data["choices"] = [[i.obligation.assignment_id, i.obligation.period_id] for i in items]
            return "item"
    if data.get("status") is None:
        return "status"
    if data.get("status") == ReportStatus.done and data.get("percent") is None:
        data["percent"] = 100
    if data.get("status") == ReportStatus.not_started and data.get("percent") is None:
        data["percent"] = 0
    if data.get("mode") == "quick":
        return "submit"
    asked = set(data.get("asked", []))
    if data.get("percent") is None and "percent" not in asked:
        return "percent"
    if "indicators" not in asked:
        pending = [i.id for i in _indicators(ctx, data) if str(i.id) not in data.get("values", {})]
        if pending:
            if data.get("indicator") not in pending:
                data["indicator"] = pending[0]
            return "indicator"
        data.setdefault("asked", []).append("indicators")
    for name in ("note", "obstacles"):
        if name not in asked:
            return name
    if data.get("obstacles") and "proposals" not in asked:
        return "proposals"
    return "confirm"


def _choose_item(data: dict[str, Any], item: Item) -> None:
    """Keep what the later steps and the confirmation need, so that they need no lookups."""
    o = item.obligation
    data.update(assignment_id=o.assignment_id, period_id=o.period_id, task_id=o.task_id, unit_id=o.unit_id,
                task_code=o.task_code, task_title=o.task_title, unit_code=o.unit_code, due=o.due.isoformat(),
                period=period_of(o), version=item.report.version if item.report else 0)
    data.pop("choices", None)


async def _prompt(ctx: Context, step: str, data: dict[str, Any]) -> list[Reply]:
    header = _header(data)
    if step == "unit":
        assert ctx.catalog is not None
        units = [ctx.catalog.units[i] for i in data["choices"] if i in ctx.catalog.units]
        options = [ctx.option(f"{u.code} — {short(u.name, 40)}", f"u:{n}") for n, u in enumerate(units)]
        return [Reply(_("Báo cáo cho đơn vị nào? Chọn, hoặc gõ tên/mã đơn vị."), tuple(options))]
    if step == "item":
        items = await _choice_items(ctx, data)
        lines = [_("Chọn nhiệm vụ cần báo cáo (bấm nút hoặc gõ số thứ tự / mã nhiệm vụ):")]
        options = []
        for n, item in enumerate(items, start=1):
            o = item.obligation
            mark = " ✓" if item.reported else (" ⏰" if item.overdue(ctx.today) else "")
            lines.append(f"{n}. {o.task_code} · {period_of(o)} — {deadline_phrase(o, ctx.today, ctx.calendar)}{mark}"
                         f"\n   {short(o.task_title, 90)}")
            options.append(ctx.option(f"{n}. {o.task_code} · {short(period_of(o), 24)}{mark}", f"i:{n - 1}"))
        if any(i.reported for i in items):
            lines.append(_("✓ đã báo cáo (gửi lại để cập nhật) · ⏰ quá hạn"))
        return [Reply("\n".join(lines), tuple(options))]
    if step == "status":
        options = [ctx.option(f"{n}. {_(STATUS[s])}", f"s:{s}") for n, s in enumerate(STATUS_ORDER, start=1)]
        return [Reply(header + _("Tình trạng thực hiện? (bấm nút hoặc gõ 1–4)"), tuple(options), columns=2)]
    if step == "percent":
        options = [ctx.option(f"{p}%", f"p:{p}") for p in PERCENTS]
        return [Reply(header + _("Đã hoàn thành khoảng bao nhiêu phần trăm? Bấm nút hoặc gõ số, ví dụ 80."),
                      tuple(options), columns=5, numbered=False)]
    if step == "indicator":
        indicator = _indicator(ctx, data, data["indicator"])
        example = {"int": "5", "decimal": "12,5", "percent": "8,3"}.get(indicator.type, "5")
        unit = f" ({indicator.measure})" if indicator.measure else ""
        return [Reply(header + _("{name}{unit} trong kỳ này? Gõ một số, ví dụ {example}.").format(
            name=indicator.name, unit=unit, example=example), (ctx.option(_("Bỏ qua"), "skip"),), numbered=False)]
    if step == "note":
        return [Reply(header + _("Kết quả chính hoặc ghi chú ngắn? (gõ nội dung, hoặc Bỏ qua)"),
                      (ctx.option(_("Bỏ qua"), "skip"),), numbered=False)]
    if step == "obstacles":
        if data.get("status") == ReportStatus.blocked:
            return [Reply(header + _("Vướng mắc, khó khăn là gì? (bắt buộc khi trạng thái là Gặp vướng mắc)"))]
        return [Reply(header + _("Có khó khăn, vướng mắc không? Gõ nội dung, hoặc bấm Không có."),
                      (ctx.option(_("Không có"), "skip"),), numbered=False)]
    if step == "proposals":
        return [Reply(header + _("Đề xuất, kiến nghị (nếu có)?"), (ctx.option(_("Không có"), "skip"),),
                      numbered=False)]
    if step == "confirm":
        options = (ctx.option(_("✅ Gửi báo cáo"), "ok"), ctx.option(_("✏️ Làm lại"), "redo"),
                   ctx.option(_("✖ Huỷ"), "no"))
        return [Reply(_summary(ctx, data) + "\n\n" + _("Gửi báo cáo này? (bấm nút, hoặc gõ: gửi / làm lại / huỷ)"),
                      options, columns=3)]
    return [Reply(_("Bot không rõ bước này; gõ /huy rồi /baocao để bắt đầu lại."))]


async def _answer(ctx: Context, step: str, data: dict[str, Any], text: str, choice: str | None) -> str | None:
    """Apply one answer to the draft. Returns a polite problem to re-ask with, "cancel", or None."""
    typed = text.strip()
    simple = " ".join(fold(w) for w in typed.lower().split())
    if typed:
        data.setdefault("typed", []).append(f"{step}: {typed}")
    elif choice:
        data.setdefault("typed", []).append(f"{step}: [{choice}]")
    if step == "unit":
        index = _index(choice, "u", typed, len(data["choices"]))
        if index is None and typed and ctx.catalog is not None:
            found = [u.id for u in ctx.catalog.find_units(typed, on=ctx.today) if u.id in data["choices"]]
            index = data["choices"].index(found[0]) if len(found) == 1 else None
        if index is None:
            return _("Chưa rõ đơn vị. Bấm một nút, hoặc gõ số thứ tự hay tên đơn vị, ví dụ “SCT”.")
        data["unit_id"] = data["choices"][index]
        data.pop("choices", None)
        return None
    if step == "item":
        items = await _choice_items(ctx, data)
        index = _index(choice, "i", typed, len(items))
        if index is None and typed:
            key = fold(typed)
            matches = [n for n, i in enumerate(items) if ctx.catalog and
                       key in ctx.catalog.tasks[i.obligation.task_id].keys]
            if len(matches) == 1:
                index = matches[0]
            elif len(matches) > 1:
                data["choices"] = [data["choices"][n] for n in matches]
                return _("Nhiệm vụ này có nhiều kỳ báo cáo đang mở; chọn kỳ:")
        if index is None:
            return _("Chưa rõ nhiệm vụ. Bấm một nút, hoặc gõ số thứ tự (ví dụ 1) hay mã nhiệm vụ (ví dụ II.3).")
        _choose_item(data, items[index])
        return None
    if step == "status":
        status = choice[2:] if choice and choice.startswith("s:") else None
        if status is None and typed.isdigit() and 1 <= int(typed) <= 4:
            status = STATUS_ORDER[int(typed) - 1]
        status = status or (parse_status(typed) if typed else None)
        if status not in STATUS_ORDER:
            return _("Chưa rõ tình trạng. Bấm một nút, hoặc gõ 1 (chưa triển khai), 2 (đang thực hiện), "
                     "3 (hoàn thành), 4 (gặp vướng mắc).")
        data["status"] = status
        return None
    if step == "percent":
        value = int(choice[2:]) if choice and choice.startswith("p:") and choice[2:].isdigit() else \
            parse_percent(typed)
        if value is None:
            return _("Phần trăm là một số từ 0 đến 100, ví dụ 80 hoặc 80%.")
        data["percent"] = value
        data.setdefault("asked", []).append("percent")
        return None
    if step == "indicator":
        indicator_id = str(data.get("indicator"))
        if choice == "skip" or simple in SKIP:
            data.setdefault("values", {})[indicator_id] = None
        else:
            indicator = _indicator(ctx, data, int(indicator_id))
            try:
                value = parse_number(typed, indicator.type)
            except LineError:
                return _("“{text}” không phải một số hợp lệ. Gõ số, ví dụ 5 hoặc 12,5 (dấu phẩy là phần thập "
                         "phân), hoặc bấm Bỏ qua.").format(text=short(typed, 30))
            data.setdefault("values", {})[indicator_id] = str(value)
        data.pop("indicator", None)
        return None
    if step in ("note", "obstacles", "proposals"):
        skipped = choice == "skip" or simple in SKIP
        if step == "obstacles" and skipped and data.get("status") == ReportStatus.blocked:
            return _("Trạng thái là “Gặp vướng mắc”: vui lòng nêu ngắn gọn vướng mắc.")
        if not skipped and not typed:
            return _("Vui lòng gõ nội dung, hoặc bấm Bỏ qua.")
        if len(typed) > MAX_TEXT:
            return _("Nội dung dài {n} ký tự, vượt giới hạn {limit}. Vui lòng rút gọn rồi gửi lại.").format(
                n=len(typed), limit=MAX_TEXT)
        data[step] = "" if skipped else typed
        data.setdefault("asked", []).append(step)
        return None
    if step == "confirm":
        answer = choice or simple
        if answer in YES or answer == "ok":
            data["mode"] = "quick"  # nothing more to ask: _advance files it
            return None
        if answer in REDO or answer == "redo":
            for name in ("status", "percent", "values", "note", "obstacles", "proposals", "asked", "indicator"):
                data.pop(name, None)
            return None
        if answer in NO or answer == "no":
            return "cancel"
        return _("Bấm Gửi báo cáo, Làm lại hoặc Huỷ (hoặc gõ: gửi / làm lại / huỷ).")
    return None


def _index(choice: str | None, prefix: str, typed: str, size: int) -> int | None:
    if choice and choice.startswith(prefix + ":") and choice[2:].isdigit() and int(choice[2:]) < size:
        return int(choice[2:])
    if typed.isdigit() and 1 <= int(typed) <= size:
        return int(typed) - 1
    return None


async def _submit(ctx: Context, data: dict[str, Any]) -> list[Reply]:
    due = date.fromisoformat(data["due"])
    values = {int(k): Decimal(v) for k, v in data.get("values", {}).items() if v is not None}
    raw = data.get("raw") or "\n".join(data.get("typed", []))
    report = await submit_report(
        ctx.session, assignment_id=data["assignment_id"], period_id=data["period_id"], due=due, tz=ctx.config.tz,
        data=ReportInput(status=data["status"], percent=data.get("percent"), values=values,
                         note=data.get("note", ""), obstacles=data.get("obstacles", ""),
                         proposals=data.get("proposals", ""), raw_text=raw, via=data.get("via", "guided")),
        # The platform's timestamp is fairer than ours if the bot was down, but a stamp from the
        # future (clock skew) is not trusted.
        member_id=ctx.member_id, channel=ctx.incoming.channel, at=min(ctx.incoming.at, ctx.now))
    if ctx.conversation is not None and ctx.conversation.flow == FLOW:
        await ctx.end_flow()
    status = status_label(report.status)
    if report.percent is not None and report.status != ReportStatus.done:
        status += f" {report.percent}%"
    lines = [_("✅ Đã ghi nhận báo cáo {task} · {period} của {unit} (bản {version}): {status}.").format(
        task=data["task_code"], period=data["period"], unit=data["unit_code"], version=report.version, status=status)]
    if report.late:
        lines.append(_("Báo cáo gửi sau hạn {day}: đã được ghi nhận là nộp muộn.").format(day=format_day(due)))
    elif report.version > 1:
        lines.append(_("Bản trước vẫn được lưu trong lịch sử."))
    this = (data["assignment_id"], data["period_id"])
    remaining = [i for i in await _unit_items(ctx, data["unit_id"]) if not i.reported
                 and (i.obligation.assignment_id, i.obligation.period_id) != this]
    if remaining:
        lines.append(_("Còn {n} nhiệm vụ chưa báo cáo: {codes}. Gõ /baocao để tiếp tục.").format(
            n=len(remaining), codes=", ".join(sorted({i.obligation.task_code for i in remaining}))))
    return [Reply("\n".join(lines))]


# --- helpers ----------------------------------------------------------------------------------


def _reporter_units(ctx: Context) -> list[Unit]:
    """Units this person may report for: their own, or every unit in force for a coordinator."""
    assert ctx.catalog is not None
    if "coordinator" in ctx.identity.roles:
        return [u for u in ctx.catalog.units.values() if u.active]
    return [ctx.catalog.units[i] for i in ctx.identity.focal_units if i in ctx.catalog.units]


async def _unit_items(ctx: Context, unit_id: int) -> list[Item]:
    """What one unit can report on now (computed once per message)."""
    key = f"items:{unit_id}"
    if key not in ctx.memo:
        assert ctx.plan is not None
        ctx.memo[key] = (await snapshot(ctx.session, ctx.plan, ctx.today, unit_ids=[unit_id], values=False)
                         ).reportable()
    return ctx.memo[key]


async def _units_with_items(ctx: Context, units: list[Unit], task_ids: list[int] | None) -> list[Unit]:
    assert ctx.plan is not None
    state = await snapshot(ctx.session, ctx.plan, ctx.today, unit_ids=[u.id for u in units], task_ids=task_ids,
                           values=False)
    having = {i.obligation.unit_id for i in state.reportable()}
    return [u for u in units if u.id in having]


async def _choice_items(ctx: Context, data: dict[str, Any]) -> list[Item]:
    by_key = {(i.obligation.assignment_id, i.obligation.period_id): i
              for i in await _unit_items(ctx, data["unit_id"])} if data.get("unit_id") else {}
    return [by_key[tuple(pair)] for pair in data.get("choices", []) if tuple(pair) in by_key]


async def _resolve_pair(ctx: Context, assignment_id: int, period_id: int) -> Item | list[Reply]:
    """The obligation behind a reminder (its button or a reply to it), if this person may report on it."""
    assert ctx.plan is not None and ctx.catalog is not None
    found = await obligations(ctx.session, ctx.plan, due_from=ctx.plan.start, due_to=ctx.plan.end.replace(
        year=ctx.plan.end.year + 2), as_of=ctx.today, assignment_ids=[assignment_id], period_ids=[period_id])
    if not found:
        return [Reply(_("Không tìm thấy nhiệm vụ hoặc kỳ báo cáo này nữa (kế hoạch có thể vừa được cập nhật). "
                        "Gõ /baocao để chọn lại."))]
    o = found[0]
    if "coordinator" not in ctx.identity.roles and o.unit_id not in ctx.identity.focal_units:
        return await _refuse_other_unit(ctx, o.unit_id, o.task_id)
    return (await with_reports(ctx.session, found))[0]


def _indicators(ctx: Context, data: dict[str, Any]) -> tuple[IndicatorInfo, ...]:
    assert ctx.catalog is not None
    task = ctx.catalog.tasks.get(data["task_id"])
    return task.indicators if task else ()


def _indicator(ctx: Context, data: dict[str, Any], indicator_id: int) -> IndicatorInfo:
    return next(i for i in _indicators(ctx, data) if i.id == int(indicator_id))


def _header(data: dict[str, Any]) -> str:
    if data.get("assignment_id") is None:
        return ""
    return _("📝 {unit} · {task} · hạn {due}").format(
        unit=data["unit_code"], task=data["task_code"], due=format_day(date.fromisoformat(data["due"]))) + "\n"


def _summary(ctx: Context, data: dict[str, Any]) -> str:
    lines = [_header(data).strip(), short(data.get("task_title", ""), 160)]
    status = status_label(data["status"])
    if data.get("percent") is not None and data["status"] != ReportStatus.done:
        status += f" — {data['percent']}%"
    lines.append(_("Tình trạng: {status}").format(status=status))
    indicators = {str(i.id): i for i in _indicators(ctx, data)}
    for key, value in data.get("values", {}).items():
        if value is not None and key in indicators:
            lines.append(f"{indicators[key].name}: {format_number(Decimal(value).normalize())}")
    if data.get("note"):
        lines.append(_("Ghi chú: {text}").format(text=data["note"]))
    if data.get("obstacles"):
        lines.append(_("Vướng mắc: {text}").format(text=data["obstacles"]))
    if data.get("proposals"):
        lines.append(_("Đề xuất: {text}").format(text=data["proposals"]))
    return "\n".join(x for x in lines if x)


def _nothing_open(data: dict[str, Any]) -> str:
    if data.get("task_ids"):
        return _("Nhiệm vụ này hiện không có kỳ báo cáo nào đang mở cho đơn vị của anh/chị (hoặc đơn vị chỉ "
                 "phối hợp, không chủ trì báo cáo). Gõ /tinhhinh để xem nhiệm vụ của đơn vị.")
    return _("Hiện không có nhiệm vụ nào đang chờ báo cáo. Bot sẽ nhắc trước hạn kỳ tới.")


def _line_error(error: LineError) -> str:
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


def _data_from_line(parsed: ParsedLine, *, raw: str, via: str) -> dict[str, Any]:
    data: dict[str, Any] = {"mode": "quick", "via": via, "raw": raw, "status": parsed.status,
                            "percent": parsed.percent, "note": parsed.note, "obstacles": parsed.obstacles,
                            "proposals": parsed.proposals}
    return {k: v for k, v in data.items() if v is not None}


async def _refuse_other_unit(ctx: Context, unit_id: int, task_id: int | None) -> list[Reply]:
    assert ctx.catalog is not None
    unit = ctx.catalog.units.get(unit_id)
    task = ctx.catalog.tasks.get(task_id) if task_id else None
    await record(ctx.session, ctx.actor, "access.denied", "report", task.code if task else "",
                 {"unit": unit.code if unit else None}, member_id=ctx.member_id)
    mine = ", ".join(u.name for u in _reporter_units(ctx)) or "?"
    who = await ctx.who_to_ask()
    return [Reply(_("Nhiệm vụ {task} của {unit} không thuộc đơn vị anh/chị phụ trách ({mine}), nên không báo cáo "
                    "thay được. Nếu cần, vui lòng liên hệ {who}.").format(
        task=task.code if task else "", unit=unit.name if unit else "?", mine=mine, who=who))]


async def _from_line(ctx: Context, parsed: ParsedLine, *, raw: str) -> list[Reply]:
    assert ctx.catalog is not None
    data = _data_from_line(parsed, raw=raw, via="oneline")
    tasks = ctx.catalog.find_tasks(parsed.task_token)
    data["task_ids"] = [t.id for t in tasks]
    units = _reporter_units(ctx)
    allowed = {u.id for u in units}
    note = ""
    if parsed.unit_text:
        named, steps = ctx.catalog.resolve_units(parsed.unit_text, on=ctx.today)
        note = succession_note(steps)
        if not named:
            return [Reply(_("Không tìm thấy đơn vị “{text}”. Viết mã hoặc tên đơn vị trước mã nhiệm vụ, ví dụ: "
                            "/bc SCT IV.2.a 80%").format(text=short(parsed.unit_text, 60)))]
        inside = [u for u in named if u.id in allowed]
        if not inside:
            return await _refuse_other_unit(ctx, named[0].id, tasks[0].id if tasks else None)
        if len(inside) == 1:
            data["unit_id"] = inside[0].id
        else:
            data["choices"] = [u.id for u in inside]
    # A focal point naming a task their unit does not report on gets a clear no.
    if "coordinator" not in ctx.identity.roles and tasks:
        reporting = set().union(*(t.reporting_units(ctx.today) for t in tasks))
        if reporting and not reporting & allowed:
            return await _refuse_other_unit(ctx, min(reporting), tasks[0].id)
    return with_note(note, await _with_values(ctx, data, parsed))


async def _with_values(ctx: Context, data: dict[str, Any], parsed: ParsedLine) -> list[Reply]:
    """Check the line's indicator values against the task, then file or ask what is missing."""
    if parsed.values:
        assert ctx.catalog is not None
        task_ids = [data["task_id"]] if data.get("task_id") else data.get("task_ids", [])
        allowed: dict[str, IndicatorInfo] = {}
        for task_id in task_ids:
            allowed.update({i.code.lower(): i for i in ctx.catalog.tasks[task_id].indicators})
        values = {}
        for code, raw in parsed.values.items():
            indicator = allowed.get(code.lower())
            if indicator is None:
                names = ", ".join(f"{i.code} ({i.name})" for i in allowed.values()) or _("không có chỉ số nào")
                return [Reply(_("Nhiệm vụ này không có chỉ số “{code}”. Chỉ số dùng được: {names}.").format(
                    code=code, names=names))]
            try:
                values[str(indicator.id)] = str(parse_number(raw, indicator.type))
            except LineError:
                return [Reply(_("“{value}” không phải một số hợp lệ cho {code}. Ví dụ: {code}=5 hoặc {code}=12,5.")
                              .format(value=raw, code=indicator.code))]
        data["values"] = values
    return await _advance(ctx, data, start=True)
