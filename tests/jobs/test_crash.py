"""Real processes: a bot killed with SIGKILL in the middle of a fan-out loses nothing when restarted
and repeats at most what was in flight; two bots on one PostgreSQL database send each message once.

`pytest -m faults` runs these with the other fault tests (hostile input, redelivery, outages)."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text

from models.store.tables import Delivery
from tests.conftest import POSTGRES_URL
from tests.fakes.telegram_api import FakeTelegram

IN_FLIGHT = 8  # the dispatcher's concurrency: what can be mid-send when a process dies


async def queue(sessions, count: int) -> None:
    now = datetime.now(UTC)
    async with sessions() as session:
        await session.exec(insert(Delivery.__table__), params=[
            {"kind": "notice", "channel": "telegram", "chat_id": str(7000 + n),
             "payload": {"text": f"Nhắc việc {n}"}, "status": "pending", "reason": "", "attempts": 0,
             "created_at": now, "next_attempt_at": now} for n in range(count)])
        await session.commit()


def start(db_url: str, fake: FakeTelegram, log: Path) -> subprocess.Popen:
    env = {**os.environ, "NHACVIEC_DATABASE_URL": db_url, "NHACVIEC_TELEGRAM_TOKEN": fake.token,
           "NHACVIEC_TELEGRAM_API_URL": fake.base_url, "NHACVIEC_SEND_RATE": "30", "NHACVIEC_TICK_SECONDS": "5",
           "NHACVIEC_SEND_LEASE_SECONDS": "3",
           "NHACVIEC_LISTEN": "127.0.0.1:0"}  # each process its own port: two bots run at once
    return subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], env=env, stdout=subprocess.DEVNULL,
                            stderr=log.open("a", encoding="utf-8"))


async def until(condition, within: float = 60.0) -> None:
    for _ in range(int(within / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in time")


async def stop(process: subprocess.Popen) -> None:
    """SIGTERM, then wait without blocking: the fake Bot API runs on this test's event loop."""
    process.send_signal(signal.SIGTERM)
    try:
        await until(lambda: process.poll() is not None, within=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()



pytestmark = pytest.mark.faults


async def backends(sessions) -> set[int]:
    """PostgreSQL: the server processes serving this database, other than the one asking."""
    async with sessions() as session:
        return set((await session.exec(text(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ))).scalars())


async def gone(sessions, before: set[int]) -> None:
    """PostgreSQL: wait until a killed process's server connections have ended. The kernel still delivers what
    the process had written before it died (a COMMIT of a row it took); the server runs it after the kill, and
    the row counted now would be counted at the next kill instead."""
    if sessions.kw["bind"].url.get_backend_name() != "postgresql":
        return  # SQLite: a commit is the dead process's own write, done or not before it died
    for _ in range(200):
        if await backends(sessions) <= before:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the killed process's database connections did not end")


async def in_flight(sessions) -> set[str]:
    """The chats of messages a process had taken and not finished: what a crash leaves in flight."""
    async with sessions() as session:
        return set((await session.exec(select(Delivery.chat_id).where(Delivery.status == "sending"))).scalars())


async def test_sigkill_at_random_points_repeats_only_what_was_in_flight(db_url, sessions, plan, tmp_path):
    """Ten kills at random moments of a 400-message fan-out: nothing is lost, and every message received
    twice was in flight (taken, not yet marked sent) at one of the kills."""
    log = tmp_path / "bot.log"
    total = 400
    chance = random.Random()  # a different run each time: the claim holds at whatever point the kill lands
    async with FakeTelegram() as fake:
        await queue(sessions, total)
        flying: list[set[str]] = []
        for _crash in range(10):
            ours = await backends(sessions) if sessions.kw["bind"].url.get_backend_name() == "postgresql" else set()
            process = start(db_url, fake, log)
            try:
                target = len(fake.sent) + chance.randint(1, 20)
                await until(lambda target=target, process=process: len(fake.sent) >= target or
                            process.poll() is not None)
                await asyncio.sleep(chance.random() * 0.3)
            finally:
                process.kill()  # SIGKILL: no cleanup, rows may be left "sending"
                process.wait()
            await gone(sessions, ours)
            # On PostgreSQL a dead process's rows wait for their lease; count only what this kill left.
            flying.append(await in_flight(sessions) - set().union(*flying))
        sent = {s.chat_id for s in fake.sent}
        assert 0 < len(sent) < total, "the processes sent nothing, or finished before the kills: proves nothing"
        last = start(db_url, fake, log)
        try:
            await until(lambda: {s.chat_id for s in fake.sent} >= {str(7000 + n) for n in range(total)}, within=90)
            await asyncio.sleep(0.5)  # let any duplicate arrive, if there were one
        finally:
            await stop(last)
        received = Counter(s.chat_id for s in fake.sent)
        duplicates = {chat: count - 1 for chat, count in received.items() if count > 1}
        assert len(received) == total, log.read_text()[-2000:]
        assert all(len(kill) <= IN_FLIGHT for kill in flying)
        assert set(duplicates) <= set().union(*flying), (duplicates, flying)
        assert sum(duplicates.values()) <= sum(len(kill) for kill in flying)


@pytest.mark.skipif(not POSTGRES_URL, reason="two bot processes need PostgreSQL (NHACVIEC_TEST_POSTGRES_URL); "
                                           "SQLite is documented as single-process")
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
async def test_two_processes_on_postgresql_send_each_message_once(db_url, sessions, plan, tmp_path):
    log = tmp_path / "bots.log"
    async with FakeTelegram() as fake:
        await queue(sessions, 150)
        processes = [start(db_url, fake, log), start(db_url, fake, log)]
        try:
            await until(lambda: len({s.chat_id for s in fake.sent}) >= 150, within=90)
            await asyncio.sleep(1.0)  # let any duplicate arrive, if there were one
        finally:
            for process in processes:
                await stop(process)
        received = Counter(s.chat_id for s in fake.sent)
        assert len(received) == 150 and max(received.values()) == 1, log.read_text()[-2000:]
