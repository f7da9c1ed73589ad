"""How the plan, its units and its schedule read on the operator's terminal."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, datetime, tzinfo

from jobs.preview import Preview
from locales import N_, _, format_date, format_datetime, format_day, format_number, ngettext
from models.obligations import Obligation
from models.plan_view import Party, PlanCounts, PlanView
from models.planfiles.changes import Change, summarise
from models.registry import unit_kind, unit_name
from models.rules.periods import Every, period_label
from models.rules.workdays import WorkCalendar
from models.store.tables import (
    DeliveryKind,
    Plan,
    Schedule,
    Unit,
)
from models.wording import MILESTONE_OP, exception_note, role_label, short

EVERY = {
    Every.month: N_("hằng tháng"), Every.quarter: N_("hằng quý"), Every.half_year: N_("6 tháng một lần"),
    Every.year: N_("hằng năm"), Every.five_year: N_("5 năm một lần"), Every.once: N_("một lần"),
}
KIND = {
    "so": N_("Sở"), "ubnd": N_("UBND"), "hoi": N_("Hội"), "bao_dai": N_("Báo, đài"), "cuc": N_("Cục"),
    "van_phong": N_("Văn phòng"),
    "ban": N_("Ban"), "khac": N_("Khác"),
}

AGGREGATE = {"sum": N_("cộng dồn"), "latest": N_("số mới nhất"), "max": N_("lớn nhất")}
INFERRED = {"lead": N_("chủ trì"), "support": N_("phối hợp"), "schedules": N_("lịch báo cáo"),
            "reporting": N_("nghĩa vụ báo cáo")}
INDICATOR_TYPE = {"int": N_("số nguyên"), "decimal": N_("số thập phân"), "percent": N_("phần trăm")}


def table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths, strict=True)).rstrip(),
             "  ".join("─" * w for w in widths)]
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)


def offsets(values: Sequence[int]) -> str:
    return ", ".join(f"{v:+d}" if v else "0" for v in values)


def describe_schedule(s: Schedule) -> str:
    if s.kind == "event":
        text = _("sự kiện, tổ chức {day}").format(day=format_day(s.once)) if s.once else _("sự kiện")
    elif s.every == Every.once:
        text = _("một lần, hạn {day}").format(day=format_day(s.once)) if s.once else _("một lần")
    else:
        window = _("kỳ số liệu theo NĐ 09/2019 (ngày 15 → ngày 14)") if s.window == "nd09" \
            else _("kỳ số liệu theo lịch (ngày 1 → cuối kỳ)")
        if s.due_after_cutoff:
            due = ngettext("hạn {n} ngày làm việc sau ngày chốt số liệu",
                           "hạn {n} ngày làm việc sau ngày chốt số liệu", s.due_after_cutoff).format(
                n=s.due_after_cutoff)
        elif s.due_month_day:
            month, day = s.due_month_day.split("-")
            due = _("hạn ngày {day}/{month}").format(day=day, month=month)
        else:
            due = _("hạn ngày {day} của tháng cuối kỳ").format(day=s.due_day)
        text = f"{_(EVERY[Every(s.every)])}, {window}, {due}"
    if s.source == "default":
        text += " " + _("[ngày mặc định]")
    if s.inferred:
        text += " " + _("[lịch suy luận: văn bản không nêu]")
    if s.skip_years:  # another report asks the same content those years (sơ kết, tổng kết)
        text += " · " + _("không hỏi năm {years}").format(years=", ".join(str(y) for y in s.skip_years))
    return text


def plan_overview(view: PlanView, tz: tzinfo) -> str:
    plan, coordinator, day = view.plan, view.coordinator, view.day
    targets = [t for t, _m in view.targets]
    milestones = {t.id: m for t, m in view.targets}
    indicators, schedules, overrides = view.indicators, view.schedules, view.overrides
    target_code = {t.id: t.code for t in targets}
    out = [
        _("Kế hoạch {code} ({short}) — Quyết định {decision} ngày {issued}").format(
            code=plan.code, short=plan.short, decision=plan.decision, issued=format_date(plan.issued)),
        plan.title,
        _("Thời gian: {start} – {end} · theo dõi các kỳ có hạn từ {track} · múi giờ {zone}").format(
            start=format_date(plan.start), end=format_date(plan.end), track=format_date(plan.track_from),
            zone=plan.timezone),
        _("Đơn vị điều phối: {code} — {name}").format(code=plan.coordinator_code,
                                                      name=unit_name(coordinator, day) if coordinator else "?"),
        _("Nhắc trước hạn (ngày làm việc): {before} · nhắc quá hạn: {after}").format(
            before=offsets(plan.reminders_before), after=offsets(plan.escalate_after)),
        _("Nạp từ {path} (sha256 {sha}…) lúc {at}").format(
            path=plan.source_path, sha=plan.content_sha256[:12], at=format_datetime(plan.loaded_at, tz)),
        "",
        _("Mục tiêu ({n})").format(n=len(targets)),
    ]
    for target in targets:
        marks = " · ".join(
            f"{m.year}: {MILESTONE_OP.get(m.op, m.op)} {format_number(m.value.normalize())} {target.measure}".rstrip()
            for m in milestones.get(target.id, []))
        out.append(f"  {target.code}  {target.name}")
        out.append(f"      {marks}  ({_(AGGREGATE.get(target.aggregate, target.aggregate))})")
    out += ["", _("Chỉ số ({n})").format(n=len(indicators))]
    for indicator in indicators:
        link = f" → {target_code[indicator.target_id]}" if indicator.target_id in target_code else ""
        out.append(f"  {indicator.code}  {indicator.name} ({_(INDICATOR_TYPE[indicator.type])}"
                   f"{', ' + indicator.measure if indicator.measure else ''}){link}")
    out += ["", _("Lịch báo cáo ({n})").format(n=len(schedules))]
    for schedule in schedules:
        out.append(f"  {schedule.code}  {schedule.name}: {describe_schedule(schedule)}")
        if schedule.basis:  # why this date: the document's words, or the reasoning behind a default
            out.append("      " + _("Căn cứ: {basis}").format(basis=short(schedule.basis, 160)))
    out += ["", _("Nhiệm vụ ({n}), đơn vị phụ trách ngày {day}").format(n=len(view.tasks), day=format_date(day))]
    for task_view in view.tasks:
        task = task_view.task
        out.append(f"  {task.code}  {task.title}")
        line = _("Chủ trì: {lead}").format(lead=", ".join(_party(p) for p in task_view.lead) or "–")
        if task_view.support:
            line += " · " + _("Phối hợp: {support}").format(support=", ".join(_party(p) for p in task_view.support))
        line += " · " + _("Lịch: {schedules}").format(schedules=", ".join(task_view.schedules) or "–")
        if task_view.indicators:
            line += " · " + _("Chỉ số: {codes}").format(codes=", ".join(task_view.indicators))
        out.append("      " + line)
        if task.report_by == "none":
            out.append("      " + _("Theo dõi, không hỏi báo cáo, không nhắc (report_by: none)"))
        if task.inferred:
            out.append("      " + _("Suy luận (văn bản không ghi): {parts} — {basis}").format(
                parts=", ".join(_(INFERRED.get(p, p)) for p in task.inferred),
                basis=short(task.basis, 160)))
    out += ["", _("Đơn vị: {n} (xem `nhacviec units`)").format(n=view.units)]
    if overrides:
        out += ["", _("Ngày nghỉ, ngày làm bù riêng của kế hoạch")]
        for o in overrides:
            kind = _("làm việc") if o.working else _("nghỉ")
            out.append(f"  {format_day(o.day)}: {kind}{' — ' + o.note if o.note else ''}")
    return "\n".join(out)


def _party(party: Party) -> str:
    """"STC (trước đây: SKHDT)"."""
    if not party.formerly:
        return party.unit
    return party.unit + " " + _("(trước đây: {units})").format(units=", ".join(party.formerly))


def plan_table(plans: Sequence[PlanCounts], tz: tzinfo) -> str:
    rows = [[c.plan.code, c.plan.short, _("đang theo dõi") if c.plan.retired_at is None else
             _("kết thúc {day}").format(day=format_date(c.plan.retired_at.astimezone(tz).date())),
             str(c.units), str(c.tasks), str(c.reports), c.plan.source_path] for c in plans]
    if not rows:
        return _("Chưa nạp kế hoạch nào. Chạy `nhacviec plan load TỆP`.")
    return table(rows, [_("Mã"), _("Tên ngắn"), _("Trạng thái"), _("Đơn vị"), _("Nhiệm vụ"), _("Báo cáo"), _("Tệp")])


def units_table(units: Sequence[Unit], aliases: dict[int, list[str]], leads: dict[int, int],
                focals: dict[int, int], successor: dict[int, str], pending: dict[int, int] | None = None,
                day: date | None = None) -> str:
    """One row per unit, named as it was called on `day` (None: today's names)."""
    rows = []
    for unit in units:
        span = ""
        if unit.valid_from or unit.valid_to:
            span = f"{format_date(unit.valid_from) if unit.valid_from else '…'} – " \
                   f"{format_date(unit.valid_to) if unit.valid_to else '…'}"
            if unit.id in successor:
                span += f" → {successor[unit.id]}"
        name, kind = unit_name(unit, day), unit_kind(unit, day)
        extra = [a for a in aliases.get(unit.id, []) if a not in (unit.code, name)]
        rows.append([unit.code, name, _(KIND.get(kind, kind)), str(leads.get(unit.id, 0)),
                     _focal_count(focals.get(unit.id, 0), (pending or {}).get(unit.id, 0)), span or "–",
                     ", ".join(extra[:4]) + (" …" if len(extra) > 4 else "")])
    header = [_("Mã"), _("Tên đơn vị"), _("Loại"), _("NV chủ trì"), _("Đầu mối"), _("Hiệu lực"), _("Tên gọi khác")]
    return table(rows, header)


def _focal_count(active: int, pending: int) -> str:
    return str(active) + (" " + _("(+{n} chờ xác nhận)").format(n=pending) if pending else "")


def schedule_listing(obligations: Sequence[Obligation], start: date, end: date, calendar: WorkCalendar,
                     plans: Sequence[Plan]) -> str:
    coordinator = ", ".join(sorted({p.coordinator_code for p in plans}))
    several = len({o.plan_id for o in obligations}) > 1
    out = [_("Lịch báo cáo và nhắc việc từ {start} đến {end}").format(start=format_day(start), end=format_day(end))]
    if not obligations:
        out.append(_("Không có hạn báo cáo hay ngày nhắc nào trong khoảng này."))
        return "\n".join(out)
    groups: dict[tuple[date, str, str, str], list[Obligation]] = defaultdict(list)
    for o in obligations:
        groups[(o.due, o.plan_code, o.schedule_code, o.period_key)].append(o)
    for (due, _plan, _code, key), items in sorted(groups.items()):
        first = items[0]
        label = period_label(first.every, key, first.schedule_name)
        title = first.schedule_name if first.every != Every.once else ""
        if first.is_event:  # a meeting: held on a day, reported as held (date, minutes); no data window
            out += ["", "■ " + _("Ngày tổ chức {due} — {label}").format(due=format_day(due), label=label)
                    + (f" ({first.plan_short})" if several else "")]
            out.append("  " + _("Sự kiện, không phải báo cáo số liệu: báo đã tổ chức chưa, ngày nào, kèm biên bản."))
        else:
            out += ["", "■ " + _("Hạn {due} — {title}{label}").format(
                due=format_day(due), title=f"{title}, " if title else "", label=label)
                    + (f" ({first.plan_short})" if several else "")]
            out.append("  " + _("Kỳ số liệu: {start} – {end}").format(start=format_date(first.window_start),
                                                                      end=format_date(first.window_end)))
        if not calendar.is_working_day(due):
            reason = calendar.holiday_name(due) or format_day(due).split(",")[0]
            out.append("  " + _("⚠ Hạn rơi vào ngày nghỉ ({reason}): nhắc hạn vào ngày làm việc liền trước.")
                       .format(reason=reason))
        steps = first.steps(calendar)
        before = [s for s in steps if s.offset <= 0]
        after = [s for s in steps if s.offset > 0]

        def mark(day: date) -> str:
            return f"{format_day(day)}" + ("" if start <= day <= end else " " + _("(ngoài khoảng)"))

        if before:
            due_word = _("hạn")
            out.append("  " + _("Nhắc trước hạn: {days}").format(days=" · ".join(
                f"{mark(s.day)} ({s.offset:+d})" if s.offset else f"{mark(s.day)} ({due_word})" for s in before)))
        if after:
            out.append("  " + _("Nhắc quá hạn: {days}").format(days=" · ".join(
                f"{mark(s.day)} ({s.offset:+d})" for s in after)))
            if len(after) > 1:
                out.append("  " + _("Từ lần nhắc quá hạn thứ hai, {coordinator} được báo danh sách đơn vị chưa nộp.")
                           .format(coordinator=coordinator))
        by_unit: dict[str, list[Obligation]] = defaultdict(list)
        for o in items:
            by_unit[o.unit_code].append(o)
        rows = [[code, units[0].unit_name, ", ".join(_with_exception(o) for o in units)]
                for code, units in by_unit.items()]
        out += ["  " + line for line in table(rows, [_("Mã"), _("Đơn vị"), _("Nhiệm vụ")]).splitlines()]
    return "\n".join(out)


def _with_exception(o: Obligation) -> str:
    """A task in the schedule, with its extension or exemption if it has one (models/exceptions.py)."""
    note = exception_note(o)
    return f"{o.task_code} ({note})" if note else o.task_code


def change_listing(changes: Sequence[Change], *, dry_run: bool) -> str:
    if not changes:
        return _("Không có thay đổi: cơ sở dữ liệu đã khớp với tệp kế hoạch.")
    head = _("Sẽ thay đổi (chạy thử, chưa ghi gì):") if dry_run else _("Đã thay đổi:")
    out = [head]
    names = {"plan": _("kế hoạch"), "unit": _("đơn vị"), "alias": _("tên gọi"), "target": _("mục tiêu"),
             "milestone": _("mốc mục tiêu"), "indicator": _("chỉ số"), "schedule": _("lịch báo cáo"),
             "period": _("kỳ báo cáo"), "task": _("nhiệm vụ"), "task-schedule": _("lịch của nhiệm vụ"),
             "task-indicator": _("chỉ số của nhiệm vụ"), "assignment": _("phân công"),
             "calendar": _("ngày nghỉ/làm bù")}
    # "move": a reorganisation loaded before this plan passing its tasks on (load_reorg.replay).
    actions = {"add": _("thêm"), "update": _("sửa"), "retire": _("ngừng theo dõi"), "remove": _("bỏ"),
               "move": _("chuyển đơn vị")}
    for entity, counts in summarise(changes).items():
        detail = ", ".join(f"{actions.get(a, a)} {n}" for a, n in counts.items())
        out.append(f"  {names.get(entity, entity)}: {detail}")
    details = [c for c in changes if c.action != "add" or c.entity in ("plan", "unit", "task", "schedule", "target")]
    if details and len(details) <= 200:
        out.append("")
        symbol = {"add": "+", "update": "~", "retire": "−", "remove": "−", "move": "→"}
        for change in details:
            line = f"  {symbol.get(change.action, '~')} {names.get(change.entity, change.entity)} {change.key}"
            if change.fields:
                line += ": " + "; ".join(f"{k}: {_short(old)} → {_short(new)}"
                                         for k, (old, new) in change.fields.items())
            out.append(line)
    return "\n".join(out)


def _short(value: object) -> str:
    text = value.isoformat() if isinstance(value, date) else str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def invite_card(code: str, role: str, unit: str | None, days: int, bot_username: str | None) -> str:
    what = role_label(role) + (f" — {unit}" if unit and role == "focal" else "")
    lines = [_("Mã mời {what}: {code}").format(what=what, code=code),
             ngettext("Hiệu lực {n} ngày, dùng một lần.", "Hiệu lực {n} ngày, dùng một lần.", days).format(n=days)]
    if bot_username:
        lines.append(_("Telegram: https://t.me/{bot}?start={code}").format(bot=bot_username, code=code))
    else:
        lines.append(_("Telegram: gửi /start {code} cho bot (đường dẫn t.me có sau khi bot chạy với "
                       "NHACVIEC_TELEGRAM_TOKEN một lần).").format(code=code))
    lines.append(_("Zalo hoặc console: gửi /start {code} cho bot.").format(code=code))
    return "\n".join(lines)


MESSAGE_KIND = {
    DeliveryKind.reminder: N_("Nhắc việc"), DeliveryKind.escalation: N_("Báo quá hạn"),
    DeliveryKind.digest: N_("Bản tin tuần"), DeliveryKind.nudge: N_("Nhắc ngay"), DeliveryKind.notice: N_("Thông báo"),
    DeliveryKind.succession: N_("Hỏi xác nhận đầu mối"),
}


def preview(planned: Preview, moment: datetime, tz: tzinfo) -> str:
    """What a tick would send at `moment`: one line per message (`•`, its recipient after `→`, the items it
    carries), then its text; messages that cannot go are shown with why; what would be skipped, counted."""
    sendable = [m for m in planned.messages if not m.blocked]
    out = [ngettext("Nếu bot chạy vào {at}, lần quét sẽ gửi {n} tin nhắn.",
                    "Nếu bot chạy vào {at}, lần quét sẽ gửi {n} tin nhắn.", len(sendable)).format(
        at=format_datetime(moment, tz), n=len(sendable))]
    for message in planned.messages:
        kind = _(MESSAGE_KIND[message.kind])
        items = ", ".join(f"{i.task} · {period_label(i.every, i.period, i.schedule)}" for i in message.items)
        where = f" ({message.channel})" if message.channel else ""
        line = f"• {kind} → {message.recipient}{where}" + (f": {items}" if items else "")
        if message.blocked:
            line += " — " + _("không gửi được: {why}").format(why=message.blocked)
        out.append(line)
        out += ["    " + text for text in message.text.splitlines()]
    if planned.skipped:
        reasons = Counter(a.reason for a in planned.skipped)
        out.append(_("Bỏ qua, không gửi:"))
        out += [f"  - {reason} ({count})" for reason, count in sorted(reasons.items())]
    if not planned.messages and not planned.skipped:
        out.append(_("  (mọi việc đến hạn đã được xử lý, hoặc chưa có gì đến hạn)"))
    return "\n".join(out)


def part_name(role: str) -> str:
    """A unit's part in a task, in the current language."""
    return {"lead": _("chủ trì"), "support": _("phối hợp")}.get(role, role)


def reorg_listing(changes: Sequence[Change], *, dry_run: bool) -> str:
    """What a reorganisation changes, every task whose owner changes on its own line."""
    if not changes:
        return _("Không có thay đổi: tệp sắp xếp này đã được nạp.")
    out = [_("Sẽ thay đổi (chạy thử, chưa ghi gì):") if dry_run else _("Đã thay đổi:")]
    for change in changes:
        if change.entity == "unit" and change.action == "add":
            out.append("  + " + _("đơn vị mới {code} từ {day}").format(
                code=change.key, day=format_date(change.fields["valid_from"][1])))
        elif change.entity == "unit" and "name" in change.fields:
            old, new = change.fields["name"]
            out.append("  ~ " + _("{code}: đổi tên “{old}” → “{new}”").format(code=change.key, old=old, new=new)
                       + (", " + _("loại “{old}” → “{new}”").format(
                           old=_(KIND.get(change.fields["kind"][0], "")), new=_(KIND.get(change.fields["kind"][1], "")))
                          if "kind" in change.fields else ""))
        elif change.entity == "unit" and "kind" in change.fields:
            old, new = change.fields["kind"]
            out.append("  ~ " + _("{code}: loại “{old}” → “{new}”").format(
                code=change.key, old=_(KIND.get(old, old)), new=_(KIND.get(new, new))))
        elif change.entity == "unit":
            end = change.fields["valid_to"][1]
            successor = change.fields["successor"][1]
            out.append("  − " + (_("{code}: hoạt động đến hết {day}, kế thừa: {successor}") if successor else
                                 _("{code}: hoạt động đến hết {day}")).format(
                code=change.key, day=format_date(end), successor=successor))
        elif change.action == "move":
            task, _sep, role = change.key.partition(" (")
            old, new = change.fields["owner"]
            out.append("    " + _("nhiệm vụ {task} ({role}): {old} → {new} từ {day}").format(
                task=task, role=part_name(role.rstrip(")")), old=old, new=new,
                day=format_date(date.fromisoformat(change.fields["from"][1]))))
        elif _is_dropped(change):
            out.append("    " + _(DROPPED[change.fields["reason"][1]]).format(what=change.key))
        else:
            out.append("    " + _("nhiệm vụ {what}: chờ cán bộ điều phối quyết định").format(what=change.key))
    moved = sum(1 for c in changes if c.action == "move")
    dropped = sum(1 for c in changes if _is_dropped(c))
    decided = sum(1 for c in changes if c.entity == "assignment" and c.action == "retire") - dropped
    out.append(_("Tổng: {moved} phần việc đổi đơn vị, {decided} chờ quyết định.").format(moved=moved, decided=decided)
               + (" " + _("Bỏ {dropped} phần việc: không ai báo cáo cho chính mình, không ai phối hợp với chính "
                          "mình.").format(dropped=dropped) if dropped else ""))
    return "\n".join(out)


# Why a part was dropped rather than passed on (models.planfiles.load_reorg._dropped_because).
DROPPED = {
    "coordinator": N_("nhiệm vụ {what}: bỏ phần chủ trì — đơn vị điều phối không báo cáo cho chính mình"),
    "lead": N_("nhiệm vụ {what}: bỏ — đơn vị nhận đã chủ trì nhiệm vụ này"),
    "became_lead": N_("nhiệm vụ {what}: đơn vị nhận thôi phần phối hợp, vì từ nay chủ trì"),
}


def _is_dropped(change) -> bool:
    """A part that would have landed on the plan's coordinator or on the task's lead (models.planfiles.load_reorg)."""
    return change.entity == "assignment" and change.action == "retire" and "reason" in change.fields


def history_listing(unit: Unit, entries: Sequence) -> str:
    out = [f"{unit.code} — {unit_name(unit, None)}"]
    kinds = {"merge": _("hợp nhất"), "rename": _("đổi tên"), "split": _("tách chức năng"), "retire": _("kết thúc")}
    for e in entries:
        day = format_date(e.day)
        if e.kind == "start":
            line = _("{day}: bắt đầu hoạt động").format(day=day)
        elif e.kind == "rename":
            line = _("{day}: đổi tên “{old}” → “{new}”").format(day=day, old=e.detail.get("old"),
                                                                 new=e.detail.get("new"))
        elif e.kind == "merge" and e.other is not None and e.unit.id != unit.id:
            line = _("{day}: {former} ({name}) hợp nhất vào {current}").format(
                day=day, former=e.unit.code, name=unit_name(e.unit, e.unit.valid_to), current=e.other.code)
        elif e.kind == "retire" and e.other is not None and e.unit.id != unit.id:
            line = _("{day}: {former} ({name}) kết thúc hoạt động, nhiệm vụ chuyển về {current}").format(
                day=day, former=e.unit.code, name=unit_name(e.unit, e.unit.valid_to), current=e.other.code)
        elif e.kind in ("merge", "retire"):
            line = _("{day}: {kind}; kế thừa: {successor}").format(
                day=day, kind=kinds[e.kind], successor=e.other.code if e.other else _("cán bộ điều phối quyết định"))
        else:
            line = _("{day}: {kind} của {unit}").format(day=day, kind=kinds[e.kind], unit=e.unit.code)
        out.append("  " + line)
        for task, role, owner in e.detail.get("tasks", []):
            out.append("      " + _("nhiệm vụ {task} ({role}) → {owner}").format(
                task=task, role=part_name(role), owner=owner))
        for task in e.detail.get("decision", []):
            out.append("      " + _("nhiệm vụ {task} → chờ quyết định").format(task=task))
        for task in e.detail.get("dropped", []):
            if e.detail.get("dropped_because", {}).get(task) in ("lead", "became_lead"):
                out.append("      " + _("nhiệm vụ {task}: bỏ (đơn vị nhận đã chủ trì nhiệm vụ này)").format(task=task))
            else:
                out.append("      " + _("nhiệm vụ {task}: bỏ phần chủ trì (đơn vị điều phối không tự báo cáo)").format(
                    task=task))
        if e.source:
            out.append("      " + _("Căn cứ: {source}").format(source=e.source))
    if len(out) == 1:
        out.append("  " + _("Không có thay đổi nào được ghi nhận."))
    return "\n".join(out)
