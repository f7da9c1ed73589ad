"""The composition root: the one place that turns settings into running services."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from locales import set_default_locale
from models import db
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
        return await load_plan(session, loaded, actor="system:startup")
