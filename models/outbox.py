"""The outbox: who can be written to, what is owed to whom, and claiming it exactly once.

Everything the bot says on its own passes through here. An `Action` is one thing owed once to one
recipient (a reminder step of an item, an escalation of an overdue item, a digest moment); its
named constructor owns the format of its claim key. `claim` inserts each action's key (an insert that
skips keys already taken) and groups what it took into messages: everything due for one person, of
one kind, in one call becomes one `Delivery`, whose text the sender composes when it goes out
(jobs/compose.py). So a restart, a crash or a second process never queues an item twice, and a person
gets one message per moment, not one per task.

A recipient with no account on a running channel is not claimed: the item stays due, and goes out
(its newest step) once a channel can carry it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, insert, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from locales import _
from models.obligations import Obligation
from models.people import MemberView
from models.store.db import insert_new
from models.store.tables import (
    ChannelAccount,
    ChatDestination,
    Claim,
    ClaimStatus,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    GrantStatus,
    Member,
    Role,
    RoleGrant,
)

# SQLAlchemy sets __table__ on table models; SQLModel does not declare it.
CLAIM: Table = Claim.__table__  # type: ignore[attr-defined]
DELIVERY: Table = Delivery.__table__  # type: ignore[attr-defined]
# Kinds whose actions for one recipient are sent together as one message.
GROUPED = frozenset({DeliveryKind.reminder, DeliveryKind.escalation, DeliveryKind.nudge})


@dataclass(frozen=True, kw_only=True)
class Recipient:
    """Where a bot-started message goes: a person's chosen account, or a group chat."""

    channel: str
    chat_id: str
    locale: str
    member_id: int | None = None
    account_id: int | None = None
    destination_id: int | None = None

    @property
    def key(self) -> str:
        return f"m{self.member_id}" if self.member_id is not None else f"g{self.destination_id}"


@dataclass(frozen=True, kw_only=True)
class Unreachable:
    """A person something is due to, who has no account on a channel that can deliver right now."""

    member_id: int
    reason: str


@dataclass(frozen=True, kw_only=True)
class Item:
    """An obligation as a message shows it, frozen when it was claimed (the text is composed later, in
    the recipient's language; the report check is made again just before sending)."""

    assignment_id: int
    period_id: int
    step: int
    plan: str
    task: str
    title: str
    unit: str
    unit_name: str
    every: str
    period: str
    schedule: str
    due: date
    indicators: tuple[str, ...] = ()
    original_due: date | None = None  # set when `due` is an extension (models/exceptions.py)
    event: bool = False  # a meeting held on `due` (what is reported: that it took place, the minutes)

    @property
    def deadline_key(self) -> str:
        """Part of a claim key: an extended deadline's steps are new steps, counted from the new date."""
        return f"@{self.due.isoformat()}" if self.original_due is not None else ""

    @classmethod
    def of(cls, o: Obligation, step: int, *, plan: str, indicators: Sequence[str] = ()) -> Item:
        return cls(assignment_id=o.assignment_id, period_id=o.period_id, step=step, plan=plan, task=o.task_code,
                   title=o.task_title, unit=o.unit_code, unit_name=o.unit_name, every=o.every, period=o.period_key,
                   schedule=o.schedule_name, due=o.due, indicators=tuple(indicators),
                   original_due=o.original_due if o.extended else None, event=o.is_event)

    def to_json(self) -> dict[str, Any]:
        return {"a": self.assignment_id, "p": self.period_id, "step": self.step, "plan": self.plan, "task": self.task,
                "title": self.title, "unit": self.unit, "unit_name": self.unit_name, "every": self.every,
                "period": self.period, "schedule": self.schedule, "due": self.due.isoformat(),
                "indicators": list(self.indicators),
                **({"original_due": self.original_due.isoformat()} if self.original_due else {}),
                **({"event": True} if self.event else {})}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Item:
        return cls(assignment_id=int(data["a"]), period_id=int(data["p"]), step=int(data["step"]),
                   plan=str(data.get("plan", "")), task=str(data["task"]), title=str(data["title"]),
                   unit=str(data["unit"]), unit_name=str(data["unit_name"]), every=str(data["every"]),
                   period=str(data["period"]), schedule=str(data.get("schedule", "")),
                   due=date.fromisoformat(data["due"]), indicators=tuple(data.get("indicators", ())),
                   original_due=date.fromisoformat(data["original_due"]) if data.get("original_due") else None,
                   event=bool(data.get("event", False)))


