"""The outbox sender against the fake Telegram Bot API: sent once, paced, retried, honest about failures."""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.channels.telegram import TelegramChannel
from bot.root import ROUTERS
from handlers.core import HandlerConfig
from handlers.dispatcher import Dispatcher
from jobs.runner import outbox_sender
from jobs.sender import OutboxSender
from jobs.tick import tick
from models.chat import Sent
from models.store.tables import ChannelAccount, Claim, Delivery, Report
from tests.fakes.telegram_api import FakeTelegram, Fault
from tests.handlers.dialog import Clock
from tests.jobs.conftest import VN, at
from tests.outbox import deliveries


@pytest.fixture
async def fake():
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def telegram(fake, sessions):
    """A sending-only Telegram channel on the fake (no rate limiter unless a test asks)."""
    channels = []

    async def make(*, rate_limit: bool = False, read_timeout: float = 5.0) -> TelegramChannel:
        handlers = Dispatcher(sessions, HandlerConfig(tz=VN), ROUTERS)
        channel = TelegramChannel(fake.token, fake.base_url, handlers, rate_limit=rate_limit,
                                  read_timeout=read_timeout)
        await channel.start(receive=False)
        channels.append(channel)
        return channel
    yield make
    for channel in channels:
        await channel.stop()


def dispatcher(sessions, channel, clock, config, **kwargs) -> OutboxSender:
    kwargs.setdefault("per_chat_interval", 0.0)
    return outbox_sender(sessions, config, {"telegram": channel}, clock=clock, **kwargs)


async def claim_reminders(sessions, config, moment: str, units: list[str], register) -> None:
    for n, unit in enumerate(units):
        await register("focal", unit, user_id=str(500 + n))
    async with sessions() as session:
        await tick(session, config, at(moment))


async def test_reminders_are_sent_with_a_report_button_and_replies_find_them(
        fake, telegram, sessions, config, register):
    await claim_reminders(sessions, config, "2025-12-09 08:00", ["SCT", "SYT"], register)
    clock = Clock(at("2025-12-09 08:00"))
    result = await dispatcher(sessions, await telegram(), clock, config).run_once()
    assert result.sent == 2
    sent = {s.chat_id: s for s in fake.sent}
    assert "Đề nghị Sở Công Thương gửi báo cáo IV.2.a" in sent["500"].text
    assert sent["500"].buttons[0][0] == "📝 Báo cáo ngay" and sent["500"].buttons[0][1].startswith("go:")
    rows = await deliveries(sessions)
    assert {r.status for r in rows} == {"sent"}
    assert {r.external_message_id for r in rows} == {str(s.message_id) for s in fake.sent}
    assert (await dispatcher(sessions, await telegram(), clock, config).run_once()).outcomes == []


async def test_one_chat_is_written_to_at_most_once_per_interval(fake, telegram, sessions, config, register):
    await register("coordinator", user_id="500")
    await register("focal", "SCT", user_id="500")  # a reminder and Monday's digest (text, chart, workbook)
    async with sessions() as session:
        await tick(session, config, at("2025-12-15 07:30"))
        await tick(session, config, at("2025-12-15 08:00"))
    await dispatcher(sessions, await telegram(), Clock(at("2025-12-15 08:00")), config,
                     per_chat_interval=0.4).run_once()
    sent = fake.to_chat("500")
    assert len(sent) == 4 and all(b.at - a.at >= 0.39 for a, b in itertools.pairwise(sent))


async def test_rate_limit_answers_are_honoured(fake, telegram, sessions, config, register):
    await claim_reminders(sessions, config, "2025-12-09 08:00", ["SCT"], register)
    fake.faults.append(Fault("sendMessage", "429", count=1, retry_after=7))
    clock = Clock(at("2025-12-09 08:00"))
    run = dispatcher(sessions, await telegram(), clock, config)
    assert (await run.run_once()).retried == 1
    (row,) = await deliveries(sessions)
    assert row.status == "pending" and row.next_attempt_at == clock.now + timedelta(seconds=7)
    assert (await run.run_once()).sent == 0  # not before the platform said
    clock.now += timedelta(seconds=7)
    assert (await run.run_once()).sent == 1


