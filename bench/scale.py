"""Does the cost follow the province, not the whole database?

Builds a synthetic national database — 34 provinces × 40 units × 60 tasks × 10 quarterly periods,
every unit reporting on every task (≈ 800,000 reports, each with an indicator value) — and a copy
with one tenth of the provinces. In both it times, for one province, `/tinhhinh P01` (the status of that
province's plan, through the real handlers) and the weekly digest (data and text; the workbook, which
lists every report of the province, separately). The coordinator follows every plan of the database, so
`/tinhhinh` alone covers all 34: that is timed too (`tinhhinh_all_plans`), without a goal, since one
deployment follows one province's plans.

Then, at full size, the chat while a workbook renders: ten focal points of the province send one-line
reports one after another (each waits for its answer) while the coordinator asks `/xuat P01` three times
in a row; the answer times of those reports (p99) show whether the render holds the event loop. The
same stream without a render is the baseline.

    python bench/scale.py [--repeat 30] [--database-url postgresql://…]   (SQLite by default)

Goals: p95 < 200 ms on SQLite at full size; full size ≤ 1.5 × one tenth; chat p99 < 250 ms during a render.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.root import ROUTERS, settle_heap  # noqa: E402
from handlers.core import HandlerConfig  # noqa: E402
from handlers.dispatcher import Dispatcher  # noqa: E402
from jobs import digest, workbook  # noqa: E402
from jobs.exports import Exports  # noqa: E402
from models.chat import Incoming  # noqa: E402
from models.rules import periods  # noqa: E402
from models.rules.workdays import WorkCalendar  # noqa: E402
from models.store import db  # noqa: E402
from models.store.tables import (  # noqa: E402
    Assignment,
    ChannelAccount,
    Indicator,
    Member,
    Period,
    Plan,
    PlanUnit,
    Report,
    ReportValue,
    RoleGrant,
    Schedule,
    Target,
    TargetMilestone,
    Task,
    TaskIndicator,
    TaskSchedule,
    Unit,
    UnitAlias,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
FOCAL = 10
UNITS, TASKS, PERIODS = 40, 60, 10
TODAY = date(2026, 6, 1)  # inside the tenth quarter (Q2 2026, due 20/06/2026)
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=VN)
STATUSES = ["done", "in_progress", "in_progress", "blocked", "not_started"]


def table(model):
    return model.__table__


async def build(url: str, provinces: int) -> None:
    engine = db.make_engine(url)
    await db.upgrade(engine)
    rule = periods.Rule(periods.Every.quarter, periods.Window.nd09, periods.Due(day=20))
    specs = periods.periods(rule, date(2024, 1, 1), date(2026, 6, 30), WorkCalendar())[:PERIODS]
    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    async with engine.begin() as conn:
        ids = {"plan": 0, "unit": 0, "task": 0, "schedule": 0, "period": 0, "assignment": 0, "report": 0,
               "indicator": 0, "target": 0}

        def nxt(kind: str) -> int:
            ids[kind] += 1
            return ids[kind]

        for p in range(provinces):
            plan_id = nxt("plan")
            await conn.execute(insert(table(Plan)), [{
                "id": plan_id, "code": f"P{p + 1:02d}", "title": f"Kế hoạch tỉnh {p + 1}", "decision": "1/QĐ",
                "issued": date(2023, 12, 1), "start": date(2024, 1, 1), "end": date(2026, 6, 30),
                "track_from": date(2024, 1, 1), "timezone": "Asia/Ho_Chi_Minh", "coordinator_code": f"P{p + 1:02d}U01",
                "reminders_before": [-5, -2, 0], "escalate_after": [1, 3], "source_path": "synthetic",
                "content_sha256": "0" * 64, "loaded_at": stamp}])
            units = [nxt("unit") for _ in range(UNITS)]
            # Units are the province's (one table for every plan): each synthetic province has its own codes.
            await conn.execute(insert(table(Unit)), [
                {"id": u, "code": f"P{p + 1:02d}U{n + 1:02d}", "name": f"Đơn vị {n + 1} tỉnh {p + 1}",
                 "kind": "so", "active": True} for n, u in enumerate(units)])
            await conn.execute(insert(table(PlanUnit)), [{"plan_id": plan_id, "unit_id": u} for u in units])
            await conn.execute(insert(table(UnitAlias)), [
                {"unit_id": u, "plan_id": plan_id, "alias": f"P{p + 1:02d}U{n + 1:02d}",
                 "norm": f"p{p + 1:02d}u{n + 1:02d}"} for n, u in enumerate(units)])
            target_id = nxt("target")
            await conn.execute(insert(table(Target)), [{"id": target_id, "plan_id": plan_id, "code": "DN",
                                                        "name": "Doanh nghiệp được hỗ trợ", "measure": "lượt",
                                                        "aggregate": "sum", "source": "", "active": True}])
            await conn.execute(insert(table(TargetMilestone)), [
                {"target_id": target_id, "year": 2025, "value": 30, "op": ">="},
                {"target_id": target_id, "year": 2030, "value": 40, "op": ">="}])
            indicator_id = nxt("indicator")
            await conn.execute(insert(table(Indicator)), [{"id": indicator_id, "plan_id": plan_id, "code": "dn",
                                                           "name": "Doanh nghiệp", "type": "int", "measure": "lượt",
                                                           "target_id": target_id, "active": True}])
            schedule_id = nxt("schedule")
            await conn.execute(insert(table(Schedule)), [{"id": schedule_id, "plan_id": plan_id, "code": "quy",
                                                          "name": "Báo cáo quý", "every": "quarter", "window": "nd09",
                                                          "due_day": 20, "source": "default", "basis": "",
                                                          "active": True}])
            period_ids = [nxt("period") for _ in specs]
            await conn.execute(insert(table(Period)), [
                {"id": i, "schedule_id": schedule_id, "key": s.key, "window_start": s.window_start,
                 "window_end": s.window_end, "due": s.due, "active": True} for i, s in zip(period_ids, specs,
                                                                                           strict=True)])
            tasks = [nxt("task") for _ in range(TASKS)]
            await conn.execute(insert(table(Task)), [
                {"id": t, "plan_id": plan_id, "code": f"T{n + 1}", "norm": f"t{n + 1}", "title": f"Nhiệm vụ {n + 1}",
                 "section": "", "description": "", "report_by": "all", "source": "", "active": True}
                for n, t in enumerate(tasks)])
            await conn.execute(insert(table(TaskSchedule)), [{"task_id": t, "schedule_id": schedule_id} for t in tasks])
            await conn.execute(insert(table(TaskIndicator)), [
                {"task_id": t, "indicator_id": indicator_id, "position": 0} for t in tasks])
            assignments = []
            for t in tasks:
                for u in units:
                    assignments.append({"id": nxt("assignment"), "task_id": t, "unit_id": u, "role": "lead",
                                        "origin": "plan", "active": True})
            await conn.execute(insert(table(Assignment)), assignments)
            reports, values = [], []
            for index, (period_id, spec) in enumerate(zip(period_ids, specs, strict=True)):
                current = spec.due >= TODAY
                for a in assignments:
                    if current and a["id"] % 5 in (0, 1):  # the open quarter: 60 % reported so far
                        continue
                    report_id = nxt("report")
                    reports.append({"id": report_id, "assignment_id": a["id"], "period_id": period_id, "version": 1,
                                    "is_latest": True, "status": STATUSES[(a["id"] + index) % len(STATUSES)],
                                    "percent": (a["id"] * 7) % 101, "note": "Đã triển khai theo kế hoạch",
                                    "obstacles": "Thiếu kinh phí" if (a["id"] + index) % 23 == 0 else "",
                                    "proposals": "", "raw_text": "/bc T1 50%", "via": "oneline", "late": False,
                                    "submitted_at": stamp, "channel": "telegram"})
                    values.append({"report_id": report_id, "indicator_id": indicator_id, "value": a["id"] % 3})
            for start in range(0, len(reports), 20_000):
                await conn.execute(insert(table(Report)), reports[start:start + 20_000])
                await conn.execute(insert(table(ReportValue)), values[start:start + 20_000])
        # The measured province's coordinator.
        await conn.execute(insert(table(Member)), [{"id": 1, "display_name": "Cán bộ theo dõi", "created_at": stamp}])
        await conn.execute(insert(table(ChannelAccount)), [{
            "member_id": 1, "channel": "telegram", "external_id": "1", "chat_id": "1", "display_name": "",
            "username": "", "reachable": True, "created_at": stamp}])
        await conn.execute(insert(table(RoleGrant)), [{"member_id": 1, "role": "coordinator", "status": "active",
                                                       "granted_at": stamp, "granted_by": "bench"}])
        # Ten focal points of the measured province (units U01–U10 of P01), for the chat during a render.
        await conn.execute(insert(table(Member)), [{"id": 100 + n, "display_name": f"Đầu mối {n}", "created_at": stamp}
                                                   for n in range(FOCAL)])
        await conn.execute(insert(table(ChannelAccount)), [{
            "member_id": 100 + n, "channel": "telegram", "external_id": str(100 + n), "chat_id": str(100 + n),
            "display_name": "", "username": "", "reachable": True, "created_at": stamp} for n in range(FOCAL)])
        await conn.execute(insert(table(RoleGrant)), [{"member_id": 100 + n, "role": "focal", "unit_id": 1 + n,
                                                       "status": "active", "granted_at": stamp, "granted_by": "bench"}
                                                      for n in range(FOCAL)])
        if engine.url.get_backend_name() == "postgresql":
            await conn.execute(text("ANALYZE"))
    if engine.url.get_backend_name() == "sqlite":
        async with engine.connect() as conn:
            await conn.execute(text("ANALYZE"))
    await engine.dispose()


async def measure(url: str, repeat: int) -> dict:
    engine = db.make_engine(url)
    sessions = db.session_factory(engine)
    handlers = Dispatcher(sessions, HandlerConfig(tz=VN), ROUTERS, clock=lambda: NOW)
    settle_heap()  # as `nhacviec run` does once started
    def asking(command: str) -> Callable[[], Awaitable[str]]:
        async def ask() -> str:
            incoming = Incoming(channel="telegram", chat_id="1", user_id="1", text=command, at=NOW)
            return (await handlers.handle(incoming)).replies[0].text
        return ask

    async def province(session) -> Plan:
        return (await session.exec(select(Plan).where(Plan.code == "P01"))).scalar_one()

    async def summary() -> str:
        async with sessions() as session:
            return digest.text(await digest.build(session, await province(session), NOW, VN))

    async def excel() -> bytes:
        async with sessions() as session:
            data = await digest.build(session, await province(session), NOW, VN, contributions=True)
        return workbook.render(data)

    result = {}
    for name, call, times in (("tinhhinh", asking("/tinhhinh P01"), repeat), ("digest", summary, max(5, repeat // 3)),
                              ("workbook", excel, 3), ("tinhhinh_all_plans", asking("/tinhhinh"), 3)):
        answer = await call()  # warm-up (and the catalog cache)
        samples = []
        for _ in range(times):
            started = time.perf_counter()
            await call()
            samples.append((time.perf_counter() - started) * 1000)
        samples.sort()
        result[name] = {"p50_ms": round(statistics.median(samples), 1),
                        "p95_ms": round(samples[min(len(samples) - 1, int(0.95 * len(samples)))], 1),
                        "runs": times}
        if name.startswith("tinhhinh"):
            result[name]["answer_head"] = str(answer)[:120]
    async with sessions() as session:
        result["reports_in_database"] = (await session.exec(text("SELECT count(*) FROM report"))).scalar()
    await engine.dispose()
    return result


async def chat_during_render(url: str) -> dict:
    """Answer times of one-line reports from ten people, without and then during three `/xuat` renders."""
    engine = db.make_engine(url)
    sessions = db.session_factory(engine)
    handlers = Dispatcher(sessions, HandlerConfig(tz=VN), ROUTERS, clock=lambda: NOW,
                          exports=Exports(VN, database_url=url))  # as the composition root builds it
    sent = 0

    async def person(n: int, latencies: list[float], until: asyncio.Event | None, count: int) -> None:
        nonlocal sent
        done = 0
        while (until is not None and not until.is_set()) or (until is None and done < count):
            sent += 1
            incoming = Incoming(channel="telegram", chat_id=str(100 + n), user_id=str(100 + n), at=NOW,
                                text=f"/bc T{1 + done % TASKS} {done % 100}% dn=1 lần {sent}")
            started = time.perf_counter()
            answer = (await handlers.handle(incoming)).replies[0].text
            latencies.append((time.perf_counter() - started) * 1000)
            if "Đã ghi nhận" not in answer:
                raise SystemExit(f"a report was not taken: {answer[:200]}")
            done += 1

    async def renders(finished: asyncio.Event, times: int) -> float:
        started = time.perf_counter()
        try:
            for _ in range(times):
                outcome = await handlers.handle(Incoming(channel="telegram", chat_id="1", user_id="1", at=NOW,
                                                         text="/xuat P01"))
                if not any(r.attachment for r in outcome.replies):
                    raise SystemExit(f"no workbook: {[r.text[:200] for r in outcome.replies]}")
            return time.perf_counter() - started
        finally:
            finished.set()

    def summary(latencies: list[float]) -> dict:
        latencies.sort()
        return {"reports": len(latencies), "p50_ms": round(statistics.median(latencies), 1),
                "p99_ms": round(latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))], 1),
                "max_ms": round(latencies[-1], 1)}

    quiet: list[float] = []
    await asyncio.gather(*(person(n, quiet, None, 20) for n in range(FOCAL)))
    busy: list[float] = []
    finished = asyncio.Event()
    render_s, *_ = await asyncio.gather(renders(finished, 3), *(person(n, busy, finished, 0) for n in range(FOCAL)))
    await engine.dispose()
    return {"without_render": summary(quiet), "during_render": summary(busy), "renders": 3,
            "render_s": round(render_s, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--provinces", type=int, default=34)
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server URL (databases are created)")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as directory:
        for label, provinces in (("tenth", max(1, round(args.provinces / 10))), ("full", args.provinces)):
            url = f"sqlite+aiosqlite:///{directory}/{label}.db"
            if args.database_url:
                url = asyncio.run(_fresh_postgres(args.database_url, f"nhacviec_scale_{label}"))
            started = time.perf_counter()
            asyncio.run(build(url, provinces))
            built = time.perf_counter() - started
            timings = asyncio.run(measure(url, args.repeat))
            results[label] = {"provinces": provinces, "build_s": round(built, 1), **timings}
            if label == "full":
                results["chat"] = asyncio.run(chat_during_render(url))
    ratio_status = results["full"]["tinhhinh"]["p95_ms"] / results["tenth"]["tinhhinh"]["p95_ms"]
    ratio_digest = results["full"]["digest"]["p95_ms"] / results["tenth"]["digest"]["p95_ms"]
    backend = "postgresql" if args.database_url else "sqlite"
    print(json.dumps({"benchmark": "scale", "database": backend, **results,
                      "ratio_full_to_tenth": {"tinhhinh": round(ratio_status, 2), "digest": round(ratio_digest, 2)},
                      "chat_p99_ms_during_render": results["chat"]["during_render"]["p99_ms"],
                      "goals": {"p95_ms": 200, "ratio": 1.5, "chat_p99_ms": 250}}, ensure_ascii=False))
    full = results["full"]
    print(f"{backend}, {full['reports_in_database']} reports: /tinhhinh p95 {full['tinhhinh']['p95_ms']} ms "
          f"(×{ratio_status:.2f} vs one tenth), digest p95 {full['digest']['p95_ms']} ms (×{ratio_digest:.2f}), "
          f"workbook p50 {full['workbook']['p50_ms']} ms (goals: p95 < 200 ms, ratio ≤ 1.5); /tinhhinh of all "
          f"{full['provinces']} plans p50 {full['tinhhinh_all_plans']['p50_ms']} ms")
    chat = results["chat"]
    busy, quiet = chat["during_render"], chat["without_render"]
    print(f"chat during {chat['renders']} workbook renders ({chat['render_s']} s): p99 {busy['p99_ms']} ms over "
          f"{busy['reports']} reports (without a render: p99 {quiet['p99_ms']} ms; goal < 250 ms)")


async def _fresh_postgres(server_url: str, name: str) -> str:
    import asyncpg
    from sqlalchemy.engine import make_url

    base = make_url(server_url).set(drivername="postgresql")
    conn = await asyncpg.connect(base.render_as_string(hide_password=False))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return base.set(drivername="postgresql+asyncpg", database=name).render_as_string(hide_password=False)


if __name__ == "__main__":
    main()