@dataclass(frozen=True, kw_only=True)
class Action:
    """One thing owed once. Build it with a named constructor: each owns its claim key's format."""

    kind: DeliveryKind
    key: str
    moment: datetime  # when it became due
    recipient: Recipient
    status: ClaimStatus = ClaimStatus.claimed
    reason: str = ""  # why a stale claim is not sent, for the operator
    item: Item | None = None
    payload: dict[str, Any] = field(default_factory=dict)  # for kinds that are not about items

    @classmethod
    def reminder(cls, item: Item, recipient: Recipient, moment: datetime, *, stale: str = "") -> Action:
        return cls(kind=DeliveryKind.reminder, moment=moment, recipient=recipient, item=item,
                   key=f"reminder:{item.assignment_id}:{item.period_id}:{item.step}{item.deadline_key}:{recipient.key}",
                   status=ClaimStatus.stale if stale else ClaimStatus.claimed, reason=stale)

    @classmethod
    def escalation(cls, item: Item, recipient: Recipient, moment: datetime, *,
                   without_focal: Sequence[str] = ()) -> Action:
        """`without_focal`: units with overdue items and nobody registered to remind (said in the message)."""
        return cls(kind=DeliveryKind.escalation, moment=moment, recipient=recipient, item=item,
                   key=f"escalation:{item.assignment_id}:{item.period_id}:{item.step}{item.deadline_key}:{recipient.key}",
                   payload={"without_focal": list(without_focal)})

    @classmethod
    def nudge(cls, item: Item, recipient: Recipient, moment: datetime, *, day: date, by: str) -> Action:
        """A coordinator's /nhacnho: at most once a day per item and person."""
        return cls(kind=DeliveryKind.nudge, moment=moment, recipient=recipient, item=item, payload={"by": by},
                   key=f"nudge:{item.assignment_id}:{item.period_id}:{day.isoformat()}:{recipient.key}")

    @classmethod
    def digest(cls, due: datetime, recipient: Recipient, *, tag: str = "", stale: str = "") -> Action:
        stamp = tag or due.strftime("%Y%m%dT%H%M")
        return cls(kind=DeliveryKind.digest, moment=due, recipient=recipient, key=f"digest:{stamp}:{recipient.key}",
                   payload={"moment": due.isoformat(), "locale": recipient.locale},
                   status=ClaimStatus.stale if stale else ClaimStatus.claimed, reason=stale)

    @classmethod
    def succession(cls, grant_id: int, unit_id: int, recipient: Recipient, moment: datetime) -> Action:
        """Asked once per focal grant of the old unit and unit carrying its work (a second merger asks again)."""
        return cls(kind=DeliveryKind.succession, moment=moment, recipient=recipient,
                   key=f"succession:{grant_id}:{unit_id}",
                   payload={"grant": grant_id})

    @classmethod
    def notice(cls, key: str, recipient: Recipient, moment: datetime, text: str) -> Action:
        """A message whose text is known now; `key` says what it is about (it is sent once per key)."""
        return cls(kind=DeliveryKind.notice, moment=moment, recipient=recipient, key=f"notice:{key}:{recipient.key}",
                   payload={"text": text})

    @classmethod
    def returned(cls, report_id: int, recipient: Recipient, moment: datetime, *, stamp: datetime) -> Action:
        """A coordinator returned a report: its unit's focal points are told (once per return: `stamp`)."""
        return cls(kind=DeliveryKind.returned, moment=moment, recipient=recipient, payload={"report": report_id},
                   key=f"returned:{report_id}:{stamp:%Y%m%dT%H%M%S}:{recipient.key}")

    @classmethod
    def review_list(cls, due: datetime, recipient: Recipient) -> Action:
        """The day's list of reports waiting for review, to a coordinator (once a day)."""
        return cls(kind=DeliveryKind.review_list, moment=due, recipient=recipient,
                   key=f"review_list:{due:%Y%m%d}:{recipient.key}", payload={"moment": due.isoformat()})

    def claim_row(self) -> dict[str, Any]:
        r, item = self.recipient, self.item
        return {"key": self.key, "kind": self.kind, "delivery_id": None,
                "assignment_id": item.assignment_id if item else None, "period_id": item.period_id if item else None,
                "step": item.step if item else None, "member_id": r.member_id, "destination_id": r.destination_id,
                "status": self.status, "reason": self.reason[:500], "created_at": self.moment}


