"""Who-is-who is cached per process, and a change to a member or a role, made anywhere, is seen by the
very next message: the cache never serves rights that were taken away (models/store/revisions.py)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from sqlmodel import select

from models.store.tables import ChannelAccount, RoleGrant

ROOT = Path(__file__).resolve().parents[2]


async def cli_in_another_process(*args: str, db_url: str) -> str:
    """`nhacviec …` as the operator runs it: its own process, its own connection to the database."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", *args, cwd=ROOT, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "NHACVIEC_DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)})
    output, _ = await process.communicate()
    assert process.returncode == 0, output.decode()
    return output.decode()


async def test_a_role_taken_away_in_another_process_is_seen_by_the_next_message(db_url, person, invite):
    an = person("100", "Nguyễn Văn An")
    await an.say(f"/start {await invite('SCT')}")
    assert "Đã ghi nhận" in await an.say("/bc IV.2.a 80% dn=5 Đã hỗ trợ 5 doanh nghiệp")  # identity now cached

    await cli_in_another_process("member", "forget", "telegram:100", "--yes", db_url=db_url)

    answer = await an.say("/bc IV.2.a 90% dn=6 thêm một doanh nghiệp")
    assert "Đã ghi nhận" not in answer
    assert "chưa đăng ký" in answer


async def test_a_role_given_in_another_session_is_seen_by_the_next_message(sessions, person, invite, plan):
    an = person("100", "Nguyễn Văn An")
    await an.say(f"/start {await invite('SCT')}")
    assert "dành cho cán bộ điều phối" in await an.say("/nhacnho SCT")  # a focal point only, and cached so

    async with sessions() as session:  # e.g. an admin's tool, or another bot process on PostgreSQL
        member_id = (await session.exec(select(ChannelAccount.member_id).where(
            ChannelAccount.external_id == "100"))).one()
        session.add(RoleGrant(member_id=member_id, role="coordinator", granted_by="test"))
        await session.commit()

    assert "dành cho cán bộ điều phối" not in await an.say("/nhacnho SCT")


async def test_the_language_a_person_chooses_holds_from_the_next_message(person, invite):
    an = person("100", "Nguyễn Văn An")
    await an.say(f"/start {await invite('SCT')}")
    assert "Switched to English" in await an.say("/ngonngu en")
    assert "Recorded" in await an.say("/bc IV.2.a 80% dn=5 five enterprises")
