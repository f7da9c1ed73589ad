"""The `nhacviec` command. Each command opens the services from settings, does one thing, and
answers errors in one line (no traceback): exit 2 for bad input, 1 when the database is unreachable."""

from __future__ import annotations

import asyncio
import getpass
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from bot import cli_text, logs
from bot.channels import ChannelRejected
from bot.channels.console import ConsoleChannel
from bot.config import CHANNELS, Settings, SettingsError, load_settings
from bot.errors import UserError
from bot.root import (
    Services,
    build_dispatcher,
    local_today,
    open_services,
    prepare,
    send_digest_now,
    serve_forever,
    tick_config,
)
from bot.webhook import ListenFailed
from jobs import chart, workbook
from jobs import digest as digest_data
from jobs.preview import preview
from locales import _, format_date
from models.catalog import load_catalog
from models.obligations import obligations_touching, plan_calendar
from models.people import create_invite, parse_role
from models.planfiles.load_plan import load_plan
from models.planfiles.load_reorg import load_reorg, plan_state
from models.planfiles.plan_file import read_plan
from models.planfiles.reorg_file import LoadedReorg, check_against, read_reorg
from models.planfiles.source import SourceError
from models.plans import PlanNotFound, find_plan
from models.registry import focal_points, lead_counts, unit_history, units_at
from models.store import db, kv
from models.store.db import DatabaseUnavailable
from models.store.tables import (
    Assignment,
    CalendarOverride,
    GrantStatus,
    Indicator,
    Role,
    Schedule,
    Target,
    TargetMilestone,
    Task,
    TaskIndicator,
    TaskSchedule,
    Unit,
    UnitAlias,
)

T = TypeVar("T")

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None, pretty_exceptions_enable=False,
                  help=_("Nhắc việc: theo dõi thực hiện kế hoạch của tỉnh qua Telegram và Zalo."))
plan_app = typer.Typer(no_args_is_help=True, help=_("Xem, kiểm tra và nạp tệp kế hoạch."))
db_app = typer.Typer(no_args_is_help=True, help=_("Cơ sở dữ liệu."))
app.add_typer(plan_app, name="plan")
app.add_typer(db_app, name="db")

PlanOption = Annotated[str | None, typer.Option("--plan", help=_("Mã kế hoạch (khi có nhiều kế hoạch)."))]


def _fail(message: str, code: int) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        _fail(str(error), 2)
        raise  # unreachable: _fail exits


def _execute(work: Callable[[Services], Awaitable[T]], settings: Settings | None = None, *,
             needs_schema: bool = True) -> T:
    settings = settings or _settings()

    async def main() -> T:
        async with open_services(settings) as services:
            if needs_schema:
                await _require_schema(services)
            return await work(services)

    try:
        return asyncio.run(main())
    except DatabaseUnavailable as error:
        _fail(_("Không kết nối được cơ sở dữ liệu {detail}").format(detail=error), 1)
    except SourceError as error:
        _fail(_("Tệp kế hoạch có lỗi, chưa ghi gì vào cơ sở dữ liệu:") + "\n" + str(error), 2)
    except (PlanNotFound, UserError) as error:
        _fail(str(error), 2)
    except DBAPIError as error:
        _fail(_("Lỗi cơ sở dữ liệu: {reason}").format(reason=str(error.orig or error).splitlines()[0]), 1)
    raise AssertionError("unreachable")


async def _require_schema(services: Services) -> None:
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


# --- run -----------------------------------------------------------------------------------------


@app.command(help=_("Chuẩn bị cơ sở dữ liệu, nạp kế hoạch và chạy bot: kênh chat (nếu có), nhắc việc, trang "
                    "theo dõi."))
def run() -> None:
    settings = _settings()
    logs.setup(logging.INFO, _secrets(settings))
    try:
        asyncio.run(serve_forever(settings, say=typer.echo))
    except DatabaseUnavailable as error:
        _fail(_("Không kết nối được cơ sở dữ liệu {detail}").format(detail=error), 1)
    except SourceError as error:
        _fail(_("Tệp kế hoạch hoặc tệp sắp xếp có lỗi, chưa ghi gì vào cơ sở dữ liệu:") + "\n" + str(error), 2)
    except (ChannelRejected, ListenFailed) as error:
        _fail(str(error), 1)


def _secrets(settings: Settings) -> list[str]:
    values = [settings.telegram_token, settings.zalo_token, settings.telegram_webhook_secret,
              settings.zalo_webhook_secret]
    return [v.get_secret_value() for v in values if v is not None]