# --- who can be written to ----------------------------------------------------------------------


@dataclass(frozen=True)
class Reachable:
    """What the outbox reads of one chat account (plain values: a tick reads thousands)."""

    id: int
    member_id: int
    channel: str
    chat_id: str
    reachable: bool


class Recipients:
    """Members, their accounts and roles, and the group destinations — read once per tick, as plain columns
    (as ORM objects, 10,000 members took 1.5 s of every tick and most of its memory)."""

    def __init__(self, *, channels: frozenset[str], default_locale: str) -> None:
        self.channels = channels  # those that can deliver right now
        self.default_locale = default_locale
        self.focal: dict[int, list[int]] = defaultdict(list)  # unit id → member ids
        self.coordinators: list[int] = []
        self.leaders: list[int] = []
        self.members: dict[int, MemberView] = {}
        self.accounts: dict[int, list[Reachable]] = defaultdict(list)
        self.groups: list[ChatDestination] = []

    async def load(self, session: AsyncSession) -> Recipients:
        grants = (await session.exec(select(RoleGrant.member_id, RoleGrant.role, RoleGrant.unit_id, RoleGrant.status)
                                     .where(col(RoleGrant.status).in_([GrantStatus.active, GrantStatus.pending]))
                                     .order_by(col(RoleGrant.id)))).all()
        pending: list[int] = []
        for member_id, role, unit_id, status in grants:
            if status == GrantStatus.pending:
                pending.append(member_id)  # asked to confirm a successor unit: must be reachable
            elif role == Role.focal and unit_id:
                self.focal[unit_id].append(member_id)
            elif role == Role.coordinator:
                self.coordinators.append(member_id)
            elif role == Role.leader:
                self.leaders.append(member_id)
        ids = set(self.coordinators) | set(self.leaders) | {m for ms in self.focal.values() for m in ms} | set(pending)
        if ids:
            # Everyone's rows, kept if they hold a role: one pass each, not an IN list of thousands.
            for member_id, name, locale, preferred in (await session.exec(select(
                    Member.id, Member.display_name, Member.locale, Member.preferred_channel))).all():
                if member_id in ids:
                    self.members[member_id] = MemberView(member_id, name, locale, preferred)
            for row in (await session.exec(select(  # type: ignore[call-overload]  # 5 columns: sqlmodel types 4
                    ChannelAccount.id, ChannelAccount.member_id, ChannelAccount.channel, ChannelAccount.chat_id,
                    ChannelAccount.reachable).order_by(col(ChannelAccount.id)))).all():
                if row[1] in ids:
                    self.accounts[row[1]].append(Reachable(*row))
        self.groups = list((await session.exec(select(ChatDestination).where(col(ChatDestination.active))
                                                .order_by(col(ChatDestination.id)))).all())
        return self

    def of(self, member_id: int) -> Recipient | None:
        """The member's account for bot-started messages: their preferred channel if it can deliver,
        else the first reachable account on a channel that can. None: nowhere to write now."""
        member = self.members.get(member_id)
        if member is None:
            return None
        usable = [a for a in self.accounts.get(member_id, []) if a.reachable and a.channel in self.channels]
        usable.sort(key=lambda a: a.channel != member.preferred_channel)
        if not usable:
            return None
        account = usable[0]
        return Recipient(channel=account.channel, chat_id=account.chat_id,
                         locale=member.locale or self.default_locale, member_id=member_id, account_id=account.id)

    def why_not(self, member_id: int) -> str:
        """Why `of(member_id)` is None, in words for the operator."""
        accounts = self.accounts.get(member_id, [])
        if not accounts:
            return _("chưa có tài khoản chat")
        if not any(a.reachable for a in accounts):
            return _("đã chặn bot hoặc không còn dùng tài khoản")
        channels = ", ".join(sorted({a.channel for a in accounts if a.reachable}))
        return _("kênh {channels} chưa chạy").format(channels=channels)

    def group(self, destination: ChatDestination) -> Recipient | None:
        if destination.channel not in self.channels:
            return None
        return Recipient(channel=destination.channel, chat_id=destination.chat_id, locale=self.default_locale,
                         destination_id=destination.id)

    def staff(self, *, leaders: bool) -> list[Recipient]:
        ids = list(dict.fromkeys(self.coordinators + (self.leaders if leaders else [])))
        found = [r for r in (self.of(m) for m in ids) if r is not None]
        return found + [r for r in (self.group(g) for g in self.groups) if r is not None]

    def name(self, member_id: int | None) -> str:
        member = self.members.get(member_id) if member_id is not None else None
        return member.display_name if member else "?"


