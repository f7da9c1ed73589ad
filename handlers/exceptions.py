"""A coordinator changes what a unit owes: /giahan (a new deadline for one period) and /miennop (a period,
or every period from today on, not owed). Each takes a reason, is audited, and is revoked by the same
command ending in "hủy". The rules are in models/exceptions.py; every view reads them through the
obligations (models/obligations.py), so nothing else changes here."""

from __future__ import annotations

import dataclasses

from handlers.core import STAFF, Context, Router
from locales import N_, _, format_date
from models.callbacks import Button
from models.chat import Reply
from models.exceptions import (
    FROM_NOW,
    Kind,
    Refused,
    Target,
    exempt,
    extend,
    find_period,
    is_undo,
    read_day,
    revoke,
    revoke_by_id,
)
from models.exceptions import target as find_target
from models.obligations import Obligation
from models.reports import MAX_TEXT
from models.rules.period_words import PeriodRef, read_period
from models.rules.periods import Every
from models.rules.text import fold
from models.wording import period_of

router = Router()

EXTEND_USAGE = N_("Cách ghi: /giahan <đơn vị> <nhiệm vụ> [kỳ] <ngày dd/mm/yyyy> <lý do>, ví dụ: /giahan SCT IV.2.a "
                  "31/12/2025 chờ số liệu quý IV. Để hủy: /giahan SCT IV.2.a hủy")
EXEMPT_USAGE = N_("Cách ghi: /miennop <đơn vị> <nhiệm vụ> [kỳ | từ nay] <lý do>, ví dụ: /miennop SCT IV.2.a năm 2025 "
                  "đơn vị không còn nhiệm vụ này. Để hủy: /miennop SCT IV.2.a năm 2025 hủy")


def _split(ctx: Context, args: str, usage: str) -> tuple[Target, PeriodRef | None, list[str]]:
    """"<đơn vị> <nhiệm vụ> [kỳ] rest…": the unit is every word before the first task code."""
    words = args.split()
    at = next((i for i, word in enumerate(words) if i > 0 and ctx.catalog.is_task_key(word)), None)
    if at is None:
        raise Refused(_(usage))
    where = find_target(ctx.catalog, " ".join(words[:at]), words[at])
    rest = words[at + 1:]
    read = read_period(rest)
    if read is None:
        return where, None, rest
    return where, read.period, rest[read.words_used:]


def _within_limit(reason: str) -> None:
    """A reason is a field like a report's or a return comment: refused over the limit, never cut."""
    if len(reason) > MAX_TEXT:
        raise Refused(_("Lý do dài {n} ký tự, vượt giới hạn {limit}. Vui lòng rút gọn rồi gửi lại.").format(
            n=len(reason), limit=MAX_TEXT))


@dataclasses.dataclass(frozen=True, kw_only=True)
class RevokeException(Button, prefix="xc"):
    """"Hủy" under a confirmation: revokes that one extension or exemption."""

    exception: int


def _confirm(ctx: Context, text: str, exception_id: int) -> list[Reply]:
    return [Reply(text, (ctx.button(_("Hủy"), RevokeException(exception=exception_id)),))]


@router.button(RevokeException, roles=STAFF)
async def revoke_pressed(ctx: Context, button: RevokeException) -> list[Reply]:
    try:
        row, where = await revoke_by_id(ctx.session, ctx.catalog, button.exception, actor=ctx.actor,
                                        member_id=ctx.member_id)
    except Refused as refused:
        return [Reply(str(refused))]
    if row.kind == Kind.extension:
        return [Reply(_("Đã hủy gia hạn báo cáo {task} của {unit}; nhắc việc tính lại theo hạn gốc.").format(
            task=where.task.code, unit=where.unit.name))]
    return [Reply(_("Đã hủy miễn nộp báo cáo {task} của {unit}; đơn vị lại phải báo cáo như kế hoạch.").format(
        task=where.task.code, unit=where.unit.name))]


def _period_words(o: Obligation) -> str:
    """The period as the command takes it back (a one-off round has no words: it is the only one)."""
    return "" if o.every == Every.once else f" {period_of(o)}"


@router.command("giahan", "extend", roles=STAFF,
                help=N_("Gia hạn báo cáo cho một đơn vị: /giahan <đơn vị> <nhiệm vụ> [kỳ] <ngày> <lý do>"))
