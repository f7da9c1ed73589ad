"""The outbox sender: queued deliveries go out through their channel, politely and at most once each.

- A row is taken (status `sending`) only when it is about to be sent — after its chat's pause and the
  global rate allow it — and marked `sent` as soon as the platform answers. So what a crash can leave
  `sending` is exactly what was in flight (at most `concurrency` messages); those are sent again at
  start-up (SQLite, one process) or once their lease runs out (PostgreSQL, several processes), and are
  the only messages that can arrive twice. Taking is an UPDATE guarded by the status, so of two
  processes only one takes a row.
- Pace: a global rate (NHACVIEC_SEND_RATE, default 25/s, under Telegram's 30/s) and at least 1.1 s
  between two messages to one chat.
- Outcomes: sent → `sent` with the platform's message id (replies to it are understood); rate limited →
  retried after the platform's `retry_after`; 5xx or network trouble → retried with backoff; the
  person blocked the bot → `failed`, the account marked unreachable and the coordinators told once; a
  timeout whose outcome is unknown → per kind (UNKNOWN_OUTCOME below).
- The text is composed when the row is taken (jobs/compose.py): items reported meanwhile are left
  out, and a message with nothing left is `stale`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from aiolimiter import AsyncLimiter
from sqlalchemy import Table, func, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from jobs import messages
from jobs.compose import Composer
from jobs.trouble import Trouble
from locales import use_locale
from models.chat import DeliveryRefused, DeliveryRetry, DeliveryUnknown, Sender
from models.outbox import Action, Recipients, claim
from models.store.base import utcnow
from models.store.db import outage
from models.store.tables import ChannelAccount, Delivery, DeliveryKind, DeliveryStatus, Member, RoleGrant, Unit

log = logging.getLogger(__name__)

# When a send timed out we cannot know whether it arrived. A second reminder is worse than a missing
# one (the next step follows in a few days, and people complain about double reminders); a missing
# digest or escalation is worse than a repeated one (it is the coordinators' weekly picture).
RESEND_WHEN_UNKNOWN = frozenset({DeliveryKind.digest, DeliveryKind.escalation})
MAX_ATTEMPTS = 8
BATCH = 200
DELIVERY: Table = Delivery.__table__  # type: ignore[attr-defined]  # SQLAlchemy sets it; SQLModel does not declare it


class SendOutcome(StrEnum):
    sent = "sent"
    retried = "retried"
    failed = "failed"
    stale = "stale"
    unknown = "unknown"
    skipped = "skipped"  # another process took the row first


@dataclass
class SendResult:
    counts: Counter[SendOutcome] = field(default_factory=Counter)
    outcomes: list[tuple[int, SendOutcome]] = field(default_factory=list)

    def add(self, row_id: int, outcome: SendOutcome) -> None:
        self.counts[outcome] += 1
        self.outcomes.append((row_id, outcome))

    sent = property(lambda self: self.counts[SendOutcome.sent])
    retried = property(lambda self: self.counts[SendOutcome.retried])
    failed = property(lambda self: self.counts[SendOutcome.failed])
    stale = property(lambda self: self.counts[SendOutcome.stale])
    unknown = property(lambda self: self.counts[SendOutcome.unknown])


OutcomeHook = Callable[[str, DeliveryKind, SendOutcome], None]  # (channel, kind, outcome), e.g. for metrics


class OutboxSender:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], senders: Mapping[str, Sender], *,
                 compose: Composer, tz: ZoneInfo, rate: float = 25.0, per_chat_interval: float = 1.1,
                 concurrency: int = 8, lease: timedelta = timedelta(minutes=2), clock: Callable[[], datetime] = utcnow,
                 default_locale: str = "vi", on_outcome: OutcomeHook | None = None) -> None:
        self.sessions = sessions
        self.senders = dict(senders)
        self.compose = compose
        self.tz = tz
        self.limiter = AsyncLimiter(rate, 1.0)
        self.per_chat_interval = per_chat_interval
        self.concurrency = concurrency
        self.lease = lease
        self.clock = clock
        self.default_locale = default_locale
        self.on_outcome = on_outcome
        self._last_to_chat: dict[tuple[str, str], float] = {}
        self._chat_locks: dict[tuple[str, str], asyncio.Lock] = {}
        self._wake = asyncio.Event()
        self.trouble = Trouble("outbox", log)

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
                log.warning("outbox: %d messages were in flight when a process stopped; sending them again",
                            result.rowcount)
            return result.rowcount

    async def _candidates(self, limit: int) -> list[dict[str, Any]]:
        async with self.sessions() as session:
            rows = (await session.exec(
                select(DELIVERY.c.id, DELIVERY.c.channel, DELIVERY.c.chat_id)
                .where(DELIVERY.c.status == DeliveryStatus.pending, DELIVERY.c.next_attempt_at <= self.clock())
                .order_by(DELIVERY.c.next_attempt_at, DELIVERY.c.id).limit(limit))).all()
        return [{"id": row_id, "channel": channel, "chat_id": chat_id} for row_id, channel, chat_id in rows]

    async def _take(self, row_id: int) -> dict[str, Any] | None:
        """Mark one row as being sent, now; None if it is no longer pending (another process took it)."""
        now = self.clock()
        async with self.sessions() as session:
            row = (await session.exec(
                update(DELIVERY).where(DELIVERY.c.id == row_id, DELIVERY.c.status == DeliveryStatus.pending)
                .values(status=DeliveryStatus.sending, sending_since=now, attempts=DELIVERY.c.attempts + 1)
                .returning(*DELIVERY.c))).first()
            await session.commit()
        return dict(row._mapping) if row is not None else None

    # -- sending -----------------------------------------------------------------------------------

    async def run_once(self, *, limit: int = BATCH) -> SendResult:
        """Send every delivery due now (in batches); returns what happened."""
        result = SendResult()
        semaphore = asyncio.Semaphore(self.concurrency)

        async def one(candidate: dict[str, Any]) -> None:
            async with semaphore:
                outcome, kind = await self._deliver(candidate)
                result.add(candidate["id"], outcome)
                if self.on_outcome is not None and kind is not None:
                    self.on_outcome(candidate["channel"], kind, outcome)

        while True:
            candidates = await self._candidates(limit)
            if not candidates:
                return result
            before = len(result.outcomes) - result.counts[SendOutcome.skipped]
            await asyncio.gather(*(one(c) for c in candidates))
            if len(result.outcomes) - result.counts[SendOutcome.skipped] == before:
                return result  # every candidate was taken by another process

    async def run_forever(self, stop: asyncio.Event, *, idle: float = 5.0) -> None:
        """Send what is due, then sleep until the next row is due, a tick wakes us, or `idle` passes
        (rows queued by another process, or by a coordinator's /nhacnho, are found then)."""
        while not stop.is_set():
            wait = idle
            try:
                await self.recover()  # rows left "sending" by a process that died, once their lease ran out
                await self.run_once()
                wait = await self._until_next(idle)
                self.trouble.ok()
            except Exception as error:  # the outbox must outlive a bad row or a database outage
                self.trouble.failed(error)
            self._wake.clear()
            if stop.is_set():  # asked to stop during the round: its wake-up was just cleared, do not sleep
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=wait)

    async def _until_next(self, idle: float) -> float:
        async with self.sessions() as session:
            nxt = (await session.exec(select(func.min(DELIVERY.c.next_attempt_at)).where(
                DELIVERY.c.status == DeliveryStatus.pending))).first()
        if nxt is None:
            return idle
        return max(0.05, min(idle, (nxt - self.clock()).total_seconds()))

    async def _deliver(self, candidate: dict[str, Any]) -> tuple[SendOutcome, DeliveryKind | None]:
        channel, chat_id = candidate["channel"], candidate["chat_id"]
        sender = self.senders.get(channel)
        if sender is None:  # the channel is not running in this process: leave it for one that has it
            await self._defer(candidate["id"], timedelta(minutes=5))
            return SendOutcome.retried, None
        key = (channel, chat_id)
        async with self._chat_locks.setdefault(key, asyncio.Lock()):
            await self._pace(key, mark=False)  # the row is taken only once it may go
            row = await self._take(candidate["id"])
            if row is None:
                return SendOutcome.skipped, None
            kind = DeliveryKind(row["kind"])
            try:
                replies = await self.compose(row, self.clock().astimezone(self.tz).date())
            except Exception as error:
                if outage(error) is not None:
                    raise  # the round fails, said once by run_forever; the row is taken back with the others
                log.exception("outbox: could not compose message %s", row["id"])
                return await self._retry(row, "could not compose the message"), kind
            if not replies:
                return await self._finish(row, DeliveryStatus.stale, SendOutcome.stale,
                                          reason="everything it carried was reported before it was sent"), kind
            try:
                message_id = None
                for reply in replies:
                    await self._pace(key)
                    sent = await sender.deliver(chat_id, reply)
                    if message_id is None or reply.options:  # the message people reply to
                        message_id = sent.message_id
                return await self._finish(row, DeliveryStatus.sent, SendOutcome.sent, message_id=message_id), kind
            except DeliveryRefused as error:
                await self._unreachable(row, str(error))
                return await self._finish(row, DeliveryStatus.failed, SendOutcome.failed, reason=f"refused: {error}"), \
                    kind
            except DeliveryRetry as error:
                return await self._retry(row, str(error), after=error.after), kind
            except DeliveryUnknown as error:
                if kind in RESEND_WHEN_UNKNOWN:
                    return await self._retry(row, f"timed out: {error}"), kind
                return await self._finish(row, DeliveryStatus.unknown, SendOutcome.unknown,
                                          reason="timed out; it may have arrived, not sent again"), kind
            except Exception as error:  # an unexpected answer: keep trying for a while, then give up
                if outage(error) is not None:
                    raise
                log.exception("outbox: unexpected error sending %s", row["id"])
                return await self._retry(row, repr(error)), kind

    async def _pace(self, key: tuple[str, str], *, mark: bool = True) -> None:
        """Wait until the chat's pause is over (and, before a send, for the global rate)."""
        wait = self._last_to_chat.get(key, 0.0) + self.per_chat_interval - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        if mark:
            await self.limiter.acquire()
            self._last_to_chat[key] = time.monotonic()

    async def _defer(self, row_id: int, delay: timedelta) -> None:
        async with self.sessions() as session:
            await session.exec(update(DELIVERY).where(DELIVERY.c.id == row_id, DELIVERY.c.status ==
                                                      DeliveryStatus.pending)
                               .values(next_attempt_at=self.clock() + delay, reason="channel not running here"))
            await session.commit()

    async def _retry(self, row: dict[str, Any], reason: str, *, after: float | None = None) -> SendOutcome:
        if row["attempts"] >= MAX_ATTEMPTS:
            return await self._finish(row, DeliveryStatus.failed, SendOutcome.failed, reason=f"gave up: {reason}")
        delay = after if after is not None else min(600.0, 2.0 ** row["attempts"])
        return await self._finish(row, DeliveryStatus.pending, SendOutcome.retried, reason=reason,
                                  next_at=self.clock() + timedelta(seconds=delay))

    async def _finish(self, row: dict[str, Any], status: DeliveryStatus, outcome: SendOutcome, *, reason: str = "",
                      message_id: str | None = None, next_at: datetime | None = None) -> SendOutcome:
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
            units = (await session.exec(select(Unit.code).join(RoleGrant, col(RoleGrant.unit_id) == Unit.id).where(
                RoleGrant.member_id == account.member_id))).all()
            await session.commit()
            recipients = await Recipients(channels=frozenset(self.senders), default_locale=self.default_locale
                                          ).load(session)
            actions = []
            for recipient in recipients.staff(leaders=False):
                with use_locale(recipient.locale):
                    body = messages.unreachable(member.display_name if member else "?", ", ".join(units) or "–",
                                                account.channel)
                actions.append(Action.notice(f"unreachable:{account.id}:{since:%Y%m%d%H%M}", recipient, now, body))
            await claim(session, actions, now=now)
            await session.commit()
        self.wake()
