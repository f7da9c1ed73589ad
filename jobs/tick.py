"""How a reminder is decided: derive what is due now, claim it, and let the dispatcher send it.

Nothing is scheduled ahead of time (design.md §2). Each tick looks at the obligations around today,
their latest reports and who holds which role, and turns every step whose moment has come into an
action with a unique claim key. Claiming is an INSERT that ignores existing keys: whatever was
claimed before — by this process, an earlier run, or another process — is never claimed again.

Catch-up after downtime: for an unreported obligation only the newest step that has come is sent;
older ones are claimed as `stale` with the reason. A step before the deadline is never sent once the
deadline has passed. Escalations (from the second overdue step) go to coordinators, the registered
coordinators' group chats and, if configured, leaders. The weekly digest's moments come from its
cron expression and are claimed the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers import succession
from jobs import messages
from locales import _, use_locale
from models.obligations import Obligation, obligation_from_row, obligation_rows, plan_calendar
from models.registry import pending_successions
from models.store.db import insert_new
from models.store.tables import (
    ChannelAccount,
    ChatDestination,
    Delivery,
    DeliveryStatus,
    GrantStatus,
    InboundSeen,
    Member,
    Plan,
    Role,
    RoleGrant,
)

WINDOW = timedelta(days=130)  # steps lie within 60 working days of a deadline (plan file limit)
DIGEST_CATCH_UP = timedelta(days=6)  # a digest missed during downtime is sent late, but not a week late


@dataclass(frozen=True)
class TickConfig:
    tz: ZoneInfo
    reminder_time: time = time(8, 0)
    digest_cron: str = "30 7 * * mon"
    escalate_to_leaders: bool = False
    channels: frozenset[str] = frozenset({"telegram"})  # channels that can deliver right now
    default_locale: str = "vi"
    plan_code: str | None = None


@dataclass(frozen=True)
class Recipient:
    key: str  # m<member id> or g<destination id>
    channel: str
    chat_id: str
    locale: str
    member_id: int | None = None
    account_id: int | None = None


@dataclass(frozen=True)
class Action:
    kind: str
    claim_key: str
    status: str  # pending | stale | failed
    reason: str
    recipient: Recipient | None
    due_at: datetime
    assignment_id: int | None = None
    period_id: int | None = None
    step: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)

    def row(self) -> dict[str, Any]:
        r = self.recipient
        return {"claim_key": self.claim_key, "kind": self.kind, "assignment_id": self.assignment_id,
                "period_id": self.period_id, "step": self.step, "member_id": r.member_id if r else None,
                "account_id": r.account_id if r else None, "channel": r.channel if r else "",
                "chat_id": r.chat_id if r else "", "payload": self.payload, "status": self.status,
                "reason": self.reason, "attempts": 0, "created_at": self.due_at, "next_attempt_at": self.due_at}


@dataclass
class TickResult:
    claimed: list[Action] = field(default_factory=list)

    @property
    def pending(self) -> int:
        return sum(1 for a in self.claimed if a.status == DeliveryStatus.pending)


# --- who receives -------------------------------------------------------------------------------


class People:
    """Members, their reachable accounts, and who holds which role — read once per tick."""

    def __init__(self, config: TickConfig) -> None:
        self.config = config
        self.focal: dict[int, list[int]] = defaultdict(list)  # unit id → member ids
        self.coordinators: list[int] = []
        self.leaders: list[int] = []
        self.members: dict[int, Member] = {}
        self.accounts: dict[int, list[ChannelAccount]] = defaultdict(list)
        self.groups: list[ChatDestination] = []

    async def load(self, session: AsyncSession) -> People:
        grants = (await session.exec(select(RoleGrant).where(
            RoleGrant.status.in_([GrantStatus.active, GrantStatus.pending])))).scalars()
        pending: list[int] = []
        for grant in grants:
            if grant.status == GrantStatus.pending:
                pending.append(grant.member_id)  # asked to confirm a successor unit: must be reachable
            elif grant.role == Role.focal and grant.unit_id:
                self.focal[grant.unit_id].append(grant.member_id)
            elif grant.role == Role.coordinator:
                self.coordinators.append(grant.member_id)
            elif grant.role == Role.leader:
                self.leaders.append(grant.member_id)
        ids = set(self.coordinators) | set(self.leaders) | {m for ms in self.focal.values() for m in ms} | set(pending)
        if ids:
            for member in (await session.exec(select(Member).where(Member.id.in_(ids)))).scalars():
                self.members[member.id] = member
            for account in (await session.exec(select(ChannelAccount).where(
                    ChannelAccount.member_id.in_(ids)).order_by(ChannelAccount.id))).scalars():
                self.accounts[account.member_id].append(account)
        self.groups = list((await session.exec(select(ChatDestination).where(ChatDestination.active)
                                                .order_by(ChatDestination.id))).scalars())
        return self

    def recipient(self, member_id: int) -> Recipient | None:
        """The member's account for bot-started messages: their preferred channel if it can deliver,
        else the first reachable account on a channel that can. None: nowhere to write."""
        member = self.members.get(member_id)
        if member is None:
            return None
        usable = [a for a in self.accounts.get(member_id, []) if a.reachable and a.channel in self.config.channels]
        usable.sort(key=lambda a: a.channel != member.preferred_channel)
        if not usable:
            return None
        account = usable[0]
        return Recipient(f"m{member_id}", account.channel, account.chat_id,
                         member.locale or self.config.default_locale, member_id, account.id)

    def group(self, destination: ChatDestination) -> Recipient | None:
        if destination.channel not in self.config.channels:
            return None
        return Recipient(f"g{destination.id}", destination.channel, destination.chat_id, self.config.default_locale)

    def staff(self, *, leaders: bool) -> list[Recipient]:
        ids = list(dict.fromkeys(self.coordinators + (self.leaders if leaders else [])))
        found = [r for r in (self.recipient(m) for m in ids) if r is not None]
        return found + [r for r in (self.group(g) for g in self.groups) if r is not None]


# --- deciding -------------------------------------------------------------------------------------


def moment(day, at: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=tz)


async def plan_actions(session: AsyncSession, config: TickConfig, now: datetime) -> list[Action]:
    """Everything that is due at `now`, whether or not it has been claimed already."""
    plans = (await session.exec(select(Plan).order_by(Plan.id))).scalars().all()
    if config.plan_code:
        plans = [p for p in plans if p.code == config.plan_code]
    people = await People(config).load(session)
    actions: list[Action] = []
    for plan in plans:
        actions += await _plan_reminders(session, plan, config, people, now)
    actions += await _succession_questions(session, config, people, now)
    actions += _digests(config, people, now)
    return actions


async def _plan_reminders(session: AsyncSession, plan: Plan, config: TickConfig, people: People,
                          now: datetime) -> list[Action]:
    tz = config.tz
    today = now.astimezone(tz).date()
    calendar = await plan_calendar(session, plan.id)
    rows = await obligation_rows(session, plan, due_from=max(plan.track_from, today - WINDOW),
                                 due_to=today + WINDOW, as_of=today, with_report=True)
    actions: list[Action] = []
    overdue_by_round: dict[tuple[int, int], list[Obligation]] = defaultdict(list)
    for row in rows:
        if row[-1] is not None:  # reported: nothing more for this period
            continue
        o = obligation_from_row(plan, row)
        steps = [s for s in o.steps(calendar) if moment(s.day, config.reminder_time, tz) <= now]
        if not steps:
            continue
        newest = max(steps, key=lambda s: (s.day, s.offset))
        older = [s for s in steps if s is not newest]
        send_newest = not (newest.offset <= 0 and today > o.due)
        recipients = [people.recipient(m) for m in people.focal.get(o.unit_id, [])]
        for member_id, recipient in zip(people.focal.get(o.unit_id, []), recipients, strict=True):
            for step in older:
                actions.append(_reminder(o, step.offset, recipient, member_id, now, DeliveryStatus.stale,
                                         f"superseded by step {newest.offset:+d}"))
            if not send_newest:
                actions.append(_reminder(o, newest.offset, recipient, member_id, now, DeliveryStatus.stale,
                                         "deadline passed before this reminder could be sent"))
            elif recipient is None:
                actions.append(_reminder(o, newest.offset, None, member_id, now, DeliveryStatus.failed,
                                         "no reachable account on a running channel"))
            else:
                with use_locale(recipient.locale):
                    text = messages.reminder(o, newest.offset, today, calendar,
                                             can_reply=recipient.channel == "telegram")
                    label = _("📝 Báo cáo ngay")
                actions.append(_reminder(
                    o, newest.offset, recipient, member_id, moment(newest.day, config.reminder_time, tz),
                    DeliveryStatus.pending, "", {"text": text, "options": [[label, f"go:{o.assignment_id}:"
                                                                                   f"{o.period_id}"]]}))
        escalations = [s for s in sorted(o.after) if s > 0]
        if newest.offset > 0 and len(escalations) > 1 and newest.offset >= escalations[1]:
            overdue_by_round[(o.period_id, newest.offset)].append(o)
    for (period_id, step), items in overdue_by_round.items():
        first = items[0]
        without_focal = sorted({o.unit_code for o in items if not people.focal.get(o.unit_id)})
        for recipient in people.staff(leaders=config.escalate_to_leaders):
            with use_locale(recipient.locale):
                text = messages.escalation(items, step, today, calendar, without_focal)
            actions.append(Action(
                "escalation", f"escalation::{period_id}:{step}:{recipient.key}", DeliveryStatus.pending, "",
                recipient, moment(calendar.step_date(first.due, step), config.reminder_time, tz),
                period_id=period_id, step=step, payload={"text": text}))
    return actions


def _reminder(o: Obligation, step: int, recipient: Recipient | None, member_id: int, due_at: datetime, status: str,
              reason: str, payload: dict[str, Any] | None = None) -> Action:
    key = f"reminder:{o.assignment_id}:{o.period_id}:{step}:m{member_id}"
    return Action("reminder", key, status, reason, recipient, due_at, o.assignment_id, o.period_id, step,
                  payload or {})


def digest_moments(cron: str, tz: ZoneInfo, now: datetime, since: datetime) -> list[datetime]:
    """Occurrences of the digest's cron expression in (since, now], computed by APScheduler."""
    trigger = CronTrigger.from_crontab(cron, timezone=tz)
    found = []
    previous = None
    current = trigger.get_next_fire_time(None, since)
    while current is not None and current <= now:
        if current > since:
            found.append(current)
        previous, current = current, trigger.get_next_fire_time(current, current + timedelta(seconds=1))
        if previous == current:
            break
    return found


