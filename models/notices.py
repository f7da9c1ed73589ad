"""A coordinator's notice to focal points (/thongbao): queued in the outbox, one claim per person and
notice, so the sender paces it with everything else and never sends it to anyone twice (a person who is
focal point of two units addressed gets it once)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from locales import _, use_locale
from models.outbox import Action, Recipients, claim
from models.store.audit import record
from models.store.tables import Unit

NOTICE_ACTION = "notice.send"


@dataclass(frozen=True)
class Notice:
    """What was queued: to how many people, and who it cannot reach."""

    key: str  # the notice's own key in the claims ("bulletin:<sender>:<minute>:<random>")
    people: int  # messages queued
    units: list[Unit]  # units addressed
    without_focal: list[Unit]  # units with nobody registered to receive it
    unreachable: list[tuple[str, str]]  # (name, why) of focal points no running channel reaches now


@dataclass(frozen=True, kw_only=True)
class Sender:
    actor: str  # as in the audit log
    member_id: int | None
    name: str  # how the message names the sender
    office: str  # the coordinating unit's name ("" if none)
    channels: frozenset[str]  # those that can deliver now
    default_locale: str


async def send_notice(session: AsyncSession, units: Sequence[Unit], text: str, by: Sender, *, scope: str,
                      now: datetime) -> Notice:
    """Queue `text` to the focal points of `units`, in the caller's transaction. `scope` is what the
    coordinator addressed ("all", or the unit code), for the audit trail."""
    recipients = await Recipients(channels=by.channels, default_locale=by.default_locale).load(session)
    # Each /thongbao is a notice of its own (the same words sent again are sent again): a fresh key, with
    # the recipient added per claim. A platform's redelivery of the message is answered once upstream.
    key = f"bulletin:{by.member_id or 0}:{now.strftime('%Y%m%dT%H%M')}:{secrets.token_hex(4)}"
    members: dict[int, None] = {}
    without: list[Unit] = []
    for unit in units:
        focal = recipients.focal.get(unit.id, [])
        if not focal:
            without.append(unit)
        members.update(dict.fromkeys(focal))
    actions, unreachable = [], []
    for member_id in members:
        recipient = recipients.of(member_id)
        if recipient is None:
            unreachable.append((recipients.name(member_id), recipients.why_not(member_id)))
            continue
        with use_locale(recipient.locale):
            header = _("📢 Thông báo của {sender} ({office}):").format(sender=by.name, office=by.office) \
                if by.office else _("📢 Thông báo của {sender}:").format(sender=by.name)
        actions.append(Action.notice(key, recipient, now, f"{header}\n\n{text}"))
    queued = await claim(session, actions, now=now)
    await record(session, by.actor, NOTICE_ACTION, "notice", key,
                 {"scope": scope, "units": [u.code for u in units], "messages": len(queued),
                  "without_focal": [u.code for u in without], "text": text}, member_id=by.member_id)
    return Notice(key, len(queued), list(units), without, unreachable)
