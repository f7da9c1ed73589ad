"""How a reminder is decided: derive what is due now, claim it, and let the outbox sender send it.

Nothing is scheduled ahead of time. Each tick looks at the obligations around today, their latest
reports and who holds which role, and turns every step whose moment has come into an action with a
unique claim key (models/outbox.py). Claiming skips keys already taken — by this process, an earlier
run, or another process — so nothing is claimed twice; what one tick takes for one person goes out as
one message.

- Steps are counted in working days from the deadline (models/obligations.py); a step's moment is the
  reminder time on its day.
- Catch-up after downtime: of an unreported obligation's steps that have come, only the newest is
  sent; older ones are claimed as stale with the reason. A step before the deadline is never sent once
  the deadline has passed.
- Escalations: from the second overdue step, every overdue item also goes to the coordinators, the
  registered group chats and (if configured) leaders — one message per recipient.
- Focal points of a merged unit are asked once whether they carry on for its successor.
- The weekly digest's moments come from its cron expression and are claimed the same way; one that falls
  on a day off (Tết, a public holiday) goes out on the next working day at the same time, and one missed
  during downtime goes out late (within six days), once.
- Someone with no account on a running channel is not claimed for: what is due to them stays due.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from jobs import review_list
from locales import _
from models.obligations import Obligation, plan_calendar, task_indicator_codes, unreported
from models.outbox import Action, Item, Queued, Recipients, claim
from models.registry import pending_successions
from models.rules.workdays import WorkCalendar
from models.store.tables import Conversation, InboundSeen, Plan

WINDOW = timedelta(days=130)  # steps lie within 60 working days of a deadline (plan file limit)
DIGEST_CATCH_UP = timedelta(days=6)  # a digest missed during downtime is sent late, but not a week late
DIGEST_MOVED_AT_MOST = timedelta(days=21)  # how far a day off can push a digest (Tết: nine days at most)
SEEN_FOR = timedelta(days=30)  # platform message ids remembered against redelivery (Telegram: 24 h; 7 days asked)


@dataclass(frozen=True, kw_only=True)
class TickConfig:
    tz: ZoneInfo
    reminder_time: time = time(8, 0)
    digest_cron: str = "30 7 * * mon"
    escalate_to_leaders: bool = False
    channels: frozenset[str] = frozenset({"telegram"})  # channels that can deliver right now
    default_locale: str = "vi"
    review_list_time: time | None = None  # the day's list of reports waiting for review; None: not sent


@dataclass(kw_only=True)
class Due:
    """What is due at a moment: the actions to claim, and what would be due to people who cannot be
    reached now (member id → their items; nothing is claimed for them)."""

    actions: list[Action] = field(default_factory=list)
    blocked: dict[int, list[Item]] = field(default_factory=lambda: defaultdict(list))


@dataclass(kw_only=True)
class TickResult:
    queued: list[Queued] = field(default_factory=list)


def moment(day: date, at: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=tz)


async def due_now(session: AsyncSession, config: TickConfig, now: datetime,
                  recipients: Recipients | None = None) -> Due:
    """Everything due at `now`, whether or not it has been claimed already."""
    recipients = recipients or await Recipients(channels=config.channels,
                                                default_locale=config.default_locale).load(session)
    due = Due()
    for plan in (await session.exec(select(Plan).where(col(Plan.retired_at).is_(None)).order_by(col(Plan.id)))).all():
        await _plan_reminders(session, plan, config, recipients, now, due)
    await _succession_questions(session, config, recipients, now, due)
    calendar = await plan_calendar(session)
    _digests(config, recipients, now, due, calendar)
    due.actions += review_list.due(config.review_list_time, config.tz, recipients, now, calendar)
    return due


async def _plan_reminders(session: AsyncSession, plan: Plan, config: TickConfig, recipients: Recipients,
                          now: datetime, due: Due) -> None:
    tz = config.tz
    today = now.astimezone(tz).date()
    calendar = await plan_calendar(session)
    found = await unreported(session, [plan.id], due_from=max(plan.track_from, today - WINDOW), due_to=today + WINDOW,
                             as_of=today)
    indicators = await task_indicator_codes(session, {o.task_id for o in found})
    staff = recipients.staff(leaders=config.escalate_to_leaders)
    without_focal = sorted({o.unit_name for o in found if not recipients.focal.get(o.unit_id)})
    for o in found:
        steps = [s for s in o.steps(calendar) if moment(s.day, config.reminder_time, tz) <= now]
        if not steps:
            continue
        newest = max(steps, key=lambda s: (s.day, s.offset))
        when = moment(newest.day, config.reminder_time, tz)
        late = newest.offset <= 0 and today > o.due  # a "before the deadline" step is never sent after it

        def item(step: int, o: Obligation = o) -> Item:
            return Item.of(o, step, plan=o.plan_short, indicators=indicators.get(o.task_id, ()))

        for member_id in recipients.focal.get(o.unit_id, []):
            recipient = recipients.of(member_id)
            if recipient is None:
                if not late:
                    due.blocked[member_id].append(item(newest.offset))
                continue
            for step in steps:
                if step is not newest:
                    due.actions.append(Action.reminder(item(step.offset), recipient, when, stale=_(
                        "thay bằng lần nhắc {step:+d}").format(step=newest.offset)))
            due.actions.append(Action.reminder(item(newest.offset), recipient, when, stale=_(
                "đã qua hạn trước khi kịp gửi lời nhắc này") if late else ""))
        escalations = sorted(s for s in o.after if s > 0)
        if newest.offset > 0 and len(escalations) > 1 and newest.offset >= escalations[1]:
            due.actions += [Action.escalation(item(newest.offset), recipient, when, without_focal=without_focal)
                            for recipient in staff]


async def _succession_questions(session: AsyncSession, config: TickConfig, recipients: Recipients,
                                now: datetime, due: Due) -> None:
    """Focal points of a merged or retired unit are asked once whether they carry on for its successor."""
    today = now.astimezone(config.tz).date()
    for pending in await pending_successions(session, today):
        when = moment(max(pending.event.day, today), config.reminder_time, config.tz)
        recipient = recipients.of(pending.grant.member_id)
        if when <= now and recipient is not None:
            due.actions.append(Action.succession(pending.grant.id, pending.current.id, recipient, when))


def digest_moments(cron: str, tz: ZoneInfo, now: datetime, since: datetime,
                   calendar: WorkCalendar | None = None) -> list[datetime]:
    """The digest's moments in (since, now]: occurrences of its cron expression (computed by APScheduler),
    each on a day off moved to the next working day at the same time (with `calendar`); two landing on
    one moment are one (Tết's Monday moves onto the next Monday)."""
    trigger = CronTrigger.from_crontab(cron, timezone=tz)
    start = since - DIGEST_MOVED_AT_MOST if calendar else since  # an earlier one may be moved into the span
    found: list[datetime] = []
    previous = None
    current = trigger.get_next_fire_time(None, start)
    while current is not None and current <= now:
        if current > start:
            found.append(current)
        previous, current = current, trigger.get_next_fire_time(current, current + timedelta(seconds=1))
        if previous == current:
            break
    if calendar is not None:
        found = [_on_a_working_day(m, calendar, tz) for m in found]
    return sorted({m for m in found if since < m <= now})


def _on_a_working_day(moment: datetime, calendar: WorkCalendar, tz: ZoneInfo) -> datetime:
    local = moment.astimezone(tz)
    day = calendar.next_working_day(local.date())
    return local if day == local.date() else datetime.combine(day, local.timetz())


def _digests(config: TickConfig, recipients: Recipients, now: datetime, due: Due, calendar: WorkCalendar) -> None:
    moments = digest_moments(config.digest_cron, config.tz, now, now - DIGEST_CATCH_UP, calendar)
    if not moments:
        return
    latest = moments[-1].astimezone(config.tz)
    for recipient in recipients.staff(leaders=True):
        for older in moments[:-1]:  # a week's digests missed: only the newest is worth sending
            due.actions.append(Action.digest(older.astimezone(config.tz), recipient, stale=_(
                "thay bằng bản tin {moment:%H:%M %d/%m/%Y}").format(moment=latest)))
        due.actions.append(Action.digest(latest, recipient))


async def tick(session: AsyncSession, config: TickConfig, now: datetime) -> TickResult:
    """Claim and queue what is due at `now` (committing); the outbox sender sends it."""
    due = await due_now(session, config, now)
    queued = await claim(session, due.actions, now=now)
    await session.exec(delete(InboundSeen).where(col(InboundSeen.seen_at) < now - SEEN_FOR))
    # A report abandoned half-way is no longer kept than it can be resumed (personal data: keep no more).
    await session.exec(delete(Conversation).where(col(Conversation.expires_at) < now))
    await session.commit()
    return TickResult(queued=queued)
