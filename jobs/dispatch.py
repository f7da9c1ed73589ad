"""Sending the outbox: claimed deliveries go out through their channel, politely and exactly once.

- Rows are taken with a lease (status `sending`, `sending_since`): on PostgreSQL with
  FOR UPDATE SKIP LOCKED, so two bot processes never take the same row; a row whose lease ran out
  (its process died mid-send) goes back to `pending` — at most the messages in flight at the crash
  can arrive twice, none is lost.
- Pace: a global rate (NHACVIEC_SEND_RATE, default 25/s, under Telegram's 30/s) and at least 1.1 s
  between two messages to one chat.
- Outcomes: sent → `sent` with the platform's message id (replies to it are understood);
  rate limited → retried after the platform's `retry_after`; 5xx or network trouble → retried with
  backoff; the person blocked the bot → `failed`, the account marked unreachable and the
  coordinators told once; a timeout whose outcome is unknown → per kind (UNKNOWN_OUTCOME below).
- A reminder whose unit has reported since it was claimed is not sent (`stale`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from aiolimiter import AsyncLimiter
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.types import DeliveryRefused, DeliveryRetry, DeliveryUnknown, Option, Reply, Sender
from jobs import messages
from jobs.tick import Action, People, TickConfig, claim
from locales import use_locale
from models.base import utcnow
from models.tables import ChannelAccount, Delivery, DeliveryStatus, Member, Report, RoleGrant, Unit

log = logging.getLogger(__name__)

# When a send timed out we cannot know whether it arrived. A second reminder is worse than a missing
# one (the next step follows in a few days, and people complain about double reminders); a missing
# digest or escalation is worse than a repeated one (it is the coordinators' weekly picture).
UNKNOWN_OUTCOME = {"reminder": "give_up", "nudge": "give_up", "notice": "give_up", "digest": "resend",
                   "escalation": "resend"}
MAX_ATTEMPTS = 8
BATCH = 200
DELIVERY = Delivery.__table__

DigestBuilder = Callable[[str, str], Awaitable[list[Reply]]]  # (digest moment iso, locale) → replies


@dataclass
class DispatchResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    stale: int = 0
    unknown: int = 0
    outcomes: list[tuple[int, str]] = field(default_factory=list)


class Dispatcher:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], senders: Mapping[str, Sender], *,
                 rate: float = 25.0, per_chat_interval: float = 1.1, concurrency: int = 8,
                 lease: timedelta = timedelta(minutes=2), clock: Callable[[], datetime] = utcnow,
                 digest: DigestBuilder | None = None, tick_config: TickConfig | None = None,
                 on_outcome: Callable[[str, str, str], None] | None = None) -> None:
        self.sessions = sessions
        self.on_outcome = on_outcome  # (channel, kind, outcome) per settled row: bot.metrics.record_delivery
        self.senders = dict(senders)
        self.limiter = AsyncLimiter(rate, 1.0)
        self.per_chat_interval = per_chat_interval
        self.concurrency = concurrency
        self.lease = lease
        self.clock = clock
        self.digest = digest
        self.tick_config = tick_config
        self._last_to_chat: dict[tuple[str, str], float] = {}
        self._chat_locks: dict[tuple[str, str], asyncio.Lock] = {}
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    # -- taking rows -------------------------------------------------------------------------------

    async def recover(self, *, everything: bool = False) -> int:
        """Put back rows whose sending process died. `everything`: SQLite's single process at start-up."""
        cutoff = self.clock() - (timedelta(0) if everything else self.lease)
        async with self.sessions() as session:
            result = await session.exec(update(DELIVERY).where(
                DELIVERY.c.status == DeliveryStatus.sending, DELIVERY.c.sending_since <= cutoff)
                .values(status=DeliveryStatus.pending, sending_since=None, next_attempt_at=self.clock()))
            await session.commit()
            if result.rowcount:
                log.warning("dispatch: %d deliveries were in flight when a process stopped; sending again",
                            result.rowcount)
            return result.rowcount

    async def _take(self, session: AsyncSession, now: datetime, limit: int) -> list[dict[str, Any]]:
        due = (select(DELIVERY.c.id).where(DELIVERY.c.status == DeliveryStatus.pending,
                                           DELIVERY.c.next_attempt_at <= now)
               .order_by(DELIVERY.c.next_attempt_at, DELIVERY.c.id).limit(limit))
        if (await session.connection()).dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        statement = (update(DELIVERY).where(DELIVERY.c.id.in_(due.scalar_subquery()),
                                            DELIVERY.c.status == DeliveryStatus.pending)
                     .values(status=DeliveryStatus.sending, sending_since=now, attempts=DELIVERY.c.attempts + 1)
                     .returning(*DELIVERY.c))
        rows = [dict(row._mapping) for row in await session.exec(statement)]
        await session.commit()
        return sorted(rows, key=lambda r: (r["next_attempt_at"], r["id"]))

    # -- sending -----------------------------------------------------------------------------------

    async def run_once(self, *, limit: int = BATCH) -> DispatchResult:
        """Send every delivery due now (in batches); returns what happened."""
        result = DispatchResult()
        semaphore = asyncio.Semaphore(self.concurrency)

        async def one(row: dict[str, Any]) -> None:
            async with semaphore:
                outcome = await self._deliver(row)
                result.outcomes.append((row["id"], outcome))
                if self.on_outcome is not None and outcome != "retried":
                    self.on_outcome(row["channel"], row["kind"], outcome)
                setattr(result, outcome, getattr(result, outcome) + 1)

        while True:
            async with self.sessions() as session:
                rows = await self._take(session, self.clock(), limit)
            if not rows:
                return result
            await asyncio.gather(*(one(row) for row in rows))

    async def run_forever(self, stop: asyncio.Event, *, idle: float = 5.0) -> None:
        """Send what is due, then sleep until the next row is due, a tick wakes us, or `idle` passes
        (rows claimed by another process, or by a coordinator's /nhacnho, are found then)."""
        while not stop.is_set():
            wait = idle
            try:
                await self.recover()  # rows left "sending" by a process that died, once their lease ran out
                await self.run_once()
                wait = await self._until_next(idle)
            except Exception:  # the outbox must outlive a bad row or a database hiccup
                log.exception("dispatch: a round failed; trying again shortly")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=wait)

    async def _until_next(self, idle: float) -> float:
        async with self.sessions() as session:
            nxt = (await session.exec(select(func.min(DELIVERY.c.next_attempt_at)).where(
                DELIVERY.c.status == DeliveryStatus.pending))).scalar()
        if nxt is None:
            return idle
        return max(0.05, min(idle, (nxt - self.clock()).total_seconds()))

    async def _deliver(self, row: dict[str, Any]) -> str:
        channel, chat_id, kind = row["channel"], row["chat_id"], row["kind"]
        sender = self.senders.get(channel)
        if sender is None:  # the channel is not running in this process: leave it for one that has it
            return await self._finish(row, DeliveryStatus.pending, "retried", next_at=self.clock() + timedelta(
                minutes=5), reason=f"channel {channel} not running here")
        if kind == "reminder" and await self._already_reported(row):
            return await self._finish(row, DeliveryStatus.stale, "stale", reason="reported before it was sent")
        try:
            replies = await self._replies(row)
        except Exception:
            log.exception("dispatch: could not build delivery %s", row["id"])
            return await self._retry(row, "could not build the message")
        key = (channel, chat_id)
        lock = self._chat_locks.setdefault(key, asyncio.Lock())
        async with lock:
            try:
                message_id = None
                for reply in replies:
                    await self._pace(key)
                    sent = await sender.deliver(chat_id, reply)
                    if message_id is None or reply.options:  # the message people reply to
                        message_id = sent.message_id
                return await self._finish(row, DeliveryStatus.sent, "sent", message_id=message_id)
            except DeliveryRefused as error:
                await self._unreachable(row, str(error))
                return await self._finish(row, DeliveryStatus.failed, "failed", reason=f"refused: {error}")
            except DeliveryRetry as error:
                return await self._retry(row, str(error), after=error.after)
            except DeliveryUnknown as error:
                if UNKNOWN_OUTCOME.get(kind) == "resend":
                    return await self._retry(row, f"timed out: {error}")
                return await self._finish(row, DeliveryStatus.unknown, "unknown",
                                          reason="timed out; it may have arrived, not sent again")
            except Exception as error:  # an unexpected answer: keep trying for a while, then give up
                log.exception("dispatch: unexpected error sending %s", row["id"])
                return await self._retry(row, repr(error))

    async def _pace(self, key: tuple[str, str]) -> None:
        wait = self._last_to_chat.get(key, 0.0) + self.per_chat_interval - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        await self.limiter.acquire()
        self._last_to_chat[key] = time.monotonic()

    async def _replies(self, row: dict[str, Any]) -> list[Reply]:
        payload = row["payload"] or {}
        if "digest" in payload:
            if self.digest is None:
                raise RuntimeError("no digest builder configured")
            return await self.digest(payload["digest"], payload.get("locale") or "vi")
        options = tuple(Option(label, value) for label, value in payload.get("options", []))
        return [Reply(payload.get("text", ""), options)]

    async def _already_reported(self, row: dict[str, Any]) -> bool:
        if not (row["assignment_id"] and row["period_id"]):
            return False
        async with self.sessions() as session:
            return (await session.exec(select(Report.id).where(
                Report.assignment_id == row["assignment_id"], Report.period_id == row["period_id"]).limit(1))
            ).first() is not None

    async def _retry(self, row: dict[str, Any], reason: str, *, after: float | None = None) -> str:
        if row["attempts"] >= MAX_ATTEMPTS:
            return await self._finish(row, DeliveryStatus.failed, "failed", reason=f"gave up: {reason}")
        delay = after if after is not None else min(600.0, 2.0 ** row["attempts"])
        return await self._finish(row, DeliveryStatus.pending, "retried", reason=reason,
                                  next_at=self.clock() + timedelta(seconds=delay))

    async def _finish(self, row: dict[str, Any], status: str, outcome: str, *, reason: str = "",
                      message_id: str | None = None, next_at: datetime | None = None) -> str:
        values: dict[str, Any] = {"status": status, "reason": reason[:500], "sending_since": None}
        if status == DeliveryStatus.sent:
            values.update(sent_at=self.clock(), external_message_id=message_id)
        if next_at is not None:
            values["next_attempt_at"] = next_at
        async with self.sessions() as session:
            await session.exec(update(DELIVERY).where(DELIVERY.c.id == row["id"]).values(**values))
            await session.commit()
        return outcome

    async def _unreachable(self, row: dict[str, Any], error: str) -> None:
        """Mark the account unreachable and tell the coordinators — once per account and episode."""
        if not row["account_id"]:
            return
        now = self.clock()
        async with self.sessions() as session:
            account = await session.get(ChannelAccount, row["account_id"])
            if account is None:
                return
            if account.reachable:
                account.reachable, account.unreachable_since = False, now
            since = account.unreachable_since or now
            member = await session.get(Member, account.member_id)
            units = (await session.exec(select(Unit.code).join(RoleGrant, RoleGrant.unit_id == Unit.id).where(
                RoleGrant.member_id == account.member_id))).scalars().all()
            await session.commit()
            if self.tick_config is None:
                return
            people = await People(self.tick_config).load(session)
            actions = []
            for recipient in people.staff(leaders=False):
                with use_locale(recipient.locale):
                    body = messages.unreachable(member.display_name if member else "?", ", ".join(units) or "–",
                                                account.channel)
                actions.append(Action("notice", f"notice:unreachable:{account.id}:{since:%Y%m%d%H%M}:"
                                      f"{recipient.key}", DeliveryStatus.pending, "", recipient, now,
                                      payload={"text": body}))
            await claim(session, actions)
            await session.commit()
        self.wake()
