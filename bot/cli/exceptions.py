"""`nhacviec deadline extend` and `nhacviec exempt`: the operator's way to extend a deadline or exempt a unit
from a report, each with `--undo` (the same rules as /giahan and /miennop: models/exceptions.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

import typer
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.cli.common import app, execute, parse_day, settings_or_exit
from bot.config import Settings
from bot.errors import UserError
from bot.root import Services, local_today
from locales import _, format_date
from models.catalog import Catalog, load_catalog
from models.exceptions import Kind, Refused, Target, exempt, extend, find_period, revoke, target
from models.rules.period_words import PeriodRef, read_period
from models.rules.text import clean
from models.wording import period_of

deadline_app = typer.Typer(no_args_is_help=True, help=_("Hạn báo cáo của một đơn vị: gia hạn."))
app.add_typer(deadline_app, name="deadline")

ACTOR = "cli"
UnitArgument = Annotated[str, typer.Argument(help=_("Đơn vị (mã hoặc tên), ví dụ SCT."))]
TaskArgument = Annotated[str, typer.Argument(help=_("Mã nhiệm vụ, ví dụ IV.2.a."))]
ReasonOption = Annotated[str | None, typer.Option("--reason", help=_("Lý do (bắt buộc, trừ khi --undo)."))]
PeriodOption = Annotated[str | None, typer.Option("--period", help=_(
    "Kỳ báo cáo như bot ghi: \"năm 2025\", \"quý IV/2026\", \"tháng 12/2026\" (mặc định: kỳ đang mở cũ nhất)."))]
UndoOption = Annotated[bool, typer.Option("--undo", help=_("Hủy (thu hồi) thay vì ghi mới."))]


Act = Callable[[AsyncSession, Catalog, Target], Awaitable[str]]


def _run(settings: Settings, unit: str, task: str, act: Act) -> None:
    """The frame both commands share: the unit's task found as chat finds it, `act` in one transaction, its
    message printed; a refusal (models/exceptions.py) is one line and changes nothing."""
    async def work(services: Services) -> None:
        async with services.sessions() as session:
            catalog = await load_catalog(session)
            try:
                message = await act(session, catalog, target(catalog, unit, task))
            except Refused as refused:
                raise UserError(str(refused)) from refused
            await session.commit()
        typer.echo(message)

    execute(work, settings)


def _period(text: str | None) -> PeriodRef | None:
    if text is None:
        return None
    read = read_period(text.split())
    if read is None or read.words_used != len(text.split()):
        raise typer.BadParameter(_("'{value}' không phải kỳ báo cáo; viết như \"năm 2025\", \"quý IV/2026\", "
                                   "\"tháng 12/2026\"").format(value=text), param_hint="--period")
    return read.period


def _reason(reason: str | None, undo: bool) -> str:
    if undo:
        return ""
    reason = clean(reason or "").strip()  # as typed in chat: control characters never enter (issue 10)
    if not reason:
        raise typer.BadParameter(_("ghi lý do, ví dụ --reason \"chờ số liệu quý IV\""), param_hint="--reason")
    return reason


@deadline_app.command("extend", help=_("Gia hạn báo cáo của một đơn vị cho một kỳ (hoặc hủy gia hạn với --undo)."))
def deadline_extend(
    unit: UnitArgument,
    task: TaskArgument,
    day: Annotated[str | None, typer.Argument(metavar="DATE", help=_(
        "Hạn mới (31/12/2025 hoặc 2025-12-31); bỏ trống khi --undo."))] = None,
    reason: ReasonOption = None,
    period: PeriodOption = None,
    undo: UndoOption = False,
) -> None:
    settings = settings_or_exit()
    ref, why = _period(period), _reason(reason, undo)
    new_due = parse_day(day) if day else None
    if new_due is None and not undo:
        raise typer.BadParameter(_("ghi hạn mới, ví dụ 31/12/2025"), param_hint="DATE")
    today = local_today(settings)

    async def act(session: AsyncSession, catalog: Catalog, where: Target) -> str:
        if undo:
            o = await find_period(session, catalog.followed(), where, today, ref) if ref else None
            revoked = await revoke(session, Kind.extension, where, o, actor=ACTOR, member_id=None)
            return _("Đã hủy {n} gia hạn của {unit} · {task}.").format(
                n=len(revoked), unit=where.unit.code, task=where.task.code)
        assert new_due is not None
        o = await find_period(session, catalog.followed(), where, today, ref)
        await extend(session, where, o, new_due, why, actor=ACTOR, member_id=None, today=today)
        return _("Đã gia hạn {unit} · {task} · {period} đến {day} (hạn gốc {due}).").format(
            unit=where.unit.code, task=where.task.code, period=period_of(o), day=format_date(new_due),
            due=format_date(o.original_due or o.due))

    _run(settings, unit, task, act)


@app.command("exempt", help=_("Miễn nộp báo cáo cho một đơn vị: một kỳ, hoặc từ nay (--from-now); --undo để hủy."))
def exempt_command(
    unit: UnitArgument,
    task: TaskArgument,
    reason: ReasonOption = None,
    period: PeriodOption = None,
    from_now: Annotated[bool, typer.Option("--from-now", help=_("Mọi kỳ có hạn từ hôm nay trở đi."))] = False,
    undo: UndoOption = False,
) -> None:
    settings = settings_or_exit()
    if period and from_now:
        raise typer.BadParameter(_("chọn một trong hai: --period hoặc --from-now"), param_hint="--from-now")
    ref, why = _period(period), _reason(reason, undo)
    today = local_today(settings)

    async def act(session: AsyncSession, catalog: Catalog, where: Target) -> str:
        if undo:
            o = await find_period(session, catalog.followed(), where, today, ref) if ref else None
            revoked = await revoke(session, Kind.exemption, where, o, from_now=from_now, actor=ACTOR, member_id=None)
            return _("Đã hủy {n} miễn nộp của {unit} · {task}.").format(
                n=len(revoked), unit=where.unit.code, task=where.task.code)
        if from_now:
            await exempt(session, where, None, why, actor=ACTOR, member_id=None, today=today)
            return _("Từ {day}, {unit} không phải nộp báo cáo {task}.").format(
                day=format_date(today), unit=where.unit.code, task=where.task.code)
        o = await find_period(session, catalog.followed(), where, today, ref)
        await exempt(session, where, o, why, actor=ACTOR, member_id=None, today=today)
        return _("Đã miễn nộp {unit} · {task} · {period}.").format(
            unit=where.unit.code, task=where.task.code, period=period_of(o))

    _run(settings, unit, task, act)
