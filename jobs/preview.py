"""What a tick would send at a moment, as the messages people would receive (`nhacviec reminders
preview`): nothing is claimed or sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from jobs import messages
from jobs.tick import TickConfig, due_now
from locales import _, use_locale
from models.obligations import plan_calendar
from models.outbox import Action, Item, Recipients, unclaimed
from models.outbox import messages as group_messages
from models.registry import pending_successions
from models.rules.workdays import WorkCalendar
from models.store.tables import ClaimStatus, DeliveryKind
from models.wording import succession_question


@dataclass(frozen=True, kw_only=True)
class Planned:
    """One message a tick would send, or would send if its recipient could be reached."""

    kind: DeliveryKind
    recipient: str  # a person's name, or a group chat
    channel: str
    items: tuple[Item, ...]
    text: str
    blocked: str = ""  # why it cannot go; empty when it would be sent


@dataclass(kw_only=True)
class Preview:
    messages: list[Planned] = field(default_factory=list)
    skipped: list[Action] = field(default_factory=list)  # claimed without sending (stale)


async def preview(session: AsyncSession, config: TickConfig, moment: datetime) -> Preview:
    recipients = await Recipients(channels=config.channels, default_locale=config.default_locale).load(session)
    due = await due_now(session, config, moment, recipients)
    fresh = await unclaimed(session, due.actions)
    today = moment.astimezone(config.tz).date()
    calendar = await plan_calendar(session)
    result = Preview(skipped=[a for a in fresh if a.status == ClaimStatus.stale])
    for kind, recipient, actions in group_messages(fresh):
        items = tuple(a.item for a in actions if a.item)
        with use_locale(recipient.locale):
            text = await _text(session, kind, actions, items, today, calendar, recipient.channel == "telegram")
        name = recipients.name(recipient.member_id) if recipient.member_id is not None else \
            _("nhóm {chat}").format(chat=recipient.chat_id)
        result.messages.append(Planned(kind=kind, recipient=name, channel=recipient.channel, items=items, text=text))
    for member_id, blocked in due.blocked.items():
        text = messages.reminder(blocked, today, calendar, can_reply=False)
        result.messages.append(Planned(kind=DeliveryKind.reminder, recipient=recipients.name(member_id), channel="",
                                       items=tuple(blocked), text=text, blocked=recipients.why_not(member_id)))
    return result


async def _text(session: AsyncSession, kind: DeliveryKind, actions: list[Action], items: tuple[Item, ...],
                today: date, calendar: WorkCalendar, can_reply: bool) -> str:
    if kind == DeliveryKind.reminder:
        return messages.reminder(items, today, calendar, can_reply=can_reply)
    if kind == DeliveryKind.escalation:
        return messages.escalation(items, today, calendar, actions[0].payload.get("without_focal", []))
    if kind == DeliveryKind.succession:
        grant = actions[0].payload.get("grant")
        for pending in await pending_successions(session, today):
            if pending.grant.id == grant:
                return succession_question(pending).text
    if kind == DeliveryKind.digest:
        return _("(bản tin tuần: tỷ lệ báo cáo, quá hạn, vướng mắc, mục tiêu; kèm biểu đồ và bảng Excel)")
    return str(actions[0].payload.get("text", ""))