async def _succession_questions(session: AsyncSession, config: TickConfig, people: People,
                                now: datetime) -> list[Action]:
    """Focal points of a merged or retired unit are asked once whether they carry on for its successor."""
    today = now.astimezone(config.tz).date()
    actions = []
    for pending in await pending_successions(session, today):
        when = moment(max(pending.event.day, today), config.reminder_time, config.tz)
        if when > now:
            continue
        recipient = people.recipient(pending.grant.member_id)
        key = f"succession:{pending.grant.id}"
        if recipient is None:
            actions.append(Action("notice", key, DeliveryStatus.failed, "no reachable account on a running channel",
                                  None, when))
            continue
        with use_locale(recipient.locale):
            reply = succession.question(pending)
        actions.append(Action("notice", key, DeliveryStatus.pending, "", recipient, when, payload={
            "text": reply.text, "options": [[o.label, o.value] for o in reply.options]}))
    return actions


def _digests(config: TickConfig, people: People, now: datetime) -> list[Action]:
    moments = digest_moments(config.digest_cron, config.tz, now, now - DIGEST_CATCH_UP)
    if not moments:
        return []
    latest = moments[-1]
    stamp = latest.astimezone(config.tz).strftime("%Y%m%dT%H%M")
    recipients = people.staff(leaders=True)
    actions = []
    for older in moments[:-1]:  # a week's digests missed: only the newest is worth sending
        old_stamp = older.astimezone(config.tz).strftime("%Y%m%dT%H%M")
        actions += [Action("digest", f"digest:{old_stamp}:{r.key}", DeliveryStatus.stale,
                           f"superseded by the digest of {stamp}", r, older) for r in recipients]
    for recipient in recipients:
        actions.append(Action("digest", f"digest:{stamp}:{recipient.key}", DeliveryStatus.pending, "", recipient,
                              latest, payload={"digest": latest.isoformat(), "locale": recipient.locale}))
    return actions


