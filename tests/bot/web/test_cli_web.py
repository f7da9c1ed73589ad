"""`nhacviec web-link` and `nhacviec db backup`, run as the IT officer runs them."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from datetime import UTC, datetime

import pytest

from models.store import db
from models.store.tables import Unit
from models.web_access import check_link
from tests.bot.prepared import nhacviec, prepare_database

LINK = re.compile(r"^(\S+)/web/login/([A-Za-z0-9_-]{43})$", re.M)




def _access(db_url: str, token: str):
    return asyncio.run(_read_access(db_url, token))


async def _read_access(db_url: str, token: str):
    engine = db.make_engine(db_url)
    try:
        async with db.session_factory(engine)() as session:
            access = await check_link(session, token, now=datetime.now(UTC))
            unit = await session.get(Unit, access.unit_id) if access.unit_id else None
            return access, unit
    finally:
        await engine.dispose()


def test_web_link_prints_a_working_one_time_link(loaded):
    result = nhacviec("web-link", "--as", "leader", env=loaded)
    assert result.exit_code == 0, result.output
    found = LINK.search(result.output)
    assert found is not None and found[1] == "http://127.0.0.1:8080"  # no public URL: the local listener
    access, unit = _access(loaded["NHACVIEC_DATABASE_URL"], found[2])
    assert access.role == "leader" and unit is None and access.locale == "vi"
    assert "15 phút" in result.output


def test_web_link_for_a_focal_point_and_with_a_public_url(loaded):
    env = {**loaded, "NHACVIEC_PUBLIC_URL": "https://bot.example.gov.vn", "NHACVIEC_LOCALE": "en"}
    result = nhacviec("web-link", "--as", "focal:so cong thuong", env=env)
    assert result.exit_code == 0, result.output
    found = LINK.search(result.output)
    assert found is not None and found[1] == "https://bot.example.gov.vn"
    access, unit = _access(loaded["NHACVIEC_DATABASE_URL"], found[2])
    assert access.role == "focal" and unit is not None and unit.code == "SCT" and access.locale == "en"


@pytest.mark.parametrize(("as_", "message"), [("boss", "boss"), ("focal", "focal:SCT"), ("leader:SCT", "focal:SCT"),
                                              ("focal:XYZ123", "XYZ123")])
def test_web_link_refuses_what_it_cannot_make(loaded, as_, message):
    result = nhacviec("web-link", "--as", as_, env=loaded)
    assert result.exit_code == 2 and message in result.output


def test_db_backup_copies_a_live_sqlite_database(tmp_path):
    source = tmp_path / "nhacviec.db"
    env = {"NHACVIEC_DATABASE_URL": f"sqlite:///{source}"}
    prepare_database(env)
    # The bot is "running": another connection is in the middle of a write transaction.
    live = sqlite3.connect(source, isolation_level=None)
    live.execute("BEGIN IMMEDIATE")
    live.execute("INSERT INTO keyvalue (key, value, updated_at) VALUES ('uncommitted', 'x', '2025-01-01')")
    try:
        result = nhacviec("db", "backup", str(tmp_path / "copy.db"), env=env)
    finally:
        live.execute("ROLLBACK")
        live.close()
    assert result.exit_code == 0, result.output
    assert "Đã sao lưu" in result.output
    copy = sqlite3.connect(tmp_path / "copy.db")
    try:
        assert copy.execute("SELECT count(*) FROM unit").fetchone()[0] == 30
        assert copy.execute("SELECT count(*) FROM keyvalue WHERE key = 'uncommitted'").fetchone()[0] == 0
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone()[0] == db.head_revision()
    finally:
        copy.close()
    again = nhacviec("db", "backup", str(tmp_path / "copy.db"), env=env)
    assert again.exit_code == 2 and "không ghi đè" in again.output


def test_db_backup_names_pg_dump_for_postgresql(tmp_path):
    env = {"NHACVIEC_DATABASE_URL": "postgresql://bot:s3cret@db:5432/nhacviec"}
    result = nhacviec("db", "backup", "nhacviec.dump", env=env)
    assert result.exit_code == 2
    assert "pg_dump --format=custom --file nhacviec.dump postgresql://bot@db:5432/nhacviec" in result.output
    assert "s3cret" not in result.output and "pg_restore" in result.output


def test_the_unit_in_a_focal_link_is_the_one_chat_would_find(loaded):
    # "Sở TT&TT" merged into Sở KH&CN in 2025: a link made today for it is a link for its successor.
    result = nhacviec("web-link", "--as", "focal:Sở TT&TT", env=loaded)
    assert result.exit_code == 0, result.output
    found = LINK.search(result.output)
    assert found is not None
    _found, unit = _access(loaded["NHACVIEC_DATABASE_URL"], found[2])
    assert unit is not None and unit.code == "SKHCN"
