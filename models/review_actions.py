"""What a coordinator does to a report version (accept, return with a comment, undo) and what its sender
does (withdraw within 7 days); finding the version meant; telling the unit's focal points a report came back.

Each action changes the version's review fields (models/review.py reads them) and is written to the audit
log, so the history of a version's reviews survives an undo. Nobody reviews a version they filed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from locales import _, format_date
from models.outbox import Action, Queued, Recipients, claim
from models.review import Review, review_of
from models.rules.period_words import PeriodRef
from models.rules.periods import period_label
from models.store.audit import record
from models.store.tables import (
    Assignment,
    Member,
    Period,
    Plan,
    Report,
    ReportStatus,
    ReportValue,
    Schedule,
    Task,
    Unit,
)
from models.wording import STATUS_ICON, short, status_label

WITHDRAW_DAYS = 7  # a sender may take a version back for a week; after that it is the record


@dataclass(frozen=True, kw_only=True)
class Found:
    """A report version with what messages say about it."""

    report: Report
    unit_id: int
    unit_code: str
    unit_name: str
    task_code: str
    task_title: str
    plan_short: str
    review_on: bool  # the plan's `review`
    period: str  # "quý IV/2026"
    sender: str  # who filed it ("" when unknown)
    tz: ZoneInfo  # the plan's

    def label(self) -> str:
        """"IV.2.a · năm 2026 · SCT (bản 2)"."""
        return f"{self.task_code} · {self.period} · {self.unit_code} (" + _("bản {n}").format(
            n=self.report.version) + ")"

    def summary(self) -> str:
        """"SCT · II.3 · quý IV/2026 (bản 2): 🔵 Đang thực hiện 80% “ghi chú” — Trần Thị Bình, 01/12/2026"."""
        r = self.report
        status = f"{STATUS_ICON.get(r.status, '')} {status_label(r.status)}".strip()
        if r.percent is not None and r.status != ReportStatus.done:
            status += f" {r.percent}%"
        note = f" “{short(r.note, 80)}”" if r.note else ""
        who = f"{self.sender}, " if self.sender else ""
        return (f"{self.unit_code} · {self.task_code} · {self.period} (" + _("bản {n}").format(n=r.version)
                + f"): {status}{note} — {who}{format_date(r.submitted_at.astimezone(self.tz).date())}")

    @property
    def state(self) -> Review:
        return review_of(self.report)


# sqlmodel's select is typed for up to 4 columns and session.exec takes no other: 14 here.
_QUERY = (select(Report, Unit.id, Unit.code, Unit.name, Task.code, Task.title, Plan.short, Plan.code, Plan.review,  # type: ignore[call-overload]
                 Schedule.every, Period.key, Schedule.name, Member.display_name, Plan.timezone)
          .join(Assignment, Assignment.id == Report.assignment_id)
          .join(Unit, Unit.id == Assignment.unit_id)
          .join(Task, Task.id == Assignment.task_id)
          .join(Plan, Plan.id == Task.plan_id)
          .join(Period, Period.id == Report.period_id)
          .join(Schedule, Schedule.id == Period.schedule_id)
          .outerjoin(Member, Member.id == Report.member_id))


def _found(row: Sequence) -> Found:
    (report, unit_id, unit_code, unit_name, task_code, task_title, plan_short, plan_code, review_on, every, key,
     schedule, sender, timezone) = row
    return Found(tz=ZoneInfo(timezone), report=report, unit_id=unit_id, unit_code=unit_code, unit_name=unit_name,
                 task_code=task_code, task_title=task_title, plan_short=plan_short or plan_code, review_on=review_on,
                 period=period_label(every, key, schedule), sender=sender or "")


async def latest_of(session: AsyncSession, *, unit_ids: Sequence[int], task_ids: Sequence[int],
                    period: PeriodRef | None = None) -> Found | None:
    """The version that counts for the period named (latest for its period), or without a period the one the
    unit sent last on the task."""
    query = _QUERY.where(Report.is_latest, col(Assignment.unit_id).in_(list(unit_ids)),
                         col(Task.id).in_(list(task_ids)))
    if period is not None:
        query = query.where(Period.key == period.key, Schedule.every == period.every.value)
    row = (await session.exec(query.order_by(col(Report.submitted_at).desc(), col(Report.id).desc()).limit(1))).first()
    return _found(row) if row is not None else None


async def by_id(session: AsyncSession, report_id: int) -> Found | None:
    row = (await session.exec(_QUERY.where(Report.id == report_id))).first()
    return _found(row) if row is not None else None


async def waiting(session: AsyncSession, plan_ids: Sequence[int], *, limit: int = 50) -> list[Found]:
    """Versions nobody has reviewed yet (latest, not withdrawn, of plans with review on), oldest first."""
    rows = (await session.exec(_QUERY.where(
        Report.is_latest, Report.review == Review.new.value, col(Report.withdrawn_at).is_(None), Plan.review,
        col(Plan.id).in_(list(plan_ids))).order_by(Report.submitted_at, Report.id).limit(limit))).all()
    return [_found(row) for row in rows]


async def set_review(session: AsyncSession, found: Found, state: Review, *, actor: str, member_id: int | None,
                     at: datetime, comment: str = "") -> None:
    """Accept or return the version (`state`), or put it back to new (an undo); audited."""
    report = found.report
    before = review_of(report)
    report.review = state.value
    report.reviewed_at = at if state is not Review.new else None
    report.reviewed_by = actor if state is not Review.new else ""
    report.reviewer_id = member_id if state is not Review.new else None
    report.review_comment = comment if state is Review.returned else ""
    session.add(report)
    action = {Review.accepted: "report.accept", Review.returned: "report.return"}.get(state, "report.review_undo")
    await record(session, actor, action, "report", report.id,
                 {"unit": found.unit_code, "task": found.task_code, "period": found.period, "version": report.version,
                  "before": before.value, "comment": comment}, member_id=member_id)


async def reviewer_name(session: AsyncSession, report: Report) -> str:
    """Who reviewed the version: the member's name, or the operator at the command line."""
    member = await session.get(Member, report.reviewer_id) if report.reviewer_id is not None else None
    if member is not None:
        return member.display_name
    return _("quản trị viên (dòng lệnh)") if report.reviewed_by == "cli" else _("cán bộ điều phối")


