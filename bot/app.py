"""The composition root: the one place that turns settings into running services."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from handlers import help as help_handlers
from handlers import registration, reporting, status
from handlers.app import Handlers
from handlers.core import HandlerConfig, Router
from locales import set_default_locale
from models import db
from models.base import utcnow
from models.planfile import read_plan
from models.planload import LoadResult, load_plan


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


async def prepare(services: Services) -> LoadResult:
    """Bring the database to the current schema and load the configured plan (a no-op when unchanged)."""
    await db.upgrade(services.engine)
    loaded = read_plan(services.settings.plan)
    async with services.sessions() as session:
        return await load_plan(session, loaded, actor="system:startup", today=local_today(services.settings))


def local_today(settings: Settings) -> date:
    return datetime.now(settings.tz).date()


# Order matters for plain text: an invite code is tried before a quick report.
ROUTERS: tuple[Router, ...] = (registration.router, reporting.router, status.router, help_handlers.router)


def handler_config(settings: Settings, *, bot_username: str | None = None) -> HandlerConfig:
    return HandlerConfig(admins=tuple(settings.admins), tz=settings.tz, invite_days=settings.invite_days,
                         bot_username=bot_username, default_locale=settings.locale)


def build_handlers(services: Services, *, bot_username: str | None = None,
                   clock: Callable[[], datetime] = utcnow) -> Handlers:
    return Handlers(services.sessions, handler_config(services.settings, bot_username=bot_username), ROUTERS,
                    clock)
