"""/healthz and /metrics on the same server as the web view."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import metrics
from bot.config import load_settings
from bot.root import Services, build_dispatcher
from jobs.runner import Jobs
from jobs.tick import TickConfig
from models import heartbeat
from models.chat import Incoming
from models.store import db
from models.store.tables import Delivery, DeliveryStatus
from tests.bot.web.conftest import serve

CHANNELS = ("telegram", "zalo", "console")


async def _beat(sessions, at) -> None:
    async with sessions() as session:
        await heartbeat.beat(session, at)
        await session.commit()


async def _health(client) -> tuple[int, dict]:
    answer = await client.get("/healthz")
    body = await answer.text()
    assert body.endswith("\n") and body.count("\n") == 1  # one JSON line
    return answer.status, json.loads(body)


async def test_healthy_when_the_database_answers_and_the_tick_ran(sessions, clock, web_settings):
    await _beat(sessions, clock() - timedelta(seconds=40))
    async for client in serve(sessions, web_settings, clock):
        assert await _health(client) == (200, {"database": "ok", "tick": "ok"})


async def test_unhealthy_when_the_tick_is_late(sessions, clock, web_settings):
    await _beat(sessions, clock() - timedelta(seconds=95))  # three 30 s intervals are 90 s
    async for client in serve(sessions, web_settings, clock):
        assert await _health(client) == (503, {"database": "ok", "tick": "late 95 s"})


async def test_a_tick_that_has_not_run_yet_is_waited_for_at_start_up(sessions, clock, web_settings):
    async for client in serve(sessions, web_settings, clock):
        assert await _health(client) == (200, {"database": "ok", "tick": "starting"})


async def test_the_real_tick_keeps_health_green(sessions, plan, clock, web_settings):
    ticks: list[tuple[float, float]] = []
    jobs = Jobs(sessions, TickConfig(tz=ZoneInfo("Asia/Ho_Chi_Minh")), {}, clock=clock,
                on_tick=lambda seconds, at: ticks.append((seconds, at)))
    async for client in serve(sessions, web_settings, clock):
        await jobs.tick_now()
        assert len(ticks) == 1 and ticks[0][0] >= 0
        clock.now += timedelta(seconds=60)
        assert await _health(client) == (200, {"database": "ok", "tick": "ok"})
        clock.now += timedelta(seconds=60)
        assert (await _health(client))[0] == 503


async def test_unhealthy_when_the_database_is_unreachable(clock, web_settings):
    engine = db.make_engine("postgresql://nobody@127.0.0.1:9/nowhere")  # nothing listens on port 9
    try:
        async for client in serve(db.session_factory(engine), web_settings, clock):
            assert await _health(client) == (503, {"database": "unreachable", "tick": "unknown"})
        async for client in serve(db.session_factory(engine), web_settings, clock, check_tick=False):
            assert await _health(client) == (503, {"database": "unreachable"})
    finally:
        await engine.dispose()


def _families(text: str) -> set[str]:
    return {line.split()[2] for line in text.splitlines() if line.startswith("# TYPE ")}


def test_a_fresh_process_shows_every_family_with_every_channel():
    script = "from bot import metrics; print(metrics.exposition().decode())"
    text = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert {"nhacviec_updates_total", "nhacviec_handler_seconds", "nhacviec_deliveries_total",
            "nhacviec_outbox_depth", "nhacviec_tick_seconds", "nhacviec_tick_last_run_timestamp_seconds",
            "nhacviec_process_cpu_seconds_total", "nhacviec_process_resident_memory_bytes"} <= _families(text)
    for channel in CHANNELS:
        for outcome in ("ok", "error"):
            assert f'nhacviec_updates_total{{channel="{channel}",outcome="{outcome}"}} 0.0' in text
        assert f'nhacviec_handler_seconds_count{{channel="{channel}"}} 0.0' in text
        assert f'nhacviec_outbox_depth{{channel="{channel}"}} 0.0' in text
        for kind in ("reminder", "digest"):
            for result in ("sent", "failed", "stale"):
                assert f'nhacviec_deliveries_total{{channel="{channel}",kind="{kind}",result="{result}"}} 0.0' in text
    assert "nhacviec_tick_seconds_count 0.0" in text
    assert all(name.startswith("nhacviec_") for name in _families(text))


def _value(text: str, series: str) -> float:
    line = next(line for line in text.splitlines() if line.startswith(series + " "))
    return float(line.rsplit(" ", 1)[1])


async def test_metrics_are_served_and_record(sessions, plan, clock, web_settings):
    async with sessions() as session:
        for n in range(3):
            session.add(Delivery(claim_key=f"test:{n}", kind="reminder", channel="zalo", chat_id="1",
                                 status=DeliveryStatus.sent if n == 2 else DeliveryStatus.pending))
        await session.commit()
    async for client in serve(sessions, web_settings, clock):
        answer = await client.get("/metrics")
        assert answer.status == 200 and answer.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        before = await answer.text()
        assert _value(before, 'nhacviec_outbox_depth{channel="zalo"}') == 2  # read from the outbox at scrape time
        assert _value(before, 'nhacviec_outbox_depth{channel="telegram"}') == 0
        metrics.record_update("telegram", "ok", 0.02)
        metrics.record_delivery("zalo", "digest", "failed")
        metrics.record_tick(0.3, 1_700_000_000.0)
        after = await (await client.get("/metrics")).text()
    for series in ('nhacviec_updates_total{channel="telegram",outcome="ok"}',
                   'nhacviec_handler_seconds_count{channel="telegram"}',
                   'nhacviec_deliveries_total{channel="zalo",kind="digest",result="failed"}',
                   "nhacviec_tick_seconds_count"):
        assert _value(after, series) == _value(before, series) + 1, series
    assert _value(after, "nhacviec_tick_last_run_timestamp_seconds") == 1_700_000_000.0


@pytest.mark.parametrize("value", ["false", "0"])
async def test_metrics_can_be_switched_off(sessions, clock, monkeypatch, value):
    monkeypatch.setenv("NHACVIEC_METRICS", value)
    async for client in serve(sessions, load_settings(), clock):
        assert (await client.get("/metrics")).status == 404
        assert (await client.get("/healthz")).status == 200


class _Sender:
    """A channel that takes one chat's messages and refuses another's (the person blocked the bot)."""

    channel = "zalo"

    async def deliver(self, chat_id: str, reply):
        from models.chat import DeliveryRefused, Sent

        if chat_id == "blocked":
            raise DeliveryRefused("blocked by the user")
        return Sent("m1")


async def test_the_dispatcher_reports_each_settled_delivery_to_the_metrics(sessions, plan, clock, web_settings):
    from jobs.runner import outbox_sender
    from jobs.tick import TickConfig

    async with sessions() as session:
        for chat in ("ok", "blocked"):
            session.add(Delivery(kind="notice", channel="zalo", chat_id=chat,
                                 payload={"text": "Thông báo"}, created_at=clock(), next_attempt_at=clock()))
        await session.commit()
    async for client in serve(sessions, web_settings, clock):
        before = await (await client.get("/metrics")).text()
        dispatcher = outbox_sender(sessions, TickConfig(tz=clock().tzinfo), {"zalo": _Sender()}, clock=clock,
                                   per_chat_interval=0, on_outcome=metrics.record_delivery)
        result = await dispatcher.run_once()
        assert (result.sent, result.failed) == (1, 1)
        after = await (await client.get("/metrics")).text()
    for result_label in ("sent", "failed"):
        series = f'nhacviec_deliveries_total{{channel="zalo",kind="notice",result="{result_label}"}}'
        assert _value(after, series) == _value(before, series) + 1


async def test_each_message_is_counted_and_an_apology_counts_as_an_error(engine, sessions, plan, clock, web_settings):
    """The composition root hooks the dispatcher to the metrics: every message a channel hands over is
    counted once, "error" when the bot could only apologise."""
    def sample(name: str, **labels: str) -> float:
        return metrics.REGISTRY.get_sample_value(name, labels) or 0.0

    def message() -> Incoming:
        return Incoming(channel="zalo", chat_id="77", user_id="77", text="/trogiup", at=clock())

    ok, error = sample("nhacviec_updates_total", channel="zalo", outcome="ok"), \
        sample("nhacviec_updates_total", channel="zalo", outcome="error")
    timed = sample("nhacviec_handler_seconds_count", channel="zalo")
    await build_dispatcher(Services(web_settings, engine, sessions), clock=clock).handle(message())
    down = db.make_engine("postgresql://nobody@127.0.0.1:9/nowhere")  # nothing listens on port 9
    try:
        broken = build_dispatcher(Services(web_settings, down, db.session_factory(down)), clock=clock)
        outcome = await broken.handle(message())
    finally:
        await down.dispose()
    assert "Xin lỗi, bot gặp lỗi" in outcome.replies[0].text
    assert sample("nhacviec_updates_total", channel="zalo", outcome="ok") == ok + 1
    assert sample("nhacviec_updates_total", channel="zalo", outcome="error") == error + 1
    assert sample("nhacviec_handler_seconds_count", channel="zalo") == timed + 2
