"""The composition root: the one place that turns settings into running services."""

from __future__ import annotations

import asyncio
import ctypes
import gc
import logging
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import metrics, startup
from bot.channels.console import ConsoleLog
from bot.channels.zalo import ZaloChannel
from bot.config import Settings
from bot.errors import UserError
from bot.webhook import WebhookServer
from handlers import (  # issue 14: the review of reports
    accounts,
    coordination,
    plan_choice,
    registration,
    reporting,
    review,
    revision,
    status,
    succession,
    yearly,
)
from handlers import baselines as baseline_handlers
from handlers import evidence as evidence_handlers
from handlers import exceptions as exception_handlers
from handlers import help as help_handlers
from handlers import members as member_handlers
from handlers import notices as notice_handlers
from handlers import web as web_handlers
from handlers.core import HandlerConfig, Router
from handlers.dispatcher import Dispatcher
from jobs.exports import Exports
from jobs.runner import Jobs, outbox_sender
from jobs.tick import TickConfig
from locales import _, set_default_locale
from models.outbox import Action, Recipients, claim
from models.planfiles.changes import LoadResult
from models.planfiles.load_plan import load_plan
from models.planfiles.load_reorg import load_reorg
from models.planfiles.plan_file import read_plan
from models.planfiles.reorg_file import read_reorg
from models.store import db, kv
from models.store.base import utcnow
from models.store.checkpoint import Checkpointer


@dataclass
class Services:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]


@asynccontextmanager
async def open_services(settings: Settings) -> AsyncIterator[Services]:
    """Engine and sessions for `settings`; raises DatabaseUnavailable with a one-line reason."""
    set_default_locale(settings.locale)
    engine = db.make_engine(settings.database_url)
    try:
        await db.check_connection(engine)
        yield Services(settings, engine, db.session_factory(engine))
    finally:
        await engine.dispose()


async def prepare(services: Services) -> list[LoadResult]:
    """Bring the database to the current schema, load the configured plans, then the reorganisation
    files (each a no-op when unchanged), in that order. Plans not named are left as they are: only
    `nhacviec plan retire` ends one."""
    await db.upgrade(services.engine)
    results = []
    for path in services.settings.plan_files():
        loaded = read_plan(path)
        async with services.sessions() as session:
            results.append(await load_plan(session, loaded, actor="system:startup",
                                           today=local_today(services.settings)))
    for path in services.settings.reorg_files():
        async with services.sessions() as session:
            results.append(await load_reorg(session, read_reorg(path), actor="system:startup"))
    return results


def local_today(settings: Settings) -> date:
    return datetime.now(settings.tz).date()


# Order matters for plain text: an invite code is tried before a quick report.
ROUTERS: tuple[Router, ...] = (registration.router, reporting.router, status.router, web_handlers.router,
                               coordination.router, yearly.router, plan_choice.router, accounts.router,
                               member_handlers.router, notice_handlers.router,
                               succession.router, review.router, revision.router, exception_handlers.router,
                               baseline_handlers.router, help_handlers.router, evidence_handlers.router)


def handler_config(settings: Settings) -> HandlerConfig:
    return HandlerConfig(admins=tuple(settings.admins), tz=settings.tz, invite_days=settings.invite_days,
                         default_locale=settings.locale, channels=settings.channels(), web_url=settings.web_url(),
                         files_dir=settings.evidence_dir())


def build_dispatcher(services: Services, *, clock: Callable[[], datetime] = utcnow) -> Dispatcher:
    return Dispatcher(services.sessions, handler_config(services.settings), ROUTERS, clock,
                      exports=Exports(services.settings.tz, place=services.settings.report_place,
                                      database_url=services.settings.database_url),
                      on_handled=record_update)


def record_update(channel: str, ok: bool, seconds: float) -> None:
    """The dispatcher's hook: every message handled, in the metrics ("error": it answered with its apology)."""
    metrics.record_update(channel, "ok" if ok else "error", seconds)


log = logging.getLogger(__name__)


