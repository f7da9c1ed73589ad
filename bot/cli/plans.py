"""`nhacviec plan …`: check, load, show, list and retire the plans the province follows."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli import text
from bot.cli.common import PlanOption, execute, fail, one_file, parse_day, plan_app, settings_or_exit
from bot.errors import UserError
from bot.root import Services, local_today
from locales import _
from models.plan_view import plan_counts, plan_view
from models.planfiles.load_plan import load_plan
from models.planfiles.plan_file import read_plan
from models.planfiles.source import SourceError
from models.plans import AlreadyDone, chosen_plans, retire_plan
from models.store import db
from models.store.base import utcnow


@plan_app.command("check", help=_("Kiểm tra một tệp kế hoạch, không cần cơ sở dữ liệu."))
def plan_check(file: Annotated[Path, typer.Argument(help=_("Tệp kế hoạch YAML."))]) -> None:
    one_file(file)
    try:
        loaded = read_plan(file)
    except SourceError as error:
        fail(_("Tệp kế hoạch có lỗi:") + "\n" + str(error), 2)
        return
    spec = loaded.spec
    typer.echo(_("{file}: hợp lệ — kế hoạch {code}: {units} đơn vị, {tasks} nhiệm vụ, {schedules} lịch báo cáo, "
                 "{targets} mục tiêu.").format(file=file, code=spec.plan.code, units=len(spec.units),
                                               tasks=len(spec.tasks), schedules=len(spec.schedules),
                                               targets=len(spec.targets)))


@plan_app.command("load", help=_("Nạp (hoặc cập nhật) một kế hoạch; các kế hoạch khác giữ nguyên."))
def plan_load(
    file: Annotated[Path, typer.Argument(help=_("Tệp kế hoạch YAML."))],
    dry_run: Annotated[bool, typer.Option("--dry-run", help=_("Chỉ in những gì sẽ thay đổi."))] = False,
) -> None:
    one_file(file)
    try:
        loaded = read_plan(file)
    except SourceError as error:
        fail(_("Tệp kế hoạch có lỗi, chưa ghi gì vào cơ sở dữ liệu:") + "\n" + str(error), 2)
        return

    async def work(services: Services) -> None:
        await db.upgrade(services.engine)
        async with services.sessions() as session:
            result = await load_plan(session, loaded, actor="cli", dry_run=dry_run,
                                     today=local_today(services.settings))
        typer.echo(text.change_listing(result.changes, dry_run=dry_run))

    execute(work, needs_schema=False)


@plan_app.command("list", help=_("Các kế hoạch đã nạp: đang theo dõi hay đã kết thúc, số đơn vị, nhiệm vụ, báo cáo."))
def plan_list() -> None:

    async def work(services: Services) -> None:
        async with services.sessions() as session:
            typer.echo(text.plan_table(await plan_counts(session), services.settings.tz))

    execute(work)


@plan_app.command("retire", help=_("Kết thúc theo dõi một kế hoạch: không nhắc nữa, báo cáo và lịch sử được giữ."))
def plan_retire(
    code: Annotated[str, typer.Argument(help=_("Mã kế hoạch."))],
    undo: Annotated[bool, typer.Option("--undo", help=_("Theo dõi lại kế hoạch đã kết thúc."))] = False,
) -> None:

    async def work(services: Services) -> None:
        async with services.sessions() as session:
            try:
                await retire_plan(session, code, now=utcnow(), actor="cli", undo=undo)
            except AlreadyDone as error:
                raise UserError(str(error)) from error
        typer.echo(_("Đã theo dõi lại kế hoạch {code}.").format(code=code) if undo else
                   _("Đã kết thúc theo dõi kế hoạch {code}: bot không nhắc nữa; báo cáo và lịch sử vẫn được giữ.")
                   .format(code=code))

    execute(work)


@plan_app.command("show", help=_("Xem kế hoạch đã nạp: mục tiêu, chỉ số, lịch báo cáo, nhiệm vụ."))
def plan_show(
    plan: PlanOption = None,
    at: Annotated[str | None, typer.Option("--at", help=_("Đơn vị phụ trách vào ngày này (mặc định: hôm nay)."))]
    = None,
) -> None:
    settings = settings_or_exit()
    day = parse_day(at) if at else None

    async def work(services: Services) -> None:
        async with services.sessions() as session:
            plans = await chosen_plans(session, plan)
            shown = [await plan_view(session, p, day or local_today(services.settings)) for p in plans]
        typer.echo("\n\n".join(text.plan_overview(view, settings.tz) for view in shown))

    execute(work, settings)

