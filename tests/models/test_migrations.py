"""Migrations are the production path: they build an empty database on SQLite and PostgreSQL,
go down and up again, and match the models exactly."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from models.store import db


async def test_migrated_database_matches_the_models(engine):
    assert await db.current_revision(engine) == db.head_revision()

    def differences(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)

    async with engine.connect() as conn:
        assert await conn.run_sync(differences) == []


async def test_downgrade_to_empty_and_upgrade_again(engine):
    await db.downgrade(engine, "base")

    def tables(connection):
        return set(inspect(connection).get_table_names()) - {"alembic_version"}

    async with engine.connect() as conn:
        assert await conn.run_sync(tables) == set()
    await db.upgrade(engine)
    async with engine.connect() as conn:
        assert await conn.run_sync(tables) == {t.name for t in SQLModel.metadata.sorted_tables}
    # Upgrading an up-to-date database is a no-op.
    await db.upgrade(engine)
    assert await db.current_revision(engine) == db.head_revision()


async def test_upgrade_builds_an_empty_sqlite_file(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    try:
        assert await db.current_revision(engine) is None
        await db.upgrade(engine)
        assert await db.current_revision(engine) == db.head_revision()
    finally:
        await engine.dispose()
