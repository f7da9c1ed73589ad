"""End-to-end update handling: the bot against a bare python-telegram-bot echo bot, same run, same fake.

500 registered focal points each send 10 one-line reports (`/bc IV.2.a 80% dn=5 …`), waiting for
the bot's answer before sending the next (closed loop, 500 people at once). Each report goes
update in → database write (a new report version, its values, the audit entry) → reply out.
The baseline is a PTB echo bot with the same transport settings (HTTP pool, per-chat ordered
concurrency, no rate limiter: the benchmark measures our handling cost, not Telegram's throttle).

The fake Bot API runs in its own process and each bot in its own subprocess, so they do not share
an event loop and each peak RSS is its own.

    python bench/updates.py [--users 500] [--per-user 10] [--repeat 5]

Five alternating runs (echo, then the bot); the median run's ratio counts. With NHACVIEC_TEST_POSTGRES_URL
set (a server, as for the tests), each run also measures the bot on PostgreSQL, on a database created for
that run and dropped after it, against the same run's echo figure.

NHACVIEC_BENCH_PROFILE=FILE writes the bot's profile (the last run's) for `python -m pstats FILE`.

Prints one JSON line (`ratio_time_per_update`: SQLite; `ratio_time_per_update_postgres` when measured),
then a human line with the ratios that matter (goal ≤ 1.5).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TOKEN = "123456:BENCH-token"
DN_TASKS = {"II.2", "II.3", "IV.2.a", "IV.8.a"}


def cpu_seconds() -> float:
    """This process's CPU time (every thread, user and system): what handling costs, whatever the
    other processes on the machine are doing."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the fake, in its own process -----------------------------------------------------------------


async def serve() -> None:
    from tests.fakes.telegram_api import FakeTelegram

    fake = FakeTelegram(token=TOKEN)
    await fake.start()
    print(fake.port, flush=True)
    await asyncio.to_thread(sys.stdin.read)  # until the parent closes our stdin
    await fake.stop()


# --- the two bots --------------------------------------------------------------------------------


async def drive(port: int, script: dict[str, list[str]]) -> dict:
    """Start the closed loop and wait for every answer; returns the fake's statistics."""
    total = sum(len(texts) for texts in script.values())
    cpu_before = cpu_seconds()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        await client.post("/_fake/reset")
        started = time.monotonic()
        await client.post("/_fake/script", json=script)
        while True:
            stats = (await client.get("/_fake/stats")).json()
            if stats["sent"] >= total:
                break
            if time.monotonic() - started > 900:
                raise SystemExit(f"timed out: {stats['sent']} of {total} answers")
            await asyncio.sleep(0.25)
    cpu = cpu_seconds() - cpu_before
    seconds = stats["last_sent"] - stats["first_queued"]
    latencies = sorted(stats["latencies"])
    return {
        "updates": total, "seconds": round(seconds, 3), "updates_per_s": round(total / seconds, 1),
        "ms_per_update": round(1000 * seconds / total, 3),
        "cpu_ms_per_update": round(1000 * cpu / total, 3),
        "latency_p50_ms": round(1000 * statistics.median(latencies), 1),
        "latency_p99_ms": round(1000 * latencies[int(0.99 * (len(latencies) - 1))], 1),
        "sample_reply": stats["texts"][0] if stats["texts"] else "",
        "replies": stats["first_lines"],
        "api_calls": stats["calls"],
    }