# --- claiming -------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Queued:
    """One message queued by `claim`, with the actions it carries."""

    delivery_id: int
    kind: DeliveryKind
    recipient: Recipient
    actions: tuple[Action, ...]


async def unclaimed(session: AsyncSession, actions: Sequence[Action]) -> list[Action]:
    """The actions whose key nobody has claimed yet (what a tick would take now)."""
    keys = [a.key for a in actions]
    existing: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        existing |= set((await session.exec(select(CLAIM.c.key).where(CLAIM.c.key.in_(chunk)))).all())
    return [a for a in actions if a.key not in existing]


def messages(actions: Iterable[Action]) -> list[tuple[DeliveryKind, Recipient, list[Action]]]:
    """How claimed actions travel: one message per recipient and kind for grouped kinds, else one each."""
    grouped: dict[tuple[DeliveryKind, str], list[Action]] = {}
    single: list[tuple[DeliveryKind, Recipient, list[Action]]] = []
    for action in actions:
        if action.status != ClaimStatus.claimed:
            continue
        if action.kind in GROUPED:
            grouped.setdefault((action.kind, action.recipient.key), []).append(action)
        else:
            single.append((action.kind, action.recipient, [action]))
    return [(kind, group[0].recipient, group) for (kind, _key), group in grouped.items()] + single


async def claim(session: AsyncSession, actions: Iterable[Action], *, now: datetime) -> list[Queued]:
    """Claim the actions (keys already taken are skipped) and queue a message for what was taken, in the
    caller's transaction. Returns the messages queued."""
    fresh = await unclaimed(session, list(actions))
    if not fresh:
        return []
    insert_claim = (await insert_new(session, CLAIM, ["key"])).returning(CLAIM.c.id, CLAIM.c.key)
    taken: dict[str, int] = {}
    for start in range(0, len(fresh), 200):
        chunk = fresh[start:start + 200]
        taken |= {key: claim_id for claim_id, key in (await session.exec(
            insert_claim.values([a.claim_row() for a in chunk]))).all()}
    queued = []
    for kind, recipient, group in messages(a for a in fresh if a.key in taken):
        due = max(a.moment for a in group)
        payload = {**group[0].payload, "locale": recipient.locale}
        if kind in GROUPED:
            payload["items"] = [a.item.to_json() for a in group if a.item]
        delivery_id = (await session.exec(insert(DELIVERY).values(
            kind=kind, member_id=recipient.member_id, account_id=recipient.account_id,
            destination_id=recipient.destination_id, channel=recipient.channel, chat_id=recipient.chat_id,
            payload=payload, status=DeliveryStatus.pending, reason="", attempts=0, created_at=now,
            next_attempt_at=min(due, now)).returning(DELIVERY.c.id))).scalar_one()
        await session.exec(update(CLAIM).where(CLAIM.c.id.in_([taken[a.key] for a in group]))
                           .values(delivery_id=delivery_id))
        queued.append(Queued(delivery_id=delivery_id, kind=kind, recipient=recipient, actions=tuple(group)))
    return queued
