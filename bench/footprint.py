"""Start-up time and idle memory of `nhacviec run` on a province-sized SQLite database.

A database is prepared as `nhacviec run` leaves it (migrated, the shipped plan and reorganisation
loaded) with 10,000 registered members (a channel account and a focal-point role each, spread over the
units). Then `nhacviec run` is started as its own process with no chat channel (it serves the web view,
/healthz and the reminder tick): `start_s` is the time from the process start until /healthz answers
200 (the database answers and the first tick has run: ready to answer), `idle_rss_mb` its resident
memory after `--idle` seconds without traffic (read from /proc).

    python bench/footprint.py [--members 10000] [--idle 60]

Prints one JSON line (`start_s`, `idle_rss_mb`, the goals), then a human line. Goals: < 3 s, < 150 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOAL_START_S = 3.0
GOAL_IDLE_RSS_MB = 150.0


async def prepare(url: str, members: int) -> None:
    from sqlalchemy import insert, select

    from bot.config import load_settings
    from bot.root import open_services, prepare
    from models.store.tables import ChannelAccount, Member, Role, RoleGrant, Unit

    settings = load_settings(database_url=url)
    async with open_services(settings) as services:
        await prepare(services)
        async with services.sessions() as session:
            units = list((await session.exec(select(Unit.id).where(Unit.valid_to.is_(None)))).scalars())
            await session.exec(insert(Member), params=[
                {"id": n + 1, "display_name": f"Đầu mối {n + 1}", "locale": "vi"} for n in range(members)])
            await session.exec(insert(ChannelAccount), params=[
                {"member_id": n + 1, "channel": "telegram", "external_id": str(100_000 + n),
                 "chat_id": str(100_000 + n)} for n in range(members)])
            await session.exec(insert(RoleGrant), params=[
                {"member_id": n + 1, "role": Role.focal, "unit_id": units[n % len(units)], "granted_by": "bench"}
                for n in range(members)])
            await session.commit()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def measure(url: str, idle: float) -> tuple[float, float]:
    port = free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("NHACVIEC_")},
           "NHACVIEC_DATABASE_URL": url, "NHACVIEC_LISTEN": f"127.0.0.1:{port}", "NHACVIEC_TICK_SECONDS": "30"}
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"nhacviec run exited with {process.returncode}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.perf_counter() - started > 60:
                raise RuntimeError("not ready within 60 s")
            time.sleep(0.02)
        start_s = time.perf_counter() - started
        time.sleep(idle)
        return start_s, rss_mb(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--idle", type=float, default=60.0, help="seconds idle before the memory is read")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'footprint.db'}"
        asyncio.run(prepare(url, args.members))
        start_s, idle_rss = measure(url, args.idle)
    print(json.dumps({"bench": "footprint", "members": args.members, "start_s": round(start_s, 2),
                      "idle_rss_mb": round(idle_rss, 1), "goal_start_s": GOAL_START_S,
                      "goal_idle_rss_mb": GOAL_IDLE_RSS_MB, "idle_seconds": args.idle}))
    print(f"nhacviec run with {args.members:,} members: ready in {start_s:.2f} s (goal < {GOAL_START_S:g} s), "
          f"{idle_rss:.0f} MB after {args.idle:g} s idle (goal < {GOAL_IDLE_RSS_MB:g} MB)")


if __name__ == "__main__":
    main()
