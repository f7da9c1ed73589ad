"""Reminder fan-out: 3,000 focal points due at the same moment, through a rate-limiting fake Bot API.

The fake (its own process) answers 429 with retry_after when the bot exceeds the global limit or
writes to one chat twice within a second, as Telegram does. The bot claims the reminders with its
real tick and sends them with its real dispatcher and PTB's rate limiter (the production path).

    python bench/fanout.py [--people 3000] [--limit 30] [--send-rate 25]

Prints one JSON line and a human line: achieved rate ÷ configured send rate (goal ≥ 0.9),
duplicates (goal 0), 429 answers received.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TOKEN = "123456:FANOUT-token"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
# Units that owe exactly one annual report: one reminder per focal point at the -5 step.
SINGLE_TASK_UNITS = ["SCT", "SNNPTNT", "SXD", "SGTVT", "SVHTTDL", "SYT", "SGDDT", "SLDTBXH", "SKHDT", "DPTTH", "BVL"]


async def serve(limit: float) -> dict:
    """Run the fake until the parent closes our stdin; return what it saw."""
    from tests.fakes.telegram_api import FakeTelegram

    fake = FakeTelegram(token=TOKEN, global_rate=limit, per_chat_interval=1.0)
    await fake.start()
    print(fake.port, flush=True)
    await asyncio.to_thread(sys.stdin.read)
    counts = Counter(s.chat_id for s in fake.sent)
    times = [s.at for s in fake.sent]
    await fake.stop()
    return {"sent": len(fake.sent), "chats": len(counts), "duplicates": sum(c - 1 for c in counts.values()),
            "status_429": fake.status_counts.get(429, 0), "first": min(times) if times else 0,
            "last": max(times) if times else 0}


async def bot(port: int, people: int, send_rate: float) -> dict:
    from sqlalchemy import func
    from sqlmodel import select

    from bot.channels.telegram import TelegramChannel
    from bot.root import ROUTERS
    from handlers.core import HandlerConfig
    from handlers.dispatcher import Dispatcher
    from jobs.runner import outbox_sender
    from jobs.tick import TickConfig, tick
    from models.planfiles.load_plan import load_plan
    from models.planfiles.plan_file import read_plan
    from models.store import db
    from models.store.tables import ChannelAccount, Delivery, Member, RoleGrant, Unit
    from plans import DEFAULT_PLAN

    with tempfile.TemporaryDirectory() as directory:
        engine = db.make_engine(f"sqlite+aiosqlite:///{directory}/fanout.db")
        await db.upgrade(engine)
        sessions = db.session_factory(engine)
        async with sessions() as session:
            await load_plan(session, read_plan(DEFAULT_PLAN), actor="bench", today=date(2026, 11, 2))
        async with sessions() as session:
            units = [(await session.exec(select(Unit.id).where(Unit.code == code))).one() for code in SINGLE_TASK_UNITS]
            for n in range(people):
                member = Member(display_name=f"Đầu mối {n}")
                session.add(member)
                await session.flush()
                session.add(ChannelAccount(member_id=member.id, channel="telegram", external_id=str(20_000 + n),
                                           chat_id=str(20_000 + n)))
                session.add(RoleGrant(member_id=member.id, role="focal", unit_id=units[n % len(units)]))
            await session.commit()
        moment = datetime(2026, 12, 9, 8, 0, tzinfo=VN)  # the -5 step of the 2026 annual reports
        config = TickConfig(tz=VN, channels=frozenset({"telegram"}))
        async with sessions() as session:
            claimed = len((await tick(session, config, moment)).queued)
        channel = TelegramChannel(TOKEN, f"http://127.0.0.1:{port}/bot", Dispatcher(sessions, HandlerConfig(tz=VN),
                                                                                    ROUTERS))
        await channel.start(receive=False)
        started = time.monotonic()
        clock_start = moment

        def clock() -> datetime:
            return clock_start + timedelta(seconds=time.monotonic() - started)

        sender = outbox_sender(sessions, config, {"telegram": channel}, rate=send_rate, clock=clock)
        rounds = 0
        while True:
            rounds += 1
            await sender.run_once()
            async with sessions() as session:
                waiting = (await session.exec(select(func.count()).select_from(Delivery).where(
                    Delivery.status.in_(["pending", "sending"])))).one()
            if not waiting:
                break
            await asyncio.sleep(0.2)
        elapsed = time.monotonic() - started
        async with sessions() as session:
            statuses = dict((await session.exec(select(Delivery.status, func.count()).group_by(Delivery.status))).all())
        await channel.stop()
        await engine.dispose()
    return {"claimed": claimed, "bot_seconds": round(elapsed, 2), "statuses": statuses, "rounds": rounds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--limit", type=float, default=30.0, help="the fake's global limit (messages/s)")
    parser.add_argument("--send-rate", type=float, default=25.0, help="the bot's configured rate (NHACVIEC_SEND_RATE)")
    parser.add_argument("--serve", action="store_true")
    args = parser.parse_args()
    if args.serve:  # the parent reads the result from the file it named
        Path(os.environ["FANOUT_RESULT"]).write_text(json.dumps(asyncio.run(serve(args.limit))))
        return
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        result_path = handle.name
    server = subprocess.Popen([sys.executable, __file__, "--serve", "--limit", str(args.limit)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT), "FANOUT_RESULT": result_path})
    assert server.stdout is not None and server.stdin is not None
    port = int(server.stdout.readline())
    try:
        ours = asyncio.run(bot(port, args.people, args.send_rate))
    finally:
        server.stdin.close()
        server.wait(timeout=60)
    fake = json.loads(Path(result_path).read_text())
    rate = (fake["sent"] - 1) / (fake["last"] - fake["first"]) if fake["sent"] > 1 else 0.0
    ratio = rate / args.send_rate
    print(json.dumps({"benchmark": "fanout", "people": args.people, "fake_limit": args.limit,
                      "send_rate": args.send_rate, "achieved_rate": round(rate, 2), "ratio": round(ratio, 3),
                      "goal": 0.9, "duplicates": fake["duplicates"], "status_429": fake["status_429"],
                      "chats_reached": fake["chats"], "bot": ours, "httpx": httpx.__version__}))
    print(f"{fake['chats']}/{args.people} reached at {rate:.1f}/s of {args.send_rate}/s configured "
          f"(×{ratio:.2f}, goal ≥ 0.9), {fake['duplicates']} duplicates, {fake['status_429']} × 429 "
          f"(fake limit {args.limit}/s, 1/s per chat)")


if __name__ == "__main__":
    main()
