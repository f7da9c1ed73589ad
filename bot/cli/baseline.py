"""`nhacviec baseline set|list`: a target's figures for the years before the bot followed the plan, entered
by hand with their source (the same rules as /nhapso in chat: models/baselines.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

import typer

from bot.cli import text as cli_text
from bot.cli.common import PlanOption, app, execute, settings_or_exit
from bot.errors import UserError
from bot.root import Services
from locales import _, format_number
from models.baselines import BaselineError, baselines_of, enter, read_value, years_open
from models.plans import chosen_plans
from models.rules.text import clean

baseline_app = typer.Typer(no_args_is_help=True, help=_(
    "Số liệu của mục tiêu các năm trước khi bot theo dõi kế hoạch, nhập tay kèm nguồn."))
app.add_typer(baseline_app, name="baseline")


@baseline_app.command("set", help=_("Ghi (hoặc thay) số liệu một năm của một mục tiêu, kèm nguồn số liệu."))
def baseline_set(
    target: Annotated[str, typer.Argument(help=_("Mã mục tiêu, ví dụ DN_HO_TRO (xem `nhacviec plan show`)."))],
    year: Annotated[int, typer.Argument(help=_("Năm, ví dụ 2021."))],
    value: Annotated[str, typer.Argument(help=_("Số liệu của năm, ví dụ 8 hoặc 8,3."))],
    source: Annotated[str, typer.Option("--source", help=_("Nguồn số liệu, ví dụ “Báo cáo 45/BC-SKHCN ngày "
                                                           "20/12/2021”."))],
    plan: PlanOption = None,
) -> None:
    settings = settings_or_exit()

    async def work(services: Services) -> None:
        async with services.sessions() as session:
            chosen = (await chosen_plans(session, plan))[0]
            try:
                entered = await enter(session, chosen, target_code=target, year=year, value=read_value(value),
                                      source_note=clean(source), entered_by="cli", member_id=None,
                                      now=datetime.now(UTC))
            except BaselineError as error:
                raise UserError(str(error)) from error
            await session.commit()
        row, measure = entered.baseline, entered.target.measure
        line = _("Đã ghi số liệu nhập tay: {code} năm {year} = {figure} (nguồn: {source}).").format(
            code=entered.target.code, year=row.year, figure=f"{format_number(Decimal(row.value).normalize())} "
            f"{measure}".strip(), source=row.source_note)
        if entered.replaced is not None:
            line += " " + _("Thay số đã ghi trước: {figure}.").format(
                figure=f"{format_number(entered.replaced.normalize())} {measure}".strip())
        typer.echo(line)

    execute(work, settings)


@baseline_app.command("list", help=_("Số liệu đã nhập tay, theo mục tiêu và năm."))
def baseline_list(plan: PlanOption = None) -> None:
    settings = settings_or_exit()

    async def work(services: Services) -> None:
        out = []
        async with services.sessions() as session:
            for chosen in await chosen_plans(session, plan):
                rows = [(t.code, str(b.year), f"{format_number(Decimal(b.value).normalize())} {t.measure}".strip(),
                         b.source_note, b.entered_by) for t, b in await baselines_of(session, chosen)]
                years = years_open(chosen)
                out.append(_("Số liệu nhập tay — {plan}").format(plan=chosen.short or chosen.code))
                out.append(cli_text.table(rows, (_("Mục tiêu"), _("Năm"), _("Số liệu"), _("Nguồn"), _("Người nhập")))
                           if rows else _("Chưa có số liệu nào được nhập tay."))
                if years:
                    out.append(_("Nhập được các năm {first}–{last} (trước khi bot theo dõi kế hoạch).").format(
                        first=years[0], last=years[-1]))
        typer.echo("\n".join(out))

    execute(work, settings)
