"""What the database holds. Every table is here; queries live in the modules that use them.

Relationships are plain foreign keys queried explicitly: lazy loading does not work with async
sessions and hides queries in attribute access.

Primary keys are typed `int` with a `None` default: the database sets them on flush, and every row the
code reads back has one, so readers need no `None` check (the type checker would otherwise ask for one
at every use of a stored row's id).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Index, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.store.base import EnumText, UTCDateTime, utcnow
from models.store.enums import (  # noqa: F401  (re-exported: the closed sets of values the columns hold)
    ClaimStatus,
    DeliveryKind,
    DeliveryStatus,
    GrantStatus,
    ReportStatus,
    Role,
)

# --- the plan ---------------------------------------------------------------------------------


class Plan(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    title: str
    decision: str
    issued: date
    start: date
    end: date
    track_from: date  # deadlines before this day are history, not chased (default: the first load)
    timezone: str
    coordinator_code: str
    reminders_before: list[int] = Field(sa_type=JSON)
    escalate_after: list[int] = Field(sa_type=JSON)
    short: str = ""  # how people call the plan in messages ("KH 3064 – Năng suất")
    issuer: list[str] = Field(default_factory=list, sa_type=JSON)  # the consolidated report's issuing body
    report_to: list[str] = Field(default_factory=list, sa_type=JSON)  # … and its "Kính gửi" list
    review: bool = True  # reports wait for a coordinator's acceptance
    deadline_on_day_off: str = "next"  # next | previous working day (Bộ luật Dân sự 2015, Điều 148 k5: next)
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # no longer followed (kept)
    source_path: str
    content_sha256: str
    loaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CalendarOverride(SQLModel, table=True):
    """Official day swaps that the `holidays` package does not know (yet)."""

    __table_args__ = (UniqueConstraint("plan_id", "day"),)
    id: int = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    day: date
    working: bool  # True: a Saturday worked in exchange; False: an extra day off
    note: str = ""


class Unit(SQLModel, table=True):
    """A responsible unit of the province (plans name units; a unit in two plans is one unit, with one set
    of focal points and one history). Effective-dated: units are merged, renamed and retired over time."""

    id: int = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    name: str
    kind: str
    valid_from: date | None = None
    valid_to: date | None = None  # last day the unit exists
    successor_id: int | None = Field(default=None, foreign_key="unit.id")
    active: bool = True  # False once no plan file lists it (history is kept)
    origin: str = "plan"  # "plan", or the reorganisation file that created it
    # Names it had before a rename, oldest first: [{"name", "kind", "until": "2025-02-28"}]; `name` and `kind`
    # are the latest. Read through models.registry.unit_name / unit_kind, never directly, to show a unit.
    former_names: list[dict[str, str]] = Field(default_factory=list, sa_type=JSON)


class PlanUnit(SQLModel, table=True):
    """A plan file lists the unit (whose name, kind and dates all listing files must agree on)."""

    plan_id: int = Field(foreign_key="plan.id", primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", primary_key=True, index=True)


class UnitEvent(SQLModel, table=True):
    """A dated change to the registry, as a reorganisation file recorded it (with its legal source)."""

    __table_args__ = (UniqueConstraint("unit_id", "day"),)
    id: int = Field(default=None, primary_key=True)
    day: date  # the first day of the new arrangement
    kind: str  # merge | rename | split | retire
    unit_id: int = Field(foreign_key="unit.id", index=True)  # the unit the event happens to
    target_id: int | None = Field(default=None, foreign_key="unit.id", index=True)  # merged into, or successor
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)  # tasks moved, old name, decision list
    source: str = ""
    origin: str = ""  # the reorganisation file's code
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class UnitAlias(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("unit_id", "plan_id", "norm"),)  # two plans may list one alias
    id: int = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    plan_id: int | None = Field(default=None, foreign_key="plan.id")  # the plan file listing it; None: a rename
    alias: str  # as written, for display
    norm: str = Field(index=True)  # models.rules.text.fold(alias), for matching


class Target(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("plan_id", "code"),)
    id: int = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    code: str
    name: str
    measure: str = ""  # "lượt", "%/năm" …
    aggregate: str  # sum | latest | max
    source: str = ""
    active: bool = True


class TargetMilestone(SQLModel, table=True):
    target_id: int = Field(foreign_key="target.id", primary_key=True)
    year: int = Field(primary_key=True)
    value: Decimal = Field(sa_type=Numeric(18, 4))
    op: str = ">="  # >= | > | ~ (about)


class Indicator(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("plan_id", "code"),)
    id: int = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    code: str
    name: str
    type: str  # int | decimal | percent
    measure: str = ""
    target_id: int | None = Field(default=None, foreign_key="target.id")
    active: bool = True


class Schedule(SQLModel, table=True):
    """A reporting rule; see models/periods.py for what each field means."""

    __table_args__ = (UniqueConstraint("plan_id", "code"),)
    id: int = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    code: str
    name: str = ""
    every: str  # month | quarter | half-year | year | five-year | once
    window: str = "nd09"  # nd09 | calendar
    due_month_day: str | None = None  # "12-20"
    due_day: int | None = None  # day of month
    due_after_cutoff: int | None = None  # working days after the window closes
    once: date | None = None
    window_from: date | None = None
    kind: str = "report"  # report | event (a meeting held on a date: what is reported is that it took place)
    skip_years: list[int] = Field(default_factory=list, sa_type=JSON)  # periods ending in these years not asked
    reminders_before: list[int] | None = Field(default=None, sa_type=JSON)
    escalate_after: list[int] | None = Field(default=None, sa_type=JSON)
    source: str = "default"
    basis: str = ""
    inferred: bool = False  # the schedule itself (how often, on which occasion) is not the decision's
    active: bool = True


class Period(SQLModel, table=True):
    """One occurrence of a schedule: the data window and its deadline (materialised on load)."""

    __table_args__ = (UniqueConstraint("schedule_id", "key"), Index("ix_period_due", "due"))
    id: int = Field(default=None, primary_key=True)
    schedule_id: int = Field(foreign_key="schedule.id", index=True)
    key: str  # "2025", "2025-H1", "2025-Q3", "2025-03", "2021-2025", or the date of a one-off
    window_start: date
    window_end: date
    due: date
    active: bool = True


class Task(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("plan_id", "code"),)
    id: int = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    code: str
    norm: str = Field(index=True)  # fold(code), for loose matching ("ii3" = "II.3")
    title: str
    short_title: str = ""  # for messages; empty: the title, shortened
    section: str = ""
    description: str = ""
    report_by: str = "lead"  # lead | all | none: which assignments owe periodic reports (none: followed, not chased)
    inferred: list[str] = Field(default_factory=list, sa_type=JSON)  # parts the decision does not state …
    basis: str = ""  # … and why they are what they are
    source: str = ""
    active: bool = True


class TaskSchedule(SQLModel, table=True):
    task_id: int = Field(foreign_key="task.id", primary_key=True)
    schedule_id: int = Field(foreign_key="schedule.id", primary_key=True, index=True)  # a plan's schedules → tasks


class TaskIndicator(SQLModel, table=True):
    task_id: int = Field(foreign_key="task.id", primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", primary_key=True)
    position: int = 0


class Assignment(SQLModel, table=True):
    """A unit's part in a task (lead or support), effective-dated so that tasks can be re-homed."""

    __table_args__ = (Index("ix_assignment_task_unit", "task_id", "unit_id"),)
    id: int = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id")
    unit_id: int = Field(foreign_key="unit.id", index=True)
    role: str  # lead | support
    valid_from: date | None = None
    valid_to: date | None = None
    origin: str = "plan"  # "plan", or the reorganisation event that created it
    active: bool = True