async def echo_phase(port: int, users: int, per_user: int) -> dict:
    from telegram import Update
    from telegram.ext import Application, ContextTypes, MessageHandler, filters
    from telegram.request import HTTPXRequest

    from bot.channels.telegram import CONCURRENT_UPDATES, CONNECTIONS, PerChatOrder

    async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text(update.message.text or "")

    application = (
        Application.builder().token(TOKEN).base_url(f"http://127.0.0.1:{port}/bot")
        .request(HTTPXRequest(connection_pool_size=CONNECTIONS, read_timeout=10, write_timeout=10,
                              connect_timeout=5, pool_timeout=5))
        .get_updates_request(HTTPXRequest(read_timeout=30, connect_timeout=5))
        .concurrent_updates(PerChatOrder(CONCURRENT_UPDATES)).build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    await application.initialize()
    await application.start()
    await application.updater.start_polling(timeout=1)
    script = {str(10_000 + u): [f"/bc IV.2.a {i}% dn={i} tin nhắn {i}" for i in range(per_user)]
              for u in range(users)}
    try:
        return await drive(port, script)
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()


async def bot_phase(port: int, users: int, per_user: int, database_url: str | None) -> dict:
    import logging

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    from sqlalchemy import func
    from sqlmodel import select

    from bot.config import load_settings
    from bot.root import open_services, prepare, settle_heap, start_bot
    from models.status import current_items
    from models.store.tables import ChannelAccount, Member, Plan, Report, RoleGrant

    with tempfile.TemporaryDirectory() as directory:
        url = database_url or f"sqlite+aiosqlite:///{directory}/bench.db"
        settings = load_settings(database_url=url, telegram_token=TOKEN,
                                 telegram_api_url=f"http://127.0.0.1:{port}/bot")
        async with open_services(settings) as services:
            await prepare(services)
            script: dict[str, list[str]] = {}
            async with services.sessions() as session:
                plan = (await session.exec(select(Plan))).one()
                today = time.localtime()
                from datetime import date

                items = await current_items(session, [plan], date(today.tm_year, today.tm_mon, today.tm_mday))
                task_of: dict[int, str] = {}
                for item in items:
                    o = item.obligation
                    if o.every == "year" and o.schedule_code == "hang-nam":
                        task_of.setdefault(o.unit_id, o.task_code)
                units = sorted(task_of)
                for n in range(users):
                    unit_id = units[n % len(units)]
                    user_id = str(10_000 + n)
                    member = Member(display_name=f"Đầu mối {n}")
                    session.add(member)
                    await session.flush()
                    session.add(ChannelAccount(member_id=member.id, channel="telegram", external_id=user_id,
                                               chat_id=user_id))
                    session.add(RoleGrant(member_id=member.id, role="focal", unit_id=unit_id, granted_by="bench"))
                    task = task_of[unit_id]
                    dn = " dn={i}" if task in DN_TASKS else ""
                    script[user_id] = [f"/bc {task} {10 * (i % 10)}%{dn.format(i=i)} Báo cáo lần {i}: đã triển khai"
                                       for i in range(per_user)]
                await session.commit()
            running = await start_bot(services, rate_limit=False)
            settle_heap()  # as `nhacviec run` does once started
            profile = os.environ.get("NHACVIEC_BENCH_PROFILE")  # a file: where the bot's time went, for pstats
            profiler = None
            if profile:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            try:
                result = await drive(port, script)
            finally:
                if profiler is not None:
                    profiler.disable()
                    profiler.dump_stats(profile)
                await running.stop()
            async with services.sessions() as session:
                result["reports_written"] = (await session.exec(select(func.count()).select_from(Report))).one()
            if result["reports_written"] != result["updates"]:
                raise SystemExit(f"invalid run: {result['reports_written']} reports written for {result['updates']} "
                                 f"updates; replies: {result['replies']}")
            result["database"] = services.engine.url.get_backend_name()
    return result


# --- orchestration -------------------------------------------------------------------------------


@contextmanager
def throwaway_postgres(server_url: str) -> Iterator[str]:
    """A new, empty database on the server for one run (a second run on the same one would find the first
    run's members), dropped afterwards."""
    import asyncpg
    from sqlalchemy.engine import make_url

    url = make_url(server_url)
    name = f"nhacviec_bench_{uuid.uuid4().hex[:12]}"
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def run_phase(phase: str, port: int, args: argparse.Namespace, database_url: str | None = None) -> dict:
    command = [sys.executable, __file__, "--phase", phase, "--port", str(port), "--users", str(args.users),
               "--per-user", str(args.per_user)]
    if database_url:
        command += ["--database-url", database_url]
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--per-user", type=int, default=10)
    parser.add_argument("--database-url", default=None, help="(one phase: the database it runs on)")
    parser.add_argument("--phase", choices=["serve", "echo", "bot"], default=None)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=5, help="alternating echo/bot runs; the median counts")
    args = parser.parse_args()
    if args.phase == "serve":
        asyncio.run(serve())
        return
    if args.phase == "echo":
        result = asyncio.run(echo_phase(args.port, args.users, args.per_user))
        print(json.dumps({**result, "peak_rss_mb": round(peak_rss_mb(), 1)}))
        return
    if args.phase == "bot":
        result = asyncio.run(bot_phase(args.port, args.users, args.per_user, args.database_url))
        print(json.dumps({**result, "peak_rss_mb": round(peak_rss_mb(), 1)}))
        return
    server = subprocess.Popen([sys.executable, __file__, "--phase", "serve"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        runs = []
        postgres_runs = []
        postgres = os.environ.get("NHACVIEC_TEST_POSTGRES_URL")
        for _ in range(args.repeat):  # alternate, so that machine noise hits every side alike
            echo_run = run_phase("echo", port, args)
            bot_run = run_phase("bot", port, args)
            runs.append((echo_run, bot_run, bot_run["ms_per_update"] / echo_run["ms_per_update"]))
            if postgres:
                with throwaway_postgres(postgres) as url:
                    pg_run = run_phase("bot", port, args, url)
                postgres_runs.append((echo_run, pg_run, pg_run["ms_per_update"] / echo_run["ms_per_update"]))
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(timeout=30)
    echo, bot, ratio = median_run(runs)
    extra: dict = {}
    if postgres_runs:
        _echo, pg_bot, pg_ratio = median_run(postgres_runs)
        extra = {"ratio_time_per_update_postgres": round(pg_ratio, 3), "bot_postgres": pg_bot,
                 "ratios_postgres_all_runs": [round(r[2], 3) for r in postgres_runs]}
    print(json.dumps({"benchmark": "updates", "ratio_time_per_update": round(ratio, 3), **extra,
                      "echo": echo, "bot": bot,
                      "ratios_all_runs": [round(r[2], 3) for r in runs],
                      "cpu_ratios_all_runs": [round(r[1]["cpu_ms_per_update"] / r[0]["cpu_ms_per_update"], 3)
                                              for r in runs],
                      "updates_per_s_all_runs": [(r[0]["updates_per_s"], r[1]["updates_per_s"]) for r in runs],
                      "goal": 1.5, "cpus": os.cpu_count(),
                      "load_average": os.getloadavg()}, ensure_ascii=False))
    print(f"bot {bot['updates_per_s']}/s (p50 {bot['latency_p50_ms']} ms, p99 {bot['latency_p99_ms']} ms, "
          f"{bot['peak_rss_mb']} MB, {bot['database']}) vs echo {echo['updates_per_s']}/s "
          f"(p50 {echo['latency_p50_ms']} ms, p99 {echo['latency_p99_ms']} ms, {echo['peak_rss_mb']} MB): "
          f"time per update ×{ratio:.2f}, median of {len(runs)} runs {[round(r[2], 2) for r in runs]} (goal ≤ 1.5); "
          f"CPU per update {bot['cpu_ms_per_update']} vs {echo['cpu_ms_per_update']} ms")
    if postgres_runs:
        print(f"PostgreSQL: bot {pg_bot['updates_per_s']}/s (p50 {pg_bot['latency_p50_ms']} ms, "
              f"p99 {pg_bot['latency_p99_ms']} ms): time per update ×{pg_ratio:.2f}, median of {len(postgres_runs)} "
              f"runs {[round(r[2], 2) for r in postgres_runs]}")


def median_run(runs: list[tuple[dict, dict, float]]) -> tuple[dict, dict, float]:
    return sorted(runs, key=lambda run: run[2])[len(runs) // 2]


if __name__ == "__main__":
    main()