@dataclass
class Running:
    """What `start_bot` started, so that it can be stopped in order."""

    services: Services
    channels: list
    server: WebhookServer | None
    jobs: Jobs | None = None
    checkpointer: Checkpointer | None = None

    async def stop(self) -> None:
        if self.jobs is not None:
            await self.jobs.stop()
        if self.checkpointer is not None:
            await self.checkpointer.stop()
        if self.server is not None:
            await self.server.stop()
        for channel in reversed(self.channels):
            await channel.stop()


def tick_config(settings: Settings, channels: frozenset[str]) -> TickConfig:
    return TickConfig(tz=settings.tz, reminder_time=settings.reminder_time, digest_cron=settings.digest_cron,
                      escalate_to_leaders=settings.escalate_to_leaders, channels=channels,
                      default_locale=settings.locale, review_list_time=settings.review_list_time)


async def start_bot(services: Services, *, clock: Callable[[], datetime] = utcnow, rate_limit: bool = True,
                    jobs: bool = False, receive: bool = True, web: bool = False) -> Running:
    """Start every configured channel (and the HTTP server when a channel's webhook needs it); with `jobs`,
    the reminder tick and the outbox sender too (console accounts' messages go to the log); with `web`, the
    HTTP server always, carrying the web view, /healthz and /metrics as well."""
    settings = services.settings
    handlers = build_dispatcher(services, clock=clock)
    channels: list = []
    server: WebhookServer | None = None
    if web:
        from bot.web.app import mount  # here: the commands that serve nothing start half a second faster

        server = WebhookServer(settings.listen)
        mount(server, services.sessions, settings, clock=clock, check_tick=jobs)
    if settings.telegram_token:
        # here: python-telegram-bot (12 MB resident) is loaded by the bots that talk to Telegram only
        from bot.channels.telegram import TelegramChannel

        webhook = bool(settings.telegram_webhook_url)
        telegram = TelegramChannel(settings.telegram_token.get_secret_value(), settings.telegram_api_url, handlers,
                                   webhook=webhook, rate_limit=rate_limit)
        await telegram.start(receive=receive)
        channels.append(telegram)
        if telegram.username:  # t.me links in chat and from the CLI are built with it
            async with services.sessions() as session:
                await kv.put(session, kv.TELEGRAM_USERNAME, telegram.username)
                await session.commit()
        if webhook:
            assert settings.telegram_webhook_url and settings.telegram_webhook_secret
            server = server or WebhookServer(settings.webhook_listen)
            secret = settings.telegram_webhook_secret.get_secret_value()
            server.route(urlsplit(settings.telegram_webhook_url).path or "/", header="X-Telegram-Bot-Api-Secret-Token",
                         secret=secret, feed=telegram.feed, name="telegram")
    if settings.zalo_token:
        webhook = bool(settings.zalo_webhook_url)
        if webhook or settings.public_url:
            server = server or WebhookServer(settings.webhook_listen)
        if server is not None and settings.public_url:
            server.public_url = settings.public_url
        zalo = ZaloChannel(settings.zalo_token.get_secret_value(), settings.zalo_api_url, handlers, services.sessions,
                           webhook=webhook, public_files=server.publish if server and settings.public_url else None)
        await zalo.start(receive=receive)
        channels.append(zalo)
        if webhook:
            assert server is not None and settings.zalo_webhook_url and settings.zalo_webhook_secret
            server.route(urlsplit(settings.zalo_webhook_url).path or "/", header="X-Bot-Api-Secret-Token",
                         secret=settings.zalo_webhook_secret.get_secret_value(), feed=zalo.feed, name="zalo",
                         missing_status=401)
    running = Running(services, channels, server)
    database_file = db.sqlite_file(services.engine)
    if database_file is not None:  # SQLite's log copied back by a thread, not by a message's commit
        running.checkpointer = Checkpointer(database_file)
        running.checkpointer.start()
    if jobs:
        senders = {channel.channel: channel for channel in [*channels, ConsoleLog()]}
        running.jobs = Jobs(services.sessions, tick_config(settings, frozenset(senders)), senders,
                            tick_seconds=settings.tick_seconds, send_rate=settings.send_rate,
                            lease_seconds=settings.send_lease_seconds, clock=clock,
                            on_outcome=metrics.record_delivery, on_tick=_after_tick)
        await running.jobs.start(single_process=services.engine.url.get_backend_name() == "sqlite")
    if server is not None and receive:
        try:
            await server.start()
        except BaseException:  # the port is taken, say: stop what already runs before saying so
            await running.stop()
            raise
        hooks = {"telegram": (settings.telegram_webhook_url, settings.telegram_webhook_secret),
                 "zalo": (settings.zalo_webhook_url, settings.zalo_webhook_secret)}
        for channel in channels:
            url, hook_secret = hooks[channel.channel]
            if channel.webhook and url and hook_secret:
                await channel.set_webhook(url, hook_secret.get_secret_value())
    return running