# --- people --------------------------------------------------------------------------------


class Member(SQLModel, table=True):
    """A person. One person may reach us through several channel accounts."""

    id: int = Field(default=None, primary_key=True)
    display_name: str
    locale: str | None = None  # None: the bot's default
    preferred_channel: str | None = None  # where reminders and digests go when several accounts are linked
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ChannelAccount(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("channel", "external_id"),)
    id: int = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    channel: str  # telegram | zalo | console
    external_id: str  # the platform's user id, always a string
    chat_id: str  # where to write to this person
    display_name: str = ""
    username: str = ""
    reachable: bool = True  # False after the platform said the bot is blocked
    unreachable_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RoleGrant(SQLModel, table=True):
    __table_args__ = (Index("ix_rolegrant_member_status", "member_id", "status"),)
    id: int = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id")
    role: str  # Role
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)  # required for focal
    status: str = GrantStatus.active
    granted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    granted_by: str = ""  # actor description, as in the audit log
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Invite(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    code_hash: str = Field(unique=True)  # sha256 of the code: a leaked database leaks no usable code
    role: str  # focal | coordinator | leader, or "link": join another channel account to `member_id`
    member_id: int | None = Field(default=None, foreign_key="member.id")
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    created_by: str
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    used_by_member_id: int | None = Field(default=None, foreign_key="member.id")


# --- reports -------------------------------------------------------------------------------


class Report(SQLModel, table=True):
    """One version of a unit's progress report for a task and period. Rows are never edited, except
    `is_latest`, which marks the version that counts, and the version's review and withdrawal (models/review.py;
    each review action is also in the audit log)."""

    __table_args__ = (
        UniqueConstraint("assignment_id", "period_id", "version"),
        Index("ix_report_period_latest", "period_id", "is_latest"),
    )
    id: int = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignment.id")
    period_id: int = Field(foreign_key="period.id")
    version: int
    is_latest: bool = True
    member_id: int | None = Field(default=None, foreign_key="member.id")
    channel: str = ""
    status: str  # ReportStatus
    percent: int | None = None
    note: str = ""
    obstacles: str = ""
    proposals: str = ""
    raw_text: str = ""  # exactly what the person typed (or the guided answers), kept verbatim
    via: str = ""  # guided | oneline | reply | cli
    late: bool = False
    submitted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The coordinator's review of this version (issue 14): new | accepted | returned, by whom, when, why.
    review: str = "new"
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reviewed_by: str = ""  # actor, as in the audit log ("telegram:300", "cli")
    reviewer_id: int | None = Field(default=None, foreign_key="member.id")
    review_comment: str = ""
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # /rut: kept, no longer counts


class ReportValue(SQLModel, table=True):
    report_id: int = Field(foreign_key="report.id", primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", primary_key=True, index=True)  # a target's figures
    value: Decimal = Field(sa_type=Numeric(18, 4))


# --- what the bot sends and remembers ----------------------------------------------------


class Delivery(SQLModel, table=True):
    """The outbox: one message to one chat. What it carries was claimed first (`Claim`), so two ticks or
    two processes never queue the same reminder twice; its text is composed when it is sent."""

    __table_args__ = (Index("ix_delivery_status_next", "status", "next_attempt_at"),
                      Index("ix_delivery_chat_message", "channel", "chat_id", "external_message_id"))
    id: int = Field(default=None, primary_key=True)
    kind: DeliveryKind = Field(sa_type=EnumText(DeliveryKind))
    member_id: int | None = Field(default=None, foreign_key="member.id")
    account_id: int | None = Field(default=None, foreign_key="channelaccount.id")
    destination_id: int | None = Field(default=None, foreign_key="chatdestination.id")
    channel: str
    chat_id: str
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    status: DeliveryStatus = Field(default=DeliveryStatus.pending, sa_type=EnumText(DeliveryStatus))
    reason: str = ""  # why a row is stale or failed, in words an operator can read
    attempts: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sending_since: datetime | None = Field(default=None, sa_type=UTCDateTime)  # taken by a sender at
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    external_message_id: str | None = None


class Claim(SQLModel, table=True):
    """One thing the bot owes someone once: a reminder step of an item for a person, an escalation, a
    digest moment. Inserted under its unique key before anything is sent; never claimed again."""

    id: int = Field(default=None, primary_key=True)
    key: str = Field(unique=True)  # e.g. reminder:<assignment>:<period>:<step>:m<member>
    kind: DeliveryKind = Field(sa_type=EnumText(DeliveryKind))
    delivery_id: int | None = Field(default=None, foreign_key="delivery.id", index=True)  # None: not sent
    assignment_id: int | None = Field(default=None, foreign_key="assignment.id")
    period_id: int | None = Field(default=None, foreign_key="period.id")
    step: int | None = None
    member_id: int | None = Field(default=None, foreign_key="member.id")
    destination_id: int | None = Field(default=None, foreign_key="chatdestination.id")
    status: ClaimStatus = Field(default=ClaimStatus.claimed, sa_type=EnumText(ClaimStatus))
    reason: str = ""
    created_at: datetime = Field(sa_type=UTCDateTime)  # the moment it was due


class ChatDestination(SQLModel, table=True):
    """A group chat that receives digests and escalations (registered with /nhomtonghop)."""

    __table_args__ = (UniqueConstraint("channel", "chat_id"),)
    id: int = Field(default=None, primary_key=True)
    channel: str
    chat_id: str
    title: str = ""
    added_by_member_id: int | None = Field(default=None, foreign_key="member.id")
    added_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    active: bool = True


class Conversation(SQLModel, table=True):
    """A guided flow in progress; kept in the database so that it survives a restart."""

    __table_args__ = (UniqueConstraint("channel", "chat_id", "user_id"),)
    id: int = Field(default=None, primary_key=True)
    channel: str
    chat_id: str
    user_id: str
    flow: str
    step: str
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)


class AuditLog(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor: str  # "telegram:12345", "cli", "system"
    member_id: int | None = Field(default=None, foreign_key="member.id")
    action: str  # plan.load, invite.create, report.submit, access.denied …
    entity: str = ""
    entity_id: str = ""
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class InboundSeen(SQLModel, table=True):
    """Message ids already handled, for platforms that may deliver a message twice (Zalo)."""

    channel: str = Field(primary_key=True)
    message_id: str = Field(primary_key=True)
    seen_at: datetime = Field(sa_type=UTCDateTime, index=True)


class KeyValue(SQLModel, table=True):
    """Small facts the running bot learns and the CLI needs (e.g. the Telegram bot's username)."""

    key: str = Field(primary_key=True)
    value: str
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# --- tables kept in modules of their own (each re-exported here, so that `tables` names every table) --
from models.store.baseline_table import TargetBaseline  # noqa: E402, F401
from models.store.evidence_tables import Contribution, Evidence  # noqa: E402, F401
from models.store.exception_table import ObligationException  # noqa: E402, F401
from models.store.web_tables import WebLink, WebSession  # noqa: E402, F401
