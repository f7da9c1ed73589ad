"""Running the bot: `nhacviec run`, `nhacviec chat` (the bot in a terminal), `nhacviec invite`."""

from __future__ import annotations

import asyncio
import getpass
import logging
from datetime import UTC, datetime
from typing import Annotated

import typer

from bot import logs
from bot.channels import ChannelRejected
from bot.channels.console import ConsoleChannel
from bot.cli import text
from bot.cli.common import PlanOption, app, execute, fail, secrets, settings_or_exit
from bot.config import Settings
from bot.errors import UserError
from bot.root import Services, build_dispatcher, local_today, prepare, serve_forever
from bot.webhook import ListenFailed
from locales import _
from models.catalog import load_catalog
from models.people import create_invite, parse_role
from models.planfiles.source import SourceError
from models.plans import chosen_plans
from models.registry import unit_name as name_on_day
from models.store import kv
from models.store.db import DatabaseUnavailable
from models.store.tables import Role


@app.command(help=_("Chuẩn bị cơ sở dữ liệu, nạp kế hoạch và chạy bot: kênh chat (nếu có), nhắc việc, trang "
                    "theo dõi."))
def run() -> None:
    settings = settings_or_exit()
    logs.setup(logging.INFO, secrets(settings))
    try:
        asyncio.run(serve_forever(settings, say=typer.echo))
    except DatabaseUnavailable as error:
        fail(_("Không kết nối được cơ sở dữ liệu {detail}").format(detail=error), 1)
    except SourceError as error:
        fail(_("Tệp kế hoạch hoặc tệp sắp xếp có lỗi, chưa ghi gì vào cơ sở dữ liệu:") + "\n" + str(error), 2)
    except UserError as error:
        fail(str(error), 2)
    except (ChannelRejected, ListenFailed) as error:
        fail(str(error), 1)


@app.command(help=_("Trò chuyện với bot ngay trong cửa sổ lệnh, không cần Telegram hay Zalo."))
def chat(
    user: Annotated[str | None, typer.Option("--user", help=_("Mã người dùng console (mặc định: tên đăng nhập)."))
                    ] = None,
    name: Annotated[str | None, typer.Option("--name", help=_("Tên hiển thị."))] = None,
    as_: Annotated[str | None, typer.Option("--as", help=_("Vào ngay với vai trò: focal:SCT, coordinator, leader."))
                   ] = None,
) -> None:
    settings = settings_or_exit()
    logs.setup(logging.WARNING, secrets(settings))
    _console(settings, user=user, name=name, as_=as_)


def _console(settings: Settings, *, user: str | None, name: str | None, as_: str | None) -> None:
    user_id = user or getpass.getuser() or "local"
    display = name or user_id

    async def work(services: Services) -> None:
        await prepare(services)
        console = ConsoleChannel(build_dispatcher(services), user_id=user_id, name=display)
        if as_:
            role_text, _sep, unit_text = as_.partition(":")
            role = parse_role(role_text)
            if role is None:
                raise UserError(_("--as: vai trò '{role}' không rõ; dùng focal, coordinator hoặc leader.").format(
                    role=role_text))
            code, _unit = await new_invite(services, role, unit_text or None, days=1)
            for line in await console.say(f"/start {code}"):
                typer.echo(line)
        await console.run()

    execute(work, settings, needs_schema=False)


async def new_invite(services: Services, role: str, unit_text: str | None, *, days: int,
                     plan_code: str | None = None) -> tuple[str, str | None]:
    async with services.sessions() as session:
        await chosen_plans(session, plan_code)  # a plan must be loaded (and exist, when named)
        unit_id, unit_name = None, None
        if unit_text:
            catalog = await load_catalog(session)  # names as the chat understands them, successors included
            units = catalog.find_units(unit_text, on=local_today(services.settings))
            if len(units) != 1:
                found = ", ".join(u.code for u in units) or _("không có")
                raise UserError(_("Đơn vị “{text}” không xác định được (khớp: {found}). Xem `nhacviec units`.")
                                .format(text=unit_text, found=found))
            unit_id, unit_name = units[0].id, name_on_day(units[0], local_today(services.settings))
        elif role == Role.focal:
            raise UserError(_("Mã mời đầu mối cần đơn vị, ví dụ: nhacviec invite SCT --role focal"))
        _invite, code = await create_invite(session, role=role, unit_id=unit_id, created_by="cli",
                                            now=datetime.now(UTC), days=days)
        await session.commit()
        return code, unit_name


@app.command(help=_("Tạo mã mời (dùng một lần, có hạn) cho một đơn vị và vai trò."))
def invite(
    unit: Annotated[str | None, typer.Argument(help=_("Mã hoặc tên đơn vị (cần cho đầu mối)."))] = None,
    role: Annotated[str, typer.Option("--role", help=_("focal | coordinator | leader"))] = "focal",
    days: Annotated[int | None, typer.Option("--days", help=_("Số ngày hiệu lực (mặc định 14)."))] = None,
    plan: PlanOption = None,
) -> None:
    settings = settings_or_exit()
    chosen = parse_role(role)
    if chosen is None:
        raise typer.BadParameter(_("vai trò '{role}' không rõ; dùng focal, coordinator hoặc leader.").format(role=role))

    async def work(services: Services) -> None:
        code, unit_name = await new_invite(services, chosen, unit, days=days or settings.invite_days, plan_code=plan)
        async with services.sessions() as session:
            username = await kv.get(session, kv.TELEGRAM_USERNAME)
        typer.echo(text.invite_card(code, chosen, unit_name, days or settings.invite_days, username))

    execute(work, settings)