@app.command(help=_("Trò chuyện với bot ngay trong cửa sổ lệnh, không cần Telegram hay Zalo."))
def chat(
    user: Annotated[str | None, typer.Option("--user", help=_("Mã người dùng console (mặc định: tên đăng nhập)."))
                    ] = None,
    name: Annotated[str | None, typer.Option("--name", help=_("Tên hiển thị."))] = None,
    as_: Annotated[str | None, typer.Option("--as", help=_("Vào ngay với vai trò: focal:SCT, coordinator, leader."))
                   ] = None,
) -> None:
    settings = _settings()
    logs.setup(logging.WARNING, _secrets(settings))
    _console(settings, user=user, name=name, as_=as_)


def _console(settings: Settings, *, user: str | None, name: str | None, as_: str | None) -> None:
    user_id = user or getpass.getuser() or "local"
    display = name or user_id

    async def work(services: Services) -> None:
        await prepare(services)
        handlers = build_dispatcher(services)
        console = ConsoleChannel(handlers, user_id=user_id, name=display)
        if as_:
            role_text, _sep, unit_text = as_.partition(":")
            role = parse_role(role_text)
            if role is None:
                raise UserError(_("--as: vai trò '{role}' không rõ; dùng focal, coordinator hoặc leader.").format(
                    role=role_text))
            code, _unit = await _new_invite(services, role, unit_text or None, days=1)
            for line in await console.say(f"/start {code}"):
                typer.echo(line)
        await console.run()

    _execute(work, settings, needs_schema=False)


async def _new_invite(services: Services, role: str, unit_text: str | None, *, days: int,
                      plan_code: str | None = None) -> tuple[str, str | None]:
    async with services.sessions() as session:
        plan = await find_plan(session, plan_code)
        unit_id, unit_name = None, None
        if unit_text:
            catalog = await load_catalog(session, plan)  # names as the chat understands them, successors included
            units = catalog.find_units(unit_text, on=local_today(services.settings))
            if len(units) != 1:
                found = ", ".join(u.code for u in units) or _("không có")
                raise UserError(_("Đơn vị “{text}” không xác định được (khớp: {found}). Xem `nhacviec units`.")
                                .format(text=unit_text, found=found))
            unit_id, unit_name = units[0].id, units[0].name
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
    settings = _settings()
    chosen = parse_role(role)
    if chosen is None:
        raise typer.BadParameter(_("vai trò '{role}' không rõ; dùng focal, coordinator hoặc leader.").format(role=role))

    async def work(services: Services) -> None:
        code, unit_name = await _new_invite(services, chosen, unit, days=days or settings.invite_days, plan_code=plan)
        async with services.sessions() as session:
            username = await kv.get(session, kv.TELEGRAM_USERNAME)
        typer.echo(cli_text.invite_card(code, chosen, unit_name, days or settings.invite_days, username))

    _execute(work, settings)


# --- db ------------------------------------------------------------------------------------------


@db_app.command("upgrade", help=_("Tạo hoặc nâng cấp lược đồ cơ sở dữ liệu lên phiên bản mới nhất."))
def db_upgrade() -> None:

    async def work(services: Services) -> None:
        before = await db.current_revision(services.engine)
        await db.upgrade(services.engine)
        after = await db.current_revision(services.engine)
        url = db.safe_url(services.engine.url)
        if before == after:
            typer.echo(_("{url}: đã ở phiên bản mới nhất ({rev}).").format(url=url, rev=after))
        else:
            typer.echo(_("{url}: đã nâng cấp {before} → {after}.").format(url=url, before=before or "∅", after=after))

    _execute(work, needs_schema=False)


@db_app.command("current", help=_("Phiên bản lược đồ hiện tại của cơ sở dữ liệu."))
def db_current() -> None:

    async def work(services: Services) -> None:
        current = await db.current_revision(services.engine)
        head = db.head_revision()
        state = _("mới nhất") if current == head else _("cần chạy `nhacviec db upgrade`")
        typer.echo(f"{current or '∅'} ({state})")

    _execute(work, needs_schema=False)


# --- plan ----------------------------------------------------------------------------------------


