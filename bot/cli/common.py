"""What every `nhacviec` command shares: its Typer groups, settings, opening the services, and one-line
answers to errors (exit 2 for bad input, 1 when the database cannot be reached) — never a traceback."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from sqlalchemy.exc import DBAPIError

from bot import logs
from bot.config import Settings, SettingsError, load_settings
from bot.errors import UserError
from bot.root import Services, open_services
from locales import _
from models.planfiles.source import SourceError
from models.plans import PlanNotFound
from models.store import db
from models.store.db import DatabaseUnavailable

T = TypeVar("T")

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None, pretty_exceptions_enable=False,
                  help=_("Nhắc việc: theo dõi thực hiện kế hoạch của tỉnh qua Telegram và Zalo."))
plan_app = typer.Typer(no_args_is_help=True, help=_("Xem, kiểm tra, nạp và kết thúc theo dõi các kế hoạch."))
db_app = typer.Typer(no_args_is_help=True, help=_("Cơ sở dữ liệu."))
units_app = typer.Typer(help=_("Đơn vị chịu trách nhiệm: danh sách (theo ngày) và lịch sử sắp xếp."))
reorg_app = typer.Typer(no_args_is_help=True, help=_("Sắp xếp tổ chức: hợp nhất, đổi tên, tách, giải thể đơn vị."))
reminders_app = typer.Typer(no_args_is_help=True, help=_("Nhắc việc tự động."))
app.add_typer(plan_app, name="plan")
app.add_typer(db_app, name="db")
app.add_typer(units_app, name="units")
app.add_typer(reorg_app, name="reorg")
app.add_typer(reminders_app, name="reminders")

PlanOption = Annotated[str | None, typer.Option("--plan", help=_("Chỉ một kế hoạch (mã); mặc định: mọi kế hoạch."))]


def fail(message: str, code: int) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def settings_or_exit() -> Settings:
    try:
        settings = load_settings()
    except SettingsError as error:
        fail(str(error), 2)
        raise  # unreachable: fail exits
    # Every command's log lines, not only the bot's, go through the formatter that masks the secrets.
    logs.setup(logging.WARNING, secrets(settings))
    return settings


def execute(work: Callable[[Services], Awaitable[T]], settings: Settings | None = None, *,
            needs_schema: bool = True) -> T:
    settings = settings or settings_or_exit()

    async def main() -> T:
        async with open_services(settings) as services:
            if needs_schema:
                await require_schema(services)
            return await work(services)

    try:
        return asyncio.run(main())
    except DatabaseUnavailable as error:
        fail(_("Không kết nối được cơ sở dữ liệu {detail}").format(detail=error), 1)
    except SourceError as error:
        fail(_("Tệp kế hoạch có lỗi, chưa ghi gì vào cơ sở dữ liệu:") + "\n" + str(error), 2)
    except (PlanNotFound, UserError) as error:
        fail(str(error), 2)
    except DBAPIError as error:
        fail(_("Lỗi cơ sở dữ liệu: {reason}").format(reason=str(error.orig or error).splitlines()[0]), 1)
    raise AssertionError("unreachable")


async def require_schema(services: Services) -> None:
    """Read commands must not crash on a database that was never set up, nor silently migrate one."""
    current = await db.current_revision(services.engine)
    if current is None:
        raise UserError(_("Cơ sở dữ liệu {url} chưa được khởi tạo. Chạy `nhacviec run` (hoặc `nhacviec db upgrade`).")
                        .format(url=db.safe_url(services.engine.url)))
    if current != db.head_revision():
        raise UserError(_("Cơ sở dữ liệu {url} cần nâng cấp ({current} → {head}). Chạy `nhacviec db upgrade`.")
                        .format(url=db.safe_url(services.engine.url), current=current, head=db.head_revision()))


def parse_day(value: str) -> date:
    """Accept 2025-12-15 as well as the Vietnamese 15/12/2025."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    raise typer.BadParameter(_("'{value}' không phải ngày; viết 2025-12-15 hoặc 15/12/2025").format(value=value))


def parse_moment(value: str, settings: Settings) -> datetime:
    """'2025-12-10 08:00' or '10/12/2025 08:00', in the bot's time zone."""
    for pattern in ("%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value.strip(), pattern).replace(tzinfo=settings.tz)
        except ValueError:
            continue
    raise typer.BadParameter(_("'{value}' không phải thời điểm; viết 2025-12-10 08:00 hoặc 10/12/2025 08:00")
                             .format(value=value))


def one_file(file: Path) -> None:
    """`plan check` and `plan load` take one file; a folder is what NHACVIEC_PLANS is for."""
    if file.is_dir():
        fail(_("{path} là một thư mục. Lệnh này nhận một tệp kế hoạch; để nạp mọi kế hoạch trong thư mục khi bot "
               "chạy, đặt NHACVIEC_PLANS={path}").format(path=file), 2)


def secrets(settings: Settings) -> list[str]:
    values = [settings.telegram_token, settings.zalo_token, settings.telegram_webhook_secret,
              settings.zalo_webhook_secret]
    return [v.get_secret_value() for v in values if v is not None]
