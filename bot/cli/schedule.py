"""What is due and what the bot would say: `nhacviec schedule`, `reminders preview`, `digest`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from sqlmodel import select

from bot.cli import text
from bot.cli.common import PlanOption, app, execute, parse_day, parse_moment, reminders_app, settings_or_exit
from bot.config import CHANNELS
from bot.errors import UserError
from bot.root import Services, send_digest_now, tick_config
from jobs import digest as digest_data
from jobs.preview import preview
from locales import _
from models.obligations import obligations_touching, plan_calendar
from models.plans import chosen_plans
from models.store.tables import Unit


@app.command(help=_("Mọi hạn báo cáo và ngày nhắc trong khoảng, theo đơn vị và nhiệm vụ."))
def schedule(
    start: Annotated[str, typer.Option("--from", help=_("Từ ngày (2025-01-01 hoặc 01/01/2025)."))],
    end: Annotated[str, typer.Option("--to", help=_("Đến ngày."))],
    unit: Annotated[str | None, typer.Option("--unit", help=_("Chỉ một đơn vị (mã)."))] = None,
    plan: PlanOption = None,
) -> None:
    first, last = parse_day(start), parse_day(end)
    if first > last:
        raise typer.BadParameter(_("--from phải trước --to"))
    if (last - first).days > 3660:
        raise typer.BadParameter(_("khoảng thời gian tối đa 10 năm"))

    async def work(services: Services) -> None:
        async with services.sessions() as s:
            plans = await chosen_plans(s, plan)
            unit_ids = None
            if unit:
                row = (await s.exec(select(Unit).where(Unit.code == unit.upper()))).first()
                if row is None:
                    raise UserError(_("Không có đơn vị mã '{code}'. Xem `nhacviec units`.").format(code=unit))
                unit_ids = [row.id]
            calendar = await plan_calendar(s)
            found = await obligations_touching(s, [p.id for p in plans], first, last, calendar, unit_ids=unit_ids)
            typer.echo(text.schedule_listing(found, first, last, calendar, plans))

    execute(work)


@reminders_app.command("preview", help=_("Xem trước bot sẽ gửi gì vào một thời điểm, và vì sao (không gửi gì)."))
def reminders_preview(
    at: Annotated[str | None, typer.Option("--at", help=_("Thời điểm, ví dụ \"2025-12-10 08:00\" (mặc định: bây giờ)."))
                  ] = None,
) -> None:
    settings = settings_or_exit()
    moment = parse_moment(at, settings) if at else datetime.now(settings.tz)

    async def work(services: Services) -> None:
        config = tick_config(settings, frozenset(CHANNELS) - {"console"})
        async with services.sessions() as session:
            planned = await preview(session, config, moment)
        typer.echo(text.preview(planned, moment, settings.tz))

    execute(work, settings)


@app.command(help=_("Bản tin tuần: in ra, lưu Excel/biểu đồ, hoặc gửi ngay cho lãnh đạo và cán bộ điều phối."))
def digest(
    print_: Annotated[bool, typer.Option("--print", help=_("In nội dung bản tin."))] = False,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help=_("Lưu bảng Excel vào tệp này."))] = None,
    png: Annotated[Path | None, typer.Option("--png", help=_("Lưu biểu đồ (một tệp mỗi kế hoạch)."))] = None,
    send: Annotated[bool, typer.Option("--send", help=_("Gửi ngay qua các kênh đã cấu hình."))] = False,
    plan: PlanOption = None,
) -> None:
    settings = settings_or_exit()
    if not (print_ or xlsx or png or send):
        print_ = True

    async def work(services: Services) -> None:
        now = datetime.now(settings.tz)
        async with services.sessions() as session:
            plans = await chosen_plans(session, plan)
            data = [await digest_data.build(session, p, now, settings.tz, contributions=bool(xlsx)) for p in plans]
        if print_:
            typer.echo(digest_data.texts(data, attachments=False))
        if xlsx:
            from jobs import workbook  # openpyxl only when a workbook is asked for

            xlsx.write_bytes(workbook.render(data))
            typer.echo(_("Đã lưu {path}").format(path=xlsx))
        if png:
            from jobs import chart  # matplotlib only when a chart is asked for

            shown = [d for d in data if d.has_news] or data[:1]
            for d in shown:
                path = png if len(shown) == 1 else png.with_name(f"{png.stem}-{d.plan.code}{png.suffix}")
                path.write_bytes(chart.render(d))
                typer.echo(_("Đã lưu {path}").format(path=path))
        if send:
            sent = await send_digest_now(services, now)
            typer.echo(_("Đã gửi bản tin tới {n} nơi nhận.").format(n=sent))

    execute(work, settings)