def settle_heap() -> None:
    """Once started, move what start-up built (modules, the plan catalog, the channels' clients) out of
    the collector's sight. Those objects live as long as the process; without this every full
    collection walks all of them again, and a full collection landing in a message doubled its answer
    time (bench/scale.py: /tinhhinh p95 178 → 84 ms). What start-up used and freed goes back to the system."""
    gc.collect()
    gc.freeze()
    # Each message leaves a few hundred short-lived objects in reference cycles (a session and its transaction):
    # collecting the youngest generation every 700 allocations (Python's default) promoted many of them before
    # they died, and the collector took 4 % of a message's CPU (bench/updates.py); every 20,000 it takes less.
    gc.set_threshold(20_000, 20, 20)
    give_back_memory()


def give_back_memory() -> None:
    """Return the C heap's free pages to the system (glibc keeps them otherwise): what start-up and each tick
    allocate and free would stay in the process's resident memory (bench/footprint.py: 161 → 153 MB idle)."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _after_tick(seconds: float, finished: float) -> None:
    metrics.record_tick(seconds, finished)
    give_back_memory()


def _glibc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL("libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:  # not glibc (musl, macOS): nothing to trim this way
        return None


_LIBC = _glibc()


async def serve_forever(settings: Settings, *, say: Callable[[str], None] = print) -> None:
    """`nhacviec run`: the channels configured (none is fine), the reminder tick and the web view, until
    SIGINT/SIGTERM. `say` gets the few lines an operator reads at start-up."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with open_services(settings) as services:
        say(_("Cơ sở dữ liệu: {url}").format(url=db.safe_url(services.engine.url)))
        results = await prepare(services)
        for line in startup.loaded(results):
            say(line)
        running = await start_bot(services, jobs=True, web=True)
        try:
            if not running.channels:
                say(startup.no_channel())
            assert running.server is not None
            say(startup.where_to_look(settings.web_url(running.server.port)))
            settle_heap()
            await stop.wait()
        finally:
            await running.stop()


async def send_digest_now(services: Services, now: datetime) -> int:
    """`nhacviec digest --send`: claim this moment's digest for every recipient and send it."""
    settings = services.settings
    if not (settings.telegram_token or settings.zalo_token):
        raise UserError(_("Chưa cấu hình kênh nào để gửi (NHACVIEC_TELEGRAM_TOKEN, NHACVIEC_ZALO_TOKEN)."))
    running = await start_bot(services, receive=False)
    try:
        senders = {channel.channel: channel for channel in running.channels}
        config = tick_config(settings, frozenset(senders))
        async with services.sessions() as session:
            recipients = await Recipients(channels=config.channels, default_locale=config.default_locale
                                          ).load(session)
            tag = "manual-" + now.astimezone(settings.tz).strftime("%Y%m%dT%H%M%S")
            queued = await claim(session, [Action.digest(now.astimezone(settings.tz), r, tag=tag)
                                           for r in recipients.staff(leaders=True)], now=now)
            await session.commit()
        result = await outbox_sender(services.sessions, config, senders, rate=settings.send_rate).run_once()
        return result.sent if queued else 0
    finally:
        await running.stop()
