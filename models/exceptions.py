"""Exceptions to what a unit owes: a deadline extended ("gia hạn"), a report exempted ("miễn nộp").

A coordinator (in chat, handlers/exceptions.py) or the operator (CLI, bot/cli/exceptions.py) records one
for a unit and a task: an extension for one period, an exemption for one period or from today on. Each has
a reason, is written to the audit log, and can be revoked (the row stays, marked revoked).

Nothing here changes a view: the obligations query (models/obligations.py) reads the rows, so that
`Obligation.due` is the extended deadline every rule counts from (reminders, escalations, the late flag,
the lists) and `Obligation.exemption` says why a period is not owed (which takes it out of the missing and
overdue lists and the reminders). A unit that ended is exempted from its unreported debts the same way,
derived from its end date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from locales import _, format_date
from models.catalog import Catalog, TaskInfo
from models.obligations import FAR_FUTURE, Obligation, with_latest_reports
from models.review import counted
from models.rules.period_words import PeriodRef
from models.rules.text import fold
from models.status import opens_on
from models.store.audit import record
from models.store.base import utcnow
from models.store.tables import ObligationException, Period, Plan, Unit

OPEN_AHEAD = timedelta(days=366)  # how far ahead a period may lie to be extended or exempted
FROM_NOW = frozenset({"tunay", "fromnow"})  # the two words "từ nay", folded (models.rules.text.fold)
UNDO = frozenset({"huy", "undo", "thuhoi", "bo", "huybo"})  # "hủy", "hủy", "thu hồi", "bỏ", "hủy bỏ"


class Kind(StrEnum):
    extension = "extension"
    exemption = "exemption"


class Refused(Exception):
    """What was asked cannot be done; the message (Vietnamese, translated) says why and how to write it."""


@dataclass(frozen=True)
class Target:
    unit: Unit
    task: TaskInfo


def read_day(word: str) -> date | None:
    """A day written the Vietnamese way (31/12/2026, 31-12-2026, 31.12.2026) or as 2026-12-31."""
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", word.strip())
    try:
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        return date.fromisoformat(word.strip()) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", word.strip()) else None
    except ValueError:
        return None


def is_undo(words: Sequence[str]) -> bool:
    return bool(words) and fold(" ".join(words)) in UNDO


def target(catalog: Catalog, unit_text: str, task_text: str) -> Target:
    """The unit (by code, name or alias, ended ones included: their debts may be exempted) and its task."""
    units = catalog.find_units(unit_text)
    if len(units) != 1:
        found = ", ".join(u.code for u in units[:12])
        raise Refused(_("Chưa xác định được đơn vị “{text}”{found}: ghi mã hoặc tên đầy đủ của đơn vị.").format(
            text=unit_text, found=f" ({found})" if found else ""))
    unit = units[0]
    tasks = [t for t in catalog.find_tasks(task_text) if any(a.unit_id == unit.id for a in t.assignments)]
    if not tasks:
        raise Refused(_("{unit} không được giao nhiệm vụ “{task}”.").format(unit=unit.name, task=task_text))
    if len(tasks) > 1:
        plans = ", ".join(catalog.plans[t.plan_id].code for t in tasks if t.plan_id in catalog.plans)
        raise Refused(_("{unit} có nhiệm vụ “{task}” trong nhiều kế hoạch ({plans}); dùng lệnh `nhacviec` với mã "
                        "nhiệm vụ của một kế hoạch.").format(unit=unit.name, task=task_text, plans=plans))
    return Target(unit, tasks[0])


async def find_period(session: AsyncSession, plans: Sequence[Plan], where: Target, today: date,
                      period: PeriodRef | None) -> Obligation:
    """The period named (any, as long as the unit owes it), or else the oldest open one: overdue or open for
    reports, not reported and not exempted."""
    plan_ids = [p.id for p in plans]
    # A named period is looked for by its own deadline: an extension may have moved it past the window (one made
    # before extensions were kept within it), and the confirmation's undo command names the period.
    pairs = await with_latest_reports(session, plan_ids, due_from=date.min,
                                      due_to=today + OPEN_AHEAD if period is None else FAR_FUTURE, as_of=today,
                                      unit_ids=[where.unit.id], task_ids=[where.task.id],
                                      followed_only=period is None)
    if period is not None:
        for o, _report in pairs:
            if o.period_key == period.key and o.every == period.every and \
                    (o.original_due or o.due) <= today + OPEN_AHEAD:
                return o
        raise Refused(_("{unit} không có kỳ báo cáo này cho nhiệm vụ {task}.").format(
            unit=where.unit.name, task=where.task.code))
    for o, report in pairs:
        if not counted(report) and not o.exemption and opens_on(o) <= today:
            return o
    raise Refused(_("{unit} không có kỳ báo cáo nào đang mở cho nhiệm vụ {task}; ghi rõ kỳ, ví dụ: năm {year}.")
                  .format(unit=where.unit.name, task=where.task.code, year=today.year))


def _label(where: Target, period: str) -> str:
    return f"{where.unit.code}:{where.task.code}:{period}"


async def extend(session: AsyncSession, where: Target, o: Obligation, new_due: date, reason: str, *, actor: str,
                 member_id: int | None, today: date) -> ObligationException:
    """A new deadline for the period (replacing an earlier extension of it)."""
    own = o.original_due or o.due
    if new_due <= own:
        raise Refused(_("Hạn mới phải sau hạn hiện tại của kỳ này ({due}).").format(due=format_date(own)))
    if new_due < today:
        raise Refused(_("Hạn mới ({day}) đã qua; ghi một ngày từ hôm nay trở đi.").format(day=format_date(new_due)))
    if new_due > today + OPEN_AHEAD:  # further would take the period out of status and every list, unseen
        raise Refused(_("Hạn mới ({day}) quá xa: gia hạn được đến {limit} là xa nhất (một năm từ hôm nay). Nếu đơn vị "
                        "không phải nộp kỳ này, dùng /miennop.").format(day=format_date(new_due),
                                                                         limit=format_date(today + OPEN_AHEAD)))
    previous = await _active(session, Kind.extension, where, period_id=o.period_id)
    for row in previous:
        row.revoked_at = _now()
    row = ObligationException(kind=Kind.extension, unit_id=where.unit.id, task_id=where.task.id,
                              period_id=o.period_id, new_due=new_due, reason=reason, created_by=actor,
                              member_id=member_id)
    session.add(row)
    await session.flush()
    await record(session, actor, "deadline.extend", "obligation", _label(where, o.period_key),
                 {"due": own.isoformat(), "new_due": new_due.isoformat(), "reason": reason,
                  "replaces": [r.id for r in previous]}, member_id=member_id)
    return row


async def exempt(session: AsyncSession, where: Target, o: Obligation | None, reason: str, *, actor: str,
                 member_id: int | None, today: date) -> ObligationException:
    """The unit does not owe the period `o`, or (`o` None) any period due from today on."""
    period_id = o.period_id if o is not None else None
    if o is None:
        previous = await _active(session, Kind.exemption, where, from_now=True)
    else:
        previous = await _active(session, Kind.exemption, where, period_id=period_id)
    if previous:
        raise Refused(_("Đã miễn rồi (lý do: {reason}). Để đổi, hủy trước rồi ghi lại.").format(
            reason=previous[0].reason))
    row = ObligationException(kind=Kind.exemption, unit_id=where.unit.id, task_id=where.task.id, period_id=period_id,
                              from_day=today if o is None else None, reason=reason, created_by=actor,
                              member_id=member_id)
    session.add(row)
    await session.flush()
    await record(session, actor, "exemption.grant", "obligation",
                 _label(where, o.period_key if o is not None else f"from:{today.isoformat()}"),
                 {"reason": reason}, member_id=member_id)
    return row


async def revoke(session: AsyncSession, kind: Kind, where: Target, o: Obligation | None, *, from_now: bool = False,
                 actor: str, member_id: int | None) -> list[ObligationException]:
    """Revoke the unit's exceptions of this kind for the task: of one period, the "from now on" ones, or (neither
    given) all of them. Returns what was revoked (nothing: a polite refusal)."""
    if o is not None:
        rows = await _active(session, kind, where, period_id=o.period_id)
    else:
        rows = await _active(session, kind, where, from_now=from_now or None)
    if not rows:
        what = _("gia hạn") if kind == Kind.extension else _("miễn nộp")
        raise Refused(_("Không có {what} nào đang có hiệu lực cho {unit} · {task} để hủy.").format(
            what=what, unit=where.unit.name, task=where.task.code))
    return await _revoke_rows(session, kind, where, rows, actor=actor, member_id=member_id)


async def revoke_by_id(session: AsyncSession, catalog: Catalog, exception_id: int, *, actor: str,
                       member_id: int | None) -> tuple[ObligationException, Target]:
    """The one exception a confirmation's "Hủy" button names."""
    row = await session.get(ObligationException, exception_id)
    if row is None or row.revoked_at is not None or row.unit_id not in catalog.units \
            or row.task_id not in catalog.tasks:
        raise Refused(_("Gia hạn hoặc miễn nộp này đã được hủy, hoặc không còn nữa."))
    where = Target(catalog.units[row.unit_id], catalog.tasks[row.task_id])
    await _revoke_rows(session, Kind(row.kind), where, [row], actor=actor, member_id=member_id)
    return row, where


