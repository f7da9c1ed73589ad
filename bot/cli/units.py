"""`nhacviec units`: the province's units on a day, their names and focal points; a unit's history."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated

import typer
from sqlmodel import col, select

from bot.cli import text
from bot.cli.common import PlanOption, execute, parse_day, units_app
from bot.errors import UserError
from bot.root import Services, local_today
from locales import _, format_date
from models.plans import chosen_plans
from models.registry import focal_points, lead_counts, unit_history, units_at
from models.store.tables import GrantStatus, Unit, UnitAlias


@units_app.callback(invoke_without_command=True)
def units(
    ctx: typer.Context,
    at: Annotated[str | None, typer.Option("--at", help=_("Các đơn vị hoạt động vào ngày này (2025-08-01)."))] = None,
    plan: PlanOption = None,
) -> None:
    """Danh sách đơn vị chịu trách nhiệm, số nhiệm vụ chủ trì và số đầu mối đã đăng ký."""
    if ctx.invoked_subcommand is not None:
        return
    day = parse_day(at) if at else None

    async def work(services: Services) -> None:
        async with services.sessions() as s:
            plans = await chosen_plans(s, plan)
            plan_ids = [p.id for p in plans] if plan else None
            rows = await units_at(s, day, plan_ids=plan_ids)
            ids = [u.id for u in rows]
            aliases: dict[int, list[str]] = defaultdict(list)
            for a in (await s.exec(select(UnitAlias).where(col(UnitAlias.unit_id).in_(ids))
                                   .order_by(col(UnitAlias.id)))).all():
                if a.alias not in aliases[a.unit_id]:
                    aliases[a.unit_id].append(a.alias)
            focals: dict[int, int] = defaultdict(int)
            pending: dict[int, int] = defaultdict(int)
            for unit_id, _member, status in await focal_points(s, ids, day or local_today(services.settings)):
                (pending if status == GrantStatus.pending else focals)[unit_id] += 1
            everyone = {u.id: u.code for u in (await s.exec(select(Unit))).all()}
            successor = {u.id: everyone.get(u.successor_id, "?") for u in rows if u.successor_id}
            names = ", ".join(p.code for p in plans)
            if day is None:
                typer.echo(_("Kế hoạch {code}: {n} đơn vị").format(code=names, n=len(rows)))
            else:
                typer.echo(_("Kế hoạch {code}: {n} đơn vị hoạt động ngày {day}").format(
                    code=names, n=len(rows), day=format_date(day)))
            leads = await lead_counts(s, ids, day or local_today(services.settings))
            typer.echo(text.units_table(rows, aliases, leads, focals, successor, pending,
                                        day=day or local_today(services.settings)))

    execute(work)


@units_app.command("history", help=_("Lịch sử sắp xếp của một đơn vị: hợp nhất, đổi tên, nhiệm vụ chuyển đến, đi."))
def units_history(code: Annotated[str, typer.Argument(help=_("Mã đơn vị, ví dụ SKHCN."))]) -> None:

    async def work(services: Services) -> None:
        async with services.sessions() as s:
            unit = (await s.exec(select(Unit).where(Unit.code == code.upper()))).first()
            if unit is None:
                raise UserError(_("Không có đơn vị mã '{code}'. Xem `nhacviec units`.").format(code=code))
            typer.echo(text.history_listing(unit, await unit_history(s, unit)))

    execute(work)