@plan_app.command("check", help=_("Kiểm tra một tệp kế hoạch, không cần cơ sở dữ liệu."))
def plan_check(file: Annotated[Path, typer.Argument(help=_("Tệp kế hoạch YAML."))]) -> None:
    try:
        loaded = read_plan(file)
    except SourceError as error:
        _fail(_("Tệp kế hoạch có lỗi:") + "\n" + str(error), 2)
        return
    spec = loaded.spec
    typer.echo(_("{file}: hợp lệ — kế hoạch {code}: {units} đơn vị, {tasks} nhiệm vụ, {schedules} lịch báo cáo, "
                 "{targets} mục tiêu.").format(file=file, code=spec.plan.code, units=len(spec.units),
                                               tasks=len(spec.tasks), schedules=len(spec.schedules),
                                               targets=len(spec.targets)))


@plan_app.command("load", help=_("Nạp (hoặc cập nhật) một kế hoạch vào cơ sở dữ liệu."))
def plan_load(
    file: Annotated[Path, typer.Argument(help=_("Tệp kế hoạch YAML."))],
    dry_run: Annotated[bool, typer.Option("--dry-run", help=_("Chỉ in những gì sẽ thay đổi."))] = False,
) -> None:
    try:
        loaded = read_plan(file)
    except SourceError as error:
        _fail(_("Tệp kế hoạch có lỗi, chưa ghi gì vào cơ sở dữ liệu:") + "\n" + str(error), 2)
        return

    async def work(services: Services) -> None:
        await db.upgrade(services.engine)
        async with services.sessions() as session:
            result = await load_plan(session, loaded, actor="cli", dry_run=dry_run,
                                     today=local_today(services.settings))
        typer.echo(cli_text.change_listing(result.changes, dry_run=dry_run))

    _execute(work, needs_schema=False)


@plan_app.command("show", help=_("Xem kế hoạch đã nạp: mục tiêu, chỉ số, lịch báo cáo, nhiệm vụ."))
def plan_show(
    plan: PlanOption = None,
    at: Annotated[str | None, typer.Option("--at", help=_("Đơn vị phụ trách vào ngày này (mặc định: hôm nay)."))]
    = None,
) -> None:
    settings = _settings()
    day = parse_day(at) if at else None

    async def work(services: Services) -> None:
        async with services.sessions() as s:
            p = await find_plan(s, plan)
            units = (await s.exec(select(Unit).where(Unit.plan_id == p.id, Unit.active).order_by(Unit.id))).all()
            by_id = {u.id: u for u in units}
            targets = (await s.exec(select(Target).where(Target.plan_id == p.id, Target.active)
                                    .order_by(Target.id))).all()
            milestones: dict[int, list[TargetMilestone]] = defaultdict(list)
            for m in (await s.exec(select(TargetMilestone).where(TargetMilestone.target_id.in_([t.id for t in targets]))
                                   .order_by(TargetMilestone.year))).all():
                milestones[m.target_id].append(m)
            indicators = (await s.exec(select(Indicator).where(Indicator.plan_id == p.id, Indicator.active)
                                       .order_by(Indicator.id))).all()
            schedules = (await s.exec(select(Schedule).where(Schedule.plan_id == p.id, Schedule.active)
                                      .order_by(Schedule.id))).all()
            tasks = (await s.exec(select(Task).where(Task.plan_id == p.id, Task.active).order_by(Task.id))).all()
            task_ids = [t.id for t in tasks]
            on = day or local_today(services.settings)
            roles = cli_text.task_parties((await s.exec(select(Assignment).where(
                Assignment.task_id.in_(task_ids), Assignment.active).order_by(Assignment.id))).all(), by_id, on)
            schedule_code = {x.id: x.code for x in schedules}
            task_schedules: dict[int, list[str]] = defaultdict(list)
            for link in (await s.exec(select(TaskSchedule).where(TaskSchedule.task_id.in_(task_ids)))).all():
                if link.schedule_id in schedule_code:
                    task_schedules[link.task_id].append(schedule_code[link.schedule_id])
            indicator_code = {i.id: i.code for i in indicators}
            task_indicators: dict[int, list[str]] = defaultdict(list)
            for link in (await s.exec(select(TaskIndicator).where(TaskIndicator.task_id.in_(task_ids))
                                      .order_by(TaskIndicator.position))).all():
                task_indicators[link.task_id].append(indicator_code.get(link.indicator_id, "?"))
            overrides = (await s.exec(select(CalendarOverride).where(CalendarOverride.plan_id == p.id)
                                      .order_by(CalendarOverride.day))).all()
            coordinator = next((u for u in units if u.code == p.coordinator_code), None)
            typer.echo(cli_text.plan_overview(p, coordinator, units, targets, milestones, indicators, schedules,
                                              tasks, roles, task_schedules, task_indicators, overrides,
                                              settings.tz, on))

    _execute(work, settings)


