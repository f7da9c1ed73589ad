"""Shared fixtures. Every database test runs on SQLite, and again on PostgreSQL when
NHACVIEC_TEST_POSTGRES_URL names a server (a throw-away database is created there per run)."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import shutil
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.root import ROUTERS
from handlers.core import HandlerConfig
from handlers.dispatcher import Dispatcher
from jobs.exports import Exports
from locales import set_default_locale
from models.people import create_invite
from models.planfiles.load_plan import load_plan
from models.planfiles.plan_file import read_plan
from models.store import db, kv
from models.store.tables import Plan, Unit
from plans import DEFAULT_PLAN, EXAMPLE_PLAN
from tests.handlers.dialog import Clock, Person

POSTGRES_URL = os.environ.get("NHACVIEC_TEST_POSTGRES_URL")
INSTALLED = date(2025, 11, 3)  # tests load the plan as if the bot were installed that day
BACKENDS = ["sqlite", *(["postgres"] if POSTGRES_URL else [])]


@pytest.fixture(autouse=True)
def _vietnamese_and_clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests see Vietnamese and no operator settings leaking in from the machine; logging set up by a
    command under test is put back afterwards."""
    for name in list(os.environ):
        if name.startswith("NHACVIEC_") and name != "NHACVIEC_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)
    set_default_locale("vi")
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    hooks = sys.excepthook, threading.excepthook  # bot.logs.setup routes uncaught exceptions through logging
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    sys.excepthook, threading.excepthook = hooks


async def _migrate(url: str) -> None:
    engine = db.make_engine(url)
    try:
        await db.upgrade(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    asyncio.run(_migrate(f"sqlite:///{path}"))
    return path


def _asyncpg_dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    assert POSTGRES_URL
    name = f"nhacviec_test_{os.getpid()}_{secrets.token_hex(3)}"

    async def create() -> None:
        conn = await asyncpg.connect(_asyncpg_dsn(POSTGRES_URL))
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    async def drop() -> None:
        conn = await asyncpg.connect(_asyncpg_dsn(POSTGRES_URL))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(create())
    url = str(db.normalise_url(_asyncpg_dsn(POSTGRES_URL, name)).render_as_string(hide_password=False))
    asyncio.run(_migrate(url))
    yield url
    asyncio.run(drop())


async def _truncate(url: str) -> None:
    engine = db.make_engine(url)
    try:
        names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
        async with engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of an empty, migrated database for this test."""
    if request.param == "sqlite":
        path = tmp_path / "nhacviec.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite+aiosqlite:///{path}"
    url = request.getfixturevalue("postgres_database")
    asyncio.run(_truncate(url))
    return url


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = db.make_engine(db_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return db.session_factory(engine)


@pytest.fixture
async def session(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with sessions() as session:
        yield session


@pytest.fixture
def clock() -> Clock:
    # Monday 01/12/2025, 09:00 in Vĩnh Long: the 2025 annual reports are due on Tuesday 16/12/2025.
    return Clock(datetime(2025, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))


@pytest.fixture
def invite(sessions, plan, clock):
    async def make(unit_code: str | None, role: str = "focal", days: int = 14) -> str:
        async with sessions() as session:
            unit_id = None
            if unit_code:
                unit_id = (await session.exec(select(Unit.id).where(Unit.code == unit_code))).one()
            _invite, code = await create_invite(session, role=role, unit_id=unit_id, created_by="test",
                                                now=clock(), days=days)
            await session.commit()
            return code
    return make


async def dispatcher(sessions, config: HandlerConfig, clock) -> Dispatcher:
    """The chat side as the composition root builds it, with a Telegram bot name known (t.me links)."""
    async with sessions() as session:
        await kv.put(session, kv.TELEGRAM_USERNAME, "nhacviec_test_bot")
        await session.commit()
    # Files asked in chat are made on their own connection, as the composition root sets it up.
    url = sessions.kw["bind"].url.render_as_string(hide_password=False)
    return Dispatcher(sessions, config, ROUTERS, clock, exports=Exports(config.tz, database_url=url))


@pytest.fixture
async def bot(sessions, plan, clock) -> Dispatcher:
    return await dispatcher(sessions, HandlerConfig(admins=("telegram:900",), tz=ZoneInfo("Asia/Ho_Chi_Minh")), clock)


@pytest.fixture
def person(bot, clock):
    def make(user_id: str = "100", name: str = "Nguyễn Văn An", **kwargs) -> Person:
        return Person(bot, clock, user_id=user_id, name=name, **kwargs)
    return make


@pytest.fixture(scope="session")
def shipped_plan():
    return read_plan(DEFAULT_PLAN)


@pytest.fixture
async def plan(sessions: async_sessionmaker[AsyncSession], shipped_plan) -> Plan:
    """The shipped Vĩnh Long plan, loaded."""
    async with sessions() as session:
        await load_plan(session, shipped_plan, actor="test", today=INSTALLED)
    async with sessions() as session:
        return (await session.exec(select(Plan))).one()


@pytest.fixture
async def second_plan(sessions: async_sessionmaker[AsyncSession], plan: Plan) -> Plan:
    """The example plan of plans/examples loaded beside the Vĩnh Long plan: it shares SKHCN, SCT and
    SNNPTNT, and has its own II.3 and DN_HO_TRO."""
    async with sessions() as session:
        await load_plan(session, read_plan(EXAMPLE_PLAN), actor="test", today=INSTALLED)
    async with sessions() as session:
        return (await session.exec(select(Plan).where(Plan.code == "VD-CDS-2026"))).one()
