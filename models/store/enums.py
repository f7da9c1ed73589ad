"""The closed sets of values some columns hold (stored as text by `models.store.base.EnumText`)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    focal = "focal"  # đầu mối of one unit
    coordinator = "coordinator"  # Sở KH&CN staff following the whole plan
    leader = "leader"  # read-only, receives digests
    admin = "admin"  # IT officer; also granted from NHACVIEC_ADMINS


class GrantStatus(StrEnum):
    active = "active"
    pending = "pending"  # e.g. a focal point of a merged unit who has not confirmed yet
    revoked = "revoked"


class ReportStatus(StrEnum):
    not_started = "not_started"  # Chưa triển khai
    in_progress = "in_progress"  # Đang thực hiện
    done = "done"  # Hoàn thành
    blocked = "blocked"  # Gặp vướng mắc


class DeliveryStatus(StrEnum):
    pending = "pending"
    sending = "sending"  # taken by a sender, its request under way: what a crash can leave in flight
    sent = "sent"
    failed = "failed"  # gave up after retries, or the recipient refused (blocked the bot)
    stale = "stale"  # not worth sending any more (everything it carried was reported meanwhile)
    unknown = "unknown"  # timed out mid-send: the outcome cannot be known


class DeliveryKind(StrEnum):
    """What a message is; the outbox sender composes each kind's text (jobs/compose.py)."""

    reminder = "reminder"  # a focal point's items coming due or overdue
    escalation = "escalation"  # overdue units, to coordinators (and leaders, groups)
    digest = "digest"  # the weekly picture
    nudge = "nudge"  # a coordinator's /nhacnho
    notice = "notice"  # a text composed when it was queued
    succession = "succession"  # "do you carry on for the unit your unit merged into?"
    returned = "returned"  # a coordinator returned a report: the comment, to the unit's focal points
    review_list = "review_list"  # the day's reports waiting for review, to coordinators


class ClaimStatus(StrEnum):
    claimed = "claimed"  # taken, and carried by a delivery
    stale = "stale"  # taken without sending: a newer step superseded it, or its moment passed