def withdrawable(found: Found, member_id: int, now: datetime) -> bool:
    """The sender's own version, still the latest, sent in the last 7 days."""
    report = found.report
    return (report.member_id == member_id and report.is_latest and report.withdrawn_at is None
            and now - report.submitted_at <= timedelta(days=WITHDRAW_DAYS))


async def mine_latest(session: AsyncSession, member_id: int, task_ids: Sequence[int] | None,
                      period: PeriodRef | None = None) -> Found | None:
    """The last version this person filed (on one of the tasks, and for the period, when named) that is still its
    period's latest."""
    query = _QUERY.where(Report.member_id == member_id, Report.is_latest, col(Report.withdrawn_at).is_(None))
    if task_ids is not None:
        query = query.where(col(Task.id).in_(list(task_ids)))
    if period is not None:
        query = query.where(Period.key == period.key, Schedule.every == period.every.value)
    row = (await session.exec(query.order_by(col(Report.submitted_at).desc(), col(Report.id).desc()).limit(1))).first()
    return _found(row) if row is not None else None


async def withdraw(session: AsyncSession, found: Found, *, actor: str, member_id: int, at: datetime) -> None:
    found.report.withdrawn_at = at
    session.add(found.report)
    await record(session, actor, "report.withdraw", "report", found.report.id,
                 {"unit": found.unit_code, "task": found.task_code, "period": found.period,
                  "version": found.report.version}, member_id=member_id)


async def tell_returned(session: AsyncSession, found: Found, *, channels: frozenset[str], default_locale: str,
                        now: datetime) -> list[Queued]:
    """Queue the comment to each focal point of the unit (the text, with its Revise button, is composed when
    sent: jobs/review_list.py)."""
    recipients = await Recipients(channels=channels, default_locale=default_locale).load(session)
    stamp = found.report.reviewed_at or now
    actions = [Action.returned(found.report.id, recipient, now, stamp=stamp)
               for recipient in (recipients.of(m) for m in recipients.focal.get(found.unit_id, []))
               if recipient is not None]
    return await claim(session, actions, now=now)


async def values_of(session: AsyncSession, report_id: int) -> dict[int, Decimal]:
    """The version's indicator values (indicator id → value): a revision starts from them."""
    # col(): Decimal is not among sqlmodel's scalar types, which select is typed for
    rows = (await session.exec(select(ReportValue.indicator_id, col(ReportValue.value))
                               .where(ReportValue.report_id == report_id))).all()
    return {indicator_id: Decimal(value) for indicator_id, value in rows}