async def _revoke_rows(session: AsyncSession, kind: Kind, where: Target, rows: Sequence[ObligationException], *,
                       actor: str, member_id: int | None) -> list[ObligationException]:
    keys = dict((await session.exec(select(Period.id, Period.key).where(
        col(Period.id).in_([r.period_id for r in rows if r.period_id is not None])))).all())
    for row in rows:
        row.revoked_at = _now()
        period = keys[row.period_id] if row.period_id is not None else f"from:{row.from_day}"
        await record(session, actor, f"{'deadline.extend' if kind == Kind.extension else 'exemption.grant'}.revoke",
                     "obligation", _label(where, period), {"exception": row.id, "reason": row.reason},
                     member_id=member_id)
    await session.flush()
    return list(rows)


async def _active(session: AsyncSession, kind: Kind, where: Target, *, period_id: int | None = None,
                  from_now: bool | None = None) -> Sequence[ObligationException]:
    query = select(ObligationException).where(
        ObligationException.kind == kind, ObligationException.unit_id == where.unit.id,
        ObligationException.task_id == where.task.id, col(ObligationException.revoked_at).is_(None))
    if period_id is not None:
        query = query.where(ObligationException.period_id == period_id)
    elif from_now:
        query = query.where(col(ObligationException.period_id).is_(None))
    return (await session.exec(query.order_by(col(ObligationException.id)))).all()


def _now() -> datetime:
    return utcnow()