async def test_the_rate_limiter_absorbs_a_429_burst(fake, telegram, sessions, config, register):
    await claim_reminders(sessions, config, "2025-12-09 08:00", ["SCT", "SYT", "SXD"], register)
    fake.faults.append(Fault("sendMessage", "429", count=2, retry_after=1))
    result = await dispatcher(sessions, await telegram(rate_limit=True), Clock(at("2025-12-09 08:00")),
                              config).run_once()
    assert result.sent == 3 and fake.status_counts[429] == 2


async def test_server_errors_are_retried_with_backoff(fake, telegram, sessions, config, register):
    await claim_reminders(sessions, config, "2025-12-09 08:00", ["SCT"], register)
    fake.faults.append(Fault("sendMessage", "502", count=2))
    clock = Clock(at("2025-12-09 08:00"))
    run = dispatcher(sessions, await telegram(), clock, config)
    for expected_wait in (2, 4):
        assert (await run.run_once()).retried == 1
        (row,) = await deliveries(sessions)
        assert row.next_attempt_at == clock.now + timedelta(seconds=expected_wait)
        clock.now = row.next_attempt_at
    assert (await run.run_once()).sent == 1 and len(fake.sent) == 1


async def test_a_blocked_bot_marks_the_account_and_tells_the_coordinator_once(
        fake, telegram, sessions, config, register):
    await register("coordinator", user_id="300")
    await claim_reminders(sessions, config, "2025-12-09 08:00", ["SCT"], register)
    fake.blocked_chats.add("500")
    clock = Clock(at("2025-12-09 08:00"))
    run = dispatcher(sessions, await telegram(), clock, config)
    result = await run.run_once()
    assert result.failed == 1  # the reminder; the coordinator got the notice (and Monday's digest)
    (notice,) = [s for s in fake.to_chat("300") if "📵" in s.text]
    assert "📵 Không gửi được tin nhắc" in notice.text and "SCT" in notice.text
    async with sessions() as session:
        account = (await session.exec(select(ChannelAccount).where(ChannelAccount.external_id == "500"))).one()
        assert account.reachable is False and account.unreachable_since is not None
        # Later reminders are not even attempted: the account is unreachable.
        await tick(session, config, at("2025-12-12 08:00"))
    await run.run_once()
    assert len([s for s in fake.to_chat("300") if "📵" in s.text]) == 1 and fake.to_chat("500") == []
    assert [r.status for r in await deliveries(sessions, "reminder")] == ["failed"]  # nothing queued for -2


async def test_timeouts_follow_the_kind_policy(fake, telegram, sessions, config, register):
    await register("leader", user_id="400")
    await claim_reminders(sessions, config, "2025-12-15 07:30", ["SCT"], register)  # a reminder and the digest
    fake.timeout_seconds = 1.0
    fake.faults += [Fault("sendMessage", "timeout", count=2)]
    clock = Clock(at("2025-12-15 07:30"))
    run = dispatcher(sessions, await telegram(read_timeout=0.3), clock, config)
    await run.run_once()
    rows = {r.kind: r for r in await deliveries(sessions)}
    assert rows["reminder"].status == "unknown" and "may have arrived" in rows["reminder"].reason
    assert rows["digest"].status == "pending"  # a digest that may be lost is sent again
    clock.now += timedelta(seconds=5)
    await run.run_once()
    rows = {r.kind: r for r in await deliveries(sessions)}
    assert rows["digest"].status == "sent" and rows["reminder"].status == "unknown"
    assert len(fake.timed_out) == 2  # both timed-out sends did arrive in this fake: worst case


async def test_a_unit_that_reports_before_the_send_is_not_reminded(fake, telegram, sessions, config, register):
    await claim_reminders(sessions, config, "2025-12-09 08:00", ["SCT"], register)
    async with sessions() as session:
        claim = (await session.exec(select(Claim))).one()
        session.add(Report(assignment_id=claim.assignment_id, period_id=claim.period_id, version=1, status="done",
                           raw_text="x", via="test"))
        await session.commit()
    result = await dispatcher(sessions, await telegram(), Clock(at("2025-12-09 08:00")), config).run_once()
    assert result.stale == 1 and fake.sent == []