# --- units, schedule ------------------------------------------------------------------------------


units_app = typer.Typer(help=_("Đơn vị chịu trách nhiệm: danh sách (theo ngày) và lịch sử sắp xếp."))
app.add_typer(units_app, name="units")


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
            p = await find_plan(s, plan)
            if day is None:
                rows = (await s.exec(select(Unit).where(Unit.plan_id == p.id, Unit.active).order_by(Unit.id))).all()
            else:
                rows = await units_at(s, p, day)
            ids = [u.id for u in rows]
            aliases: dict[int, list[str]] = defaultdict(list)
            for a in (await s.exec(select(UnitAlias).where(UnitAlias.unit_id.in_(ids)).order_by(UnitAlias.id))).all():
                aliases[a.unit_id].append(a.alias)
            focals: dict[int, int] = defaultdict(int)
            pending: dict[int, int] = defaultdict(int)
            for unit_id, _member, status in await focal_points(s, ids):
                (pending if status == GrantStatus.pending else focals)[unit_id] += 1
            everyone = {u.id: u.code for u in (await s.exec(select(Unit).where(Unit.plan_id == p.id))).all()}
            successor = {u.id: everyone.get(u.successor_id, "?") for u in rows if u.successor_id}
            if day is None:
                typer.echo(_("Kế hoạch {code}: {n} đơn vị").format(code=p.code, n=len(rows)))
            else:
                typer.echo(_("Kế hoạch {code}: {n} đơn vị hoạt động ngày {day}").format(
                    code=p.code, n=len(rows), day=format_date(day)))
            leads = await lead_counts(s, ids, day or local_today(services.settings))
            typer.echo(cli_text.units_table(rows, aliases, leads, focals, successor, pending))

    _execute(work)


@units_app.command("history", help=_("Lịch sử sắp xếp của một đơn vị: hợp nhất, đổi tên, nhiệm vụ chuyển đến, đi."))
def units_history(
    code: Annotated[str, typer.Argument(help=_("Mã đơn vị, ví dụ SKHCN."))],
    plan: PlanOption = None,
) -> None:

    async def work(services: Services) -> None:
        async with services.sessions() as s:
            p = await find_plan(s, plan)
            unit = (await s.exec(select(Unit).where(Unit.plan_id == p.id, Unit.code == code.upper()))).first()
            if unit is None:
                raise UserError(_("Không có đơn vị mã '{code}'. Xem `nhacviec units`.").format(code=code))
            typer.echo(cli_text.history_listing(unit, await unit_history(s, p, unit)))

    _execute(work)


# --- reorganisation -------------------------------------------------------------------------------

reorg_app = typer.Typer(no_args_is_help=True, help=_("Sắp xếp tổ chức: hợp nhất, đổi tên, tách, giải thể đơn vị."))
app.add_typer(reorg_app, name="reorg")


def _read_reorg(file: Path, intro: str) -> LoadedReorg:
    try:
        return read_reorg(file)
    except SourceError as error:
        _fail(intro + "\n" + str(error), 2)
        raise  # not reached: _fail exits


@reorg_app.command("check", help=_("Kiểm tra một tệp sắp xếp với kế hoạch đã nạp (không ghi gì)."))
def reorg_check(file: Annotated[Path, typer.Argument(help=_("Tệp sắp xếp YAML."))]) -> None:
    loaded = _read_reorg(file, _("Tệp sắp xếp có lỗi:"))

    async def work(services: Services) -> None:
        async with services.sessions() as s:
            p = await find_plan(s, loaded.spec.reorganisation.plan)
            problems = check_against(loaded, await plan_state(s, p))
        if problems:
            raise UserError(_("Tệp sắp xếp có lỗi:") + "\n" + str(SourceError(problems)))
        spec = loaded.spec
        typer.echo(_("{file}: hợp lệ — {events} sự kiện, {units} đơn vị mới, cho kế hoạch {plan}.").format(
            file=file, events=len(spec.events), units=len(spec.units), plan=spec.reorganisation.plan))

    _execute(work)


