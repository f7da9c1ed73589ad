"""Engine, sessions, migrations and the one-line answer when the database cannot be reached."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Insert, Table, event, exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.engine.url import URL
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool
from sqlmodel.ext.asyncio.session import AsyncSession

import models.store.tables  # noqa: F401  (registers every table on the metadata)
from locales import _
from models.store import (
    checkpoint,
    revisions,  # noqa: F401  (every session moves the people revision on changes)
    sqlite_inline,
)

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"

# SQLite stores Numeric as a float-ish value and SQLAlchemy warns on every Decimal column; our
# indicator values have at most 4 decimals and are rounded on read, so the warning is noise.
warnings.filterwarnings("ignore", message=r".*does \*not\* support Decimal objects natively.*")


class DatabaseUnavailable(Exception):
    """Raised with a one-line, password-free explanation."""


class MigrationError(RuntimeError):
    """A migration left the database inconsistent; it was rolled back."""


def normalise_url(raw: str) -> URL:
    """Accept the URLs people write (`sqlite:///x.db`, `postgresql://…`) and pick async drivers."""
    url = make_url(raw)
    backend = url.get_backend_name()
    if backend == "sqlite":
        return url.set(drivername="sqlite+aiosqlite")
    if backend in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+asyncpg")
    raise ValueError(f"unsupported database '{backend}': use sqlite or postgresql")


def safe_url(url: URL | str) -> str:
    return (make_url(url) if isinstance(url, str) else url).render_as_string(hide_password=True)


def make_engine(raw_url: str | URL, **kwargs) -> AsyncEngine:
    url = normalise_url(str(raw_url) if isinstance(raw_url, URL) else raw_url)
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database and database != ":memory:":
            # SQLite creates the file, never its folder; neither do we: a mistyped path must not leave
            # folders behind (or put the database somewhere nobody backs up). Say which one is missing.
            folder = Path(database).parent
            if not folder.is_dir():
                raise DatabaseUnavailable(f"{safe_url(url)}: " + _(
                    "thư mục {folder} không tồn tại; hãy tạo nó trước hoặc sửa NHACVIEC_DATABASE_URL").format(
                    folder=folder.absolute()))
        # One connection, used from the event loop: see models/sqlite_inline.py for why.
        engine = create_async_engine(url, async_creator=sqlite_inline.connector(database or ":memory:", timeout=30),
                                     poolclass=AsyncAdaptedQueuePool, pool_size=1, max_overflow=0, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the CLI read while the bot writes; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA wal_autocheckpoint={checkpoint.AUTOMATIC_PAGES}")  # a thread checkpoints: checkpoint.py
    cursor.close()


async def insert_new(session: AsyncSession, table: Table, key: Sequence[str]) -> Insert:
    """INSERT … ON CONFLICT (key) DO NOTHING for the session's database (both dialects spell it alike,
    from their own module): rows whose key already exists are skipped, not an error."""
    return insert_new_on((await session.connection()).dialect.name, table, key)


def insert_new_on(dialect: str, table: Table, key: Sequence[str]) -> Insert:
    """`insert_new` for a dialect named ("sqlite", "postgresql"), e.g. for a Prepared statement."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing(index_elements=list(key))


def sqlite_file(engine: AsyncEngine) -> str | None:
    """The database file when the engine is SQLite on a file (not in memory); None otherwise."""
    if engine.url.get_backend_name() != "sqlite":
        return None
    database = engine.url.database or ""
    return database if database and database != ":memory:" else None


def pool_width(sessions: async_sessionmaker[AsyncSession]) -> int:
    """How many transactions the sessions' pool holds at once without waiting (SQLite: one, by make_engine)."""
    engine = getattr(sessions, "kw", {}).get("bind")
    size = getattr(engine.pool, "size", None) if isinstance(engine, AsyncEngine) else None
    return size() if callable(size) else 1  # a queue pool says its size; others are taken one at a time


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


async def check_connection(engine: AsyncEngine) -> None:
    try:
        async with engine.connect() as conn:
            await conn.exec_driver_sql("SELECT 1")
    except (exc.DBAPIError, OSError, ConnectionError) as error:  # asyncpg raises OSError subclasses
        raise DatabaseUnavailable(f"{safe_url(engine.url)}: {_reason(error)}") from error


# Driver errors that mean "the database is not there" (down, restarting, unreachable, out of
# connections, a file that cannot be opened), as opposed to a statement of ours that is wrong.
OUTAGE_ERRORS = frozenset({"OperationalError", "InterfaceError", "ConnectionDoesNotExistError",
                           "CannotConnectNowError", "ConnectionRefusedError", "TooManyConnectionsError"})


def outage(error: BaseException) -> str | None:
    """A one-line reason when `error` says the database cannot be reached; None when it is a bug (a
    wrong statement, a constraint we broke), which deserves its traceback."""
    if isinstance(error, exc.DBAPIError):
        if error.connection_invalidated or type(getattr(error, "orig", None) or error).__name__ in OUTAGE_ERRORS:
            return _reason(error)
        return None
    if isinstance(error, (OSError, exc.TimeoutError)):  # asyncpg raises OSError subclasses; a pool that waited
        return _reason(error)
    return None


def _reason(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    text = str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
    return text


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _upgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    from alembic import command

    command.upgrade(config, revision)


def _downgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    from alembic import command

    command.downgrade(config, revision)


def _current(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


async def _migrate(engine: AsyncEngine, step: Callable[[Connection, str], None], revision: str) -> None:
    """Run migrations in one transaction. On SQLite, ALTER rebuilds a table (copy, DROP, rename), which
    foreign keys would refuse while other tables point at it: they are off during the migration (the
    pragma only takes effect outside a transaction) and the result is checked before committing."""
    async with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            await conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            await conn.commit()
        try:
            async with conn.begin():
                await conn.run_sync(step, revision)
                if sqlite:
                    broken = (await conn.exec_driver_sql("PRAGMA foreign_key_check")).all()
                    if broken:
                        raise MigrationError(f"foreign keys broken by the migration: {broken[:5]}")
        finally:
            if sqlite:
                await conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                await conn.commit()


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    await check_connection(engine)
    head = files_head() if revision == "head" else None
    if head is not None and await _recorded_revision(engine) == head:
        return  # the usual start: nothing to migrate, and alembic (11 MB resident) is not even loaded
    await _migrate(engine, _upgrade, revision)


_REVISION_LINE = re.compile(r"^(down_revision|revision)\s*=\s*['\"]?([^'\"\s]+)", re.MULTILINE)


def files_head() -> str | None:
    """The newest migration, read from the files' `revision`/`down_revision` lines as alembic reads them: the
    one revision no other revises (tests check it against alembic's own answer)."""
    named: set[str] = set()
    revised: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for key, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            (named if key == "revision" else revised).add(value)
    heads = named - revised
    return heads.pop() if len(heads) == 1 else None


async def _recorded_revision(engine: AsyncEngine) -> str | None:
    """The revision alembic recorded in the database, read without alembic; None when there is none."""
    async with engine.connect() as conn:
        try:
            return (await conn.exec_driver_sql("SELECT version_num FROM alembic_version")).scalar()
        except exc.DBAPIError:  # a new, empty database: no table yet
            return None


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    await _migrate(engine, _downgrade, revision)


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as conn:
        return await conn.run_sync(_current)


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()