async def extend_deadline(ctx: Context, args: str) -> list[Reply]:
    if not ctx.plans:
        return [Reply(_("Chưa có kế hoạch nào được nạp."))]
    try:
        where, period, rest = _split(ctx, args, EXTEND_USAGE)
        if is_undo(rest):
            o = await find_period(ctx.session, ctx.plans, where, ctx.today, period) if period else None
            await revoke(ctx.session, Kind.extension, where, o, actor=ctx.actor, member_id=ctx.member_id)
            return [Reply(_("Đã hủy gia hạn báo cáo {task} của {unit}; nhắc việc tính lại theo hạn gốc.").format(
                task=where.task.code, unit=where.unit.name))]
        day = read_day(rest[0]) if rest else None
        if day is None:
            given = rest[0] if rest else ""
            raise Refused((_("“{text}” không phải ngày.").format(text=given) + " " if given else "") + _(EXTEND_USAGE))
        reason = " ".join(rest[1:])
        if not reason:
            raise Refused(_("Vui lòng ghi lý do gia hạn sau ngày.") + " " + _(EXTEND_USAGE))
        _within_limit(reason)
        o = await find_period(ctx.session, ctx.plans, where, ctx.today, period)
        row = await extend(ctx.session, where, o, day, reason, actor=ctx.actor, member_id=ctx.member_id,
                           today=ctx.today)
    except Refused as refused:
        return [Reply(str(refused))]
    return _confirm(ctx, _(
        "✅ Đã gia hạn báo cáo {task} · {period} của {unit} đến {day} (hạn gốc {due}).\nLý do: {reason}\n"
        "Nhắc việc và cảnh báo quá hạn tính theo hạn mới. Để hủy: /giahan {code} {task}{words} hủy").format(
        task=where.task.code, period=period_of(o), unit=where.unit.name, day=format_date(day),
        due=format_date(o.original_due or o.due), reason=reason, code=where.unit.code, words=_period_words(o)),
        row.id)


@router.command("miennop", "exempt", roles=STAFF,
                help=N_("Miễn nộp báo cáo cho một đơn vị: /miennop <đơn vị> <nhiệm vụ> [kỳ | từ nay] <lý do>"))
async def exempt_report(ctx: Context, args: str) -> list[Reply]:
    if not ctx.plans:
        return [Reply(_("Chưa có kế hoạch nào được nạp."))]
    try:
        where, period, rest = _split(ctx, args, EXEMPT_USAGE)
        from_now = period is None and fold(" ".join(rest[:2])) in FROM_NOW
        if from_now:
            rest = rest[2:]
        if is_undo(rest):
            o = await find_period(ctx.session, ctx.plans, where, ctx.today, period) if period else None
            await revoke(ctx.session, Kind.exemption, where, o, from_now=from_now, actor=ctx.actor,
                         member_id=ctx.member_id)
            return [Reply(_("Đã hủy miễn nộp báo cáo {task} của {unit}; đơn vị lại phải báo cáo như kế hoạch.").format(
                task=where.task.code, unit=where.unit.name))]
        reason = " ".join(rest)
        if not reason:
            raise Refused(_("Vui lòng ghi lý do miễn nộp.") + " " + _(EXEMPT_USAGE))
        _within_limit(reason)
        if from_now:
            row = await exempt(ctx.session, where, None, reason, actor=ctx.actor, member_id=ctx.member_id,
                               today=ctx.today)
            return _confirm(ctx, _("✅ Từ nay ({day}) {unit} không phải nộp báo cáo {task}.\nLý do: {reason}\n"
                            "Để hủy: /miennop {code} {task} từ nay hủy").format(
                day=format_date(ctx.today), unit=where.unit.name, task=where.task.code, reason=reason,
                code=where.unit.code), row.id)
        o = await find_period(ctx.session, ctx.plans, where, ctx.today, period)
        row = await exempt(ctx.session, where, o, reason, actor=ctx.actor, member_id=ctx.member_id, today=ctx.today)
    except Refused as refused:
        return [Reply(str(refused))]
    return _confirm(ctx, _("✅ Đã miễn nộp báo cáo {task} · {period} cho {unit}.\nLý do: {reason}\n"
                    "Để hủy: /miennop {code} {task}{words} hủy").format(
        task=where.task.code, period=period_of(o), unit=where.unit.name, reason=reason, code=where.unit.code,
        words=_period_words(o)), row.id)