@reorg_app.command("load", help=_("Nạp một tệp sắp xếp; --dry-run in mọi nhiệm vụ đổi đơn vị mà không ghi gì."))
def reorg_load(
    file: Annotated[Path, typer.Argument(help=_("Tệp sắp xếp YAML."))],
    dry_run: Annotated[bool, typer.Option("--dry-run", help=_("Chỉ in những gì sẽ thay đổi."))] = False,
) -> None:
    loaded = _read_reorg(file, _("Tệp sắp xếp có lỗi, chưa ghi gì vào cơ sở dữ liệu:"))

    async def work(services: Services) -> None:
        async with services.sessions() as s:
            try:
                result = await load_reorg(s, loaded, actor="cli", dry_run=dry_run)
            except SourceError as error:
                raise UserError(_("Tệp sắp xếp có lỗi, chưa ghi gì vào cơ sở dữ liệu:") + "\n" + str(error)) from error
        typer.echo(cli_text.reorg_listing(result.changes, dry_run=dry_run))

    _execute(work)


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
            p = await find_plan(s, plan)
            unit_ids = None
            if unit:
                row = (await s.exec(select(Unit).where(Unit.plan_id == p.id, Unit.code == unit.upper()))).first()
                if row is None:
                    raise UserError(_("Không có đơn vị mã '{code}'. Xem `nhacviec units`.").format(code=unit))
                unit_ids = [row.id]
            calendar = await plan_calendar(s, p.id)
            found = await obligations_touching(s, p, first, last, calendar, unit_ids=unit_ids)
            typer.echo(cli_text.schedule_listing(found, first, last, calendar, p.coordinator_code))

    _execute(work)


reminders_app = typer.Typer(no_args_is_help=True, help=_("Nhắc việc tự động."))
app.add_typer(reminders_app, name="reminders")


def parse_moment(value: str, settings: Settings) -> datetime:
    """'2025-12-10 08:00' or '10/12/2025 08:00', in the bot's time zone."""
    for pattern in ("%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value.strip(), pattern).replace(tzinfo=settings.tz)
        except ValueError:
            continue
    raise typer.BadParameter(_("'{value}' không phải thời điểm; viết 2025-12-10 08:00 hoặc 10/12/2025 08:00")
                             .format(value=value))


@reminders_app.command("preview", help=_("Xem trước bot sẽ gửi gì vào một thời điểm, và vì sao (không gửi gì)."))
def reminders_preview(
    at: Annotated[str | None, typer.Option("--at", help=_("Thời điểm, ví dụ \"2025-12-10 08:00\" (mặc định: bây giờ)."))
                  ] = None,
) -> None:
    settings = _settings()
    moment = parse_moment(at, settings) if at else datetime.now(settings.tz)

    async def work(services: Services) -> None:
        config = tick_config(settings, frozenset(CHANNELS) - {"console"})
        async with services.sessions() as session:
            planned = await preview(session, config, moment)
        typer.echo(cli_text.preview(planned, moment, settings.tz))

    _execute(work, settings)


@app.command(help=_("Bản tin tuần: in ra, lưu Excel/biểu đồ, hoặc gửi ngay cho lãnh đạo và cán bộ theo dõi."))
def digest(
    print_: Annotated[bool, typer.Option("--print", help=_("In nội dung bản tin."))] = False,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help=_("Lưu bảng Excel vào tệp này."))] = None,
    png: Annotated[Path | None, typer.Option("--png", help=_("Lưu biểu đồ vào tệp này."))] = None,
    send: Annotated[bool, typer.Option("--send", help=_("Gửi ngay qua các kênh đã cấu hình."))] = False,
) -> None:
    settings = _settings()
    if not (print_ or xlsx or png or send):
        print_ = True

    async def work(services: Services) -> None:
        now = datetime.now(settings.tz)
        async with services.sessions() as session:
            plan = await find_plan(session)
            data = await digest_data.build(session, plan, now, settings.tz, contributions=bool(xlsx))
        if print_:
            typer.echo(digest_data.text(data, attachments=False))
        if xlsx:
            xlsx.write_bytes(workbook.render(data))
            typer.echo(_("Đã lưu {path}").format(path=xlsx))
        if png:
            png.write_bytes(chart.render(data))
            typer.echo(_("Đã lưu {path}").format(path=png))
        if send:
            sent = await send_digest_now(services, now)
            typer.echo(_("Đã gửi bản tin tới {n} nơi nhận.").format(n=sent))

    _execute(work, settings)


def main() -> None:
    app()


if __name__ == "__main__":
    main()


# They add `web-link`, `db backup`, `member list|forget` and `--version` to the commands above.
from bot import cli_db, cli_member, cli_version, cli_web  # noqa: E402, F401