async def test_the_digest_goes_out_as_text_chart_and_workbook(fake, telegram, sessions, config, register):
    await register("coordinator", user_id="300")
    async with sessions() as session:
        await tick(session, config, at("2025-12-15 07:30"))
    await dispatcher(sessions, await telegram(), Clock(at("2025-12-15 07:30")), config).run_once()
    methods = [s.method for s in fake.to_chat("300")]
    assert methods == ["sendMessage", "sendPhoto", "sendDocument"]
    text = fake.to_chat("300")[0].text
    assert "📰 Bản tin tuần — kế hoạch KH 3064 – Năng suất" in text and "Tỷ lệ báo cáo các kỳ đang mở:" in text
    assert "🎯 Mục tiêu:" in text
    document = fake.to_chat("300")[2].params["document"]
    assert document["filename"].endswith(".xlsx") and document["size"] > 4000


async def test_a_reply_to_a_delivered_reminder_reports(fake, telegram, sessions, config, register, person, clock,
                                                       invite):
    focal = person("600", "Đầu mối")
    await focal.say(f"/start {await invite('SCT')}")
    async with sessions() as session:
        await tick(session, config, at("2025-12-09 08:00"))
    await dispatcher(sessions, await telegram(), Clock(at("2025-12-09 08:00")), config).run_once()
    (reminder,) = fake.to_chat("600")
    clock.now = at("2025-12-09 09:00")
    answer = await focal.say("90% dn=3 đã xong phần lớn", reply_to=str(reminder.message_id))
    assert "Đã ghi nhận báo cáo IV.2.a · năm 2025 của SCT" in answer


async def test_a_flaky_api_loses_nothing_and_duplicates_nothing(fake, telegram, sessions, config, register):
    from collections import Counter

    from sqlalchemy import insert

    async with sessions() as session:  # 120 people due a message at once
        rows = [{"kind": "notice", "channel": "telegram", "chat_id": str(9000 + n),
                 "payload": {"text": f"Nhắc việc số {n}"}, "status": "pending", "reason": "", "attempts": 0,
                 "created_at": at("2025-12-09 08:00"), "next_attempt_at": at("2025-12-09 08:00")}
                for n in range(120)]
        await session.exec(insert(Delivery.__table__), params=rows)
        await session.commit()
    # An injected timeout holds the answer 2.5 s against a 1 s client timeout: wide margins, so that a busy
    # machine's slow answer is not taken for an injected timeout.
    fake.error_rate, fake.timeout_rate, fake.timeout_seconds = 0.10, 0.05, 2.5
    fake.faults += [Fault("sendMessage", "429", count=4, retry_after=2)]
    clock = Clock(at("2025-12-09 08:00"))
    run = dispatcher(sessions, await telegram(read_timeout=1.0), clock, config, concurrency=8)
    for _round in range(20):
        await run.run_once()
        clock.now += timedelta(minutes=15)
        if all(r.status in ("sent", "unknown", "failed") for r in await deliveries(sessions)):
            break
    statuses = Counter(r.status for r in await deliveries(sessions))
    received = Counter(s.chat_id for s in fake.sent)
    assert statuses["failed"] == 0 and statuses["pending"] == 0
    assert set(received) == {str(9000 + n) for n in range(120)}  # everyone got their message …
    assert max(received.values()) == 1  # … once: timed-out notices are not sent again
    assert statuses["unknown"] == len(fake.timed_out) > 0 and fake.status_counts[502] > 0
    assert fake.status_counts[429] == 4


class _SlowSender:
    """A channel whose send takes a moment, so that a stop can arrive in the middle of a round."""

    channel = "zalo"

    def __init__(self) -> None:
        self.sending = asyncio.Event()

    async def deliver(self, chat_id: str, reply):
        self.sending.set()
        await asyncio.sleep(0.2)
        return Sent("m1")


async def test_a_stop_during_a_round_ends_the_loop_at_once(sessions, config):
    """SIGTERM while a message is being sent: the loop ends after the round, not after its idle wait."""
    now = at("2025-12-09 08:00")
    async with sessions() as session:
        session.add(Delivery(kind="notice", channel="zalo", chat_id="1", payload={"text": "Thông báo"},
                             created_at=now, next_attempt_at=now))
        await session.commit()
    slow = _SlowSender()
    sender = outbox_sender(sessions, config, {"zalo": slow}, clock=lambda: now, per_chat_interval=0)
    stop = asyncio.Event()
    loop = asyncio.create_task(sender.run_forever(stop, idle=30))
    await asyncio.wait_for(slow.sending.wait(), 5)
    stop.set()
    sender.wake()
    await asyncio.wait_for(loop, 2)  # not the 30 s idle wait