# --- claiming -------------------------------------------------------------------------------------


async def unclaimed(session: AsyncSession, actions: Sequence[Action]) -> list[Action]:
    keys = [a.claim_key for a in actions]
    existing: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        existing |= set((await session.exec(select(Delivery.claim_key).where(Delivery.claim_key.in_(chunk))))
                        .scalars())
    return [a for a in actions if a.claim_key not in existing]


async def claim(session: AsyncSession, actions: Iterable[Action]) -> list[Action]:
    """Insert the actions' rows, ignoring keys already claimed; returns those this call claimed."""
    fresh = await unclaimed(session, list(actions))
    if not fresh:
        return []
    insert = (await insert_new(session, Delivery.__table__, ["claim_key"])).returning(Delivery.__table__.c.claim_key)
    claimed_keys: set[str] = set()
    for start in range(0, len(fresh), 200):
        chunk = fresh[start:start + 200]
        claimed_keys |= set((await session.exec(insert.values([a.row() for a in chunk]))).scalars())
    return [a for a in fresh if a.claim_key in claimed_keys]


async def tick(session: AsyncSession, config: TickConfig, now: datetime) -> TickResult:
    """Claim what is due at `now` (committing); the dispatcher sends the pending rows."""
    actions = await plan_actions(session, config, now)
    result = TickResult(await claim(session, actions))
    # Redelivered platform messages come within minutes; a month of remembered ids is plenty.
    await session.exec(delete(InboundSeen).where(InboundSeen.seen_at < now - timedelta(days=30)))
    await session.commit()
    return result
