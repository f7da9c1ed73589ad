"""Migrations are the production path: they build an empty database on SQLite and PostgreSQL,
go down and up again, match the models exactly, and carry a previous release's data forward."""

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel, select

from models.planfiles.load_plan import load_plan
from models.planfiles.load_reorg import load_reorg
from models.planfiles.reorg_file import read_reorg
from models.status import snapshot
from models.store import db
from models.store.tables import Plan, PlanUnit, Report, Unit, UnitAlias
from plans import DEFAULT_REORG


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


RELEASE_0004 = Path(__file__).parent / "data" / "release-0004.json"


def _value(column, raw):
    """A value dumped from SQLite as the previous release wrote it, typed for the column."""
    if raw is None:
        return None
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return bool(raw)
    if isinstance(kind, sa.DateTime):
        return datetime.fromisoformat(raw)
    if isinstance(kind, sa.Date):
        return date.fromisoformat(raw)
    if isinstance(kind, sa.JSON):
        return json.loads(raw) if isinstance(raw, str) else raw
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
        return Decimal(str(raw))
    return raw


async def test_upgrade_of_a_database_made_by_the_previous_release_keeps_every_row(engine, sessions, shipped_plan):
    dump = json.loads(RELEASE_0004.read_text(encoding="utf-8"))
    assert dump.pop("_revision") == "0004"
    await db.downgrade(engine, "base")
    await db.upgrade(engine, "0004")

    def fill(connection):
        old = sa.MetaData()
        old.reflect(connection)
        for table in old.sorted_tables:
            rows = [{k: _value(table.c[k], v) for k, v in row.items()} for row in dump.get(table.name, [])]
            if not rows:
                continue
            # A unit's successor is a unit: rows first, then the references among them.
            own = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
            connection.execute(table.insert(), [{**row, **dict.fromkeys(own)} for row in rows])
            for row in rows:
                if any(row[c] is not None for c in own):
                    connection.execute(table.update().where(table.c.id == row["id"]).values(
                        {c: row[c] for c in own}))
        if connection.dialect.name == "postgresql":  # ids were given: move the sequences past them
            for table in old.sorted_tables:
                if "id" in table.c and dump.get(table.name):
                    connection.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                                               f"(SELECT max(id) FROM \"{table.name}\"))"))

    async with engine.begin() as conn:
        await conn.run_sync(fill)
    await db.upgrade(engine)

    async with sessions() as session:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in dump:
                count = (await session.exec(sa.select(sa.func.count()).select_from(table))).one()[0]
                assert count == len(dump[table.name]), table.name
        units = {u.code: u for u in (await session.exec(select(Unit))).all()}
        # Units keep their ids and history; the plan lists the 27 it named, not the 3 the reorganisation created.
        assert {u["code"]: u["id"] for u in dump["unit"]} == {c: u.id for c, u in units.items()}
        listed = (await session.exec(select(PlanUnit))).all()
        assert len(listed) == 27 and units["UBND-CAPXA"].id not in {p.unit_id for p in listed}
        assert units["STTTT"].successor_id == units["SKHCN"].id
        # The rename applied by that release reads from its date only (issue 15 §10, migration 0011).
        assert units["CTK"].former_names == [{"name": "Cục Thống kê tỉnh Vĩnh Long", "kind": "cuc",
                                              "until": "2025-02-28"}]
    # … and the reorganisation file, loaded again, gives it its kind since the rename.
    async with sessions() as session:
        again = await load_reorg(session, read_reorg(DEFAULT_REORG), actor="test")
    assert [(c.key, c.fields) for c in again.changes] == [("CTK", {"kind": ("cuc", "khac")})]
    async with sessions() as session:
        assert (await load_reorg(session, read_reorg(DEFAULT_REORG), actor="test")).changes == []
        aliases = (await session.exec(select(UnitAlias))).all()
        assert all(a.plan_id is not None for a in aliases if units_by_id(units)[a.unit_id].origin == "plan")
        plan = (await session.exec(select(Plan))).one()
        # The reports the people sent are there, latest versions first in the status.
        state = await snapshot(session, [plan], date(2025, 12, 10))
        latest = {(i.obligation.unit_code, i.obligation.task_code): str(i.report.status)
                  for i in state.current + state.overdue + state.recent if i.report is not None}
        assert latest[("SCT", "IV.2.a")] == "done" and latest[("SYT", "IV.2.a")] == "blocked"
    # The new release loads the same plan file over it without losing a report.
    async with sessions() as session:
        await load_plan(session, shipped_plan, actor="test", today=date(2025, 12, 10))
    async with sessions() as session:
        assert (await session.exec(sa.select(sa.func.count()).select_from(Report))).one()[0] == len(dump["report"])


def units_by_id(units: dict) -> dict:
    return {u.id: u for u in units.values()}
