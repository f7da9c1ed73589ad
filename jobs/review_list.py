"""The review's own messages: the day's list of new reports for coordinators (NHACVIEC_REVIEW_LIST_TIME,
with Accept / Return buttons under each report) and a returned report's comment for the unit's focal points
(with a button to revise). Claimed by the tick and the /tralai command, composed when sent (jobs/compose.py):
a report reviewed meanwhile is left out, and a message left with nothing to say is not sent.
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from locales import _, ngettext
from models.callbacks import ReviewAct, ReviewReport, ReviseReport
from models.chat import Option, Reply
from models.outbox import Action, Recipients
from models.review import Review
from models.review_actions import by_id, reviewer_name, waiting
from models.rules.workdays import WorkCalendar
from models.store.tables import Plan

LISTED = 10  # reports with buttons in one list (two buttons each); the rest are counted


def due(at: time | None, tz: ZoneInfo, recipients: Recipients, now: datetime, calendar: WorkCalendar) -> list[Action]:
    """Today's list for each coordinator, once its time has come on a working day (None: the list is off)."""
    if at is None:
        return []
    local = now.astimezone(tz)
    moment = datetime.combine(local.date(), at, tzinfo=tz)
    if moment > now or not calendar.is_working_day(local.date()):
        return []
    found = [recipients.of(member_id) for member_id in dict.fromkeys(recipients.coordinators)]
    return [Action.review_list(moment, recipient) for recipient in found if recipient is not None]


async def review_list(session: AsyncSession, member_id: int | None) -> list[Reply]:
    """The reports waiting for review now, but those the coordinator filed (nobody reviews their own)."""
    plan_ids = list((await session.exec(select(Plan.id).where(col(Plan.retired_at).is_(None)))).all())
    found = [f for f in await waiting(session, plan_ids, limit=200) if f.report.member_id != member_id]
    if not found:
        return []
    lines = [ngettext("📥 {n} báo cáo mới chờ tiếp nhận:", "📥 {n} báo cáo mới chờ tiếp nhận:", len(found)).format(
        n=len(found))]
    options: list[Option] = []
    for n, f in enumerate(found[:LISTED], start=1):
        lines.append(f"{n}. {f.summary()}")
        for act, label in ((ReviewAct.accept, _("✅ Tiếp nhận #{n}")), (ReviewAct.ret, _("↩️ Trả lại #{n}"))):
            options.append(Option(label.format(n=n), ReviewReport(report=f.report.id, act=act,
                                                                  owner=member_id or 0).pack()))
    if len(found) > LISTED:
        lines.append(_("… và {n} báo cáo khác.").format(n=len(found) - LISTED))
    lines.append(_("Hoặc gõ /tiepnhan <đơn vị> <nhiệm vụ>, /tralai <đơn vị> <nhiệm vụ> <ý kiến>."))
    return [Reply("\n".join(lines), tuple(options), columns=2)]


async def returned(session: AsyncSession, report_id: int, member_id: int | None) -> list[Reply]:
    """The coordinator's comment on a returned report, unless it was accepted, undone or replaced since."""
    found = await by_id(session, report_id)
    if found is None or found.state is not Review.returned or not found.report.is_latest:
        return []
    who = await reviewer_name(session, found.report)
    text = "\n".join([
        _("↩️ {who} trả lại báo cáo {task} · {period} của {unit} (bản {version}).").format(
            who=who, task=found.task_code, period=found.period, unit=found.unit_name, version=found.report.version),
        _("Ý kiến: {comment}").format(comment=found.report.review_comment),
        _("Kỳ này được tính là chưa báo cáo cho đến khi đơn vị gửi bản mới. Bấm “Sửa báo cáo” để sửa từ bản bị "
          "trả lại."),
    ])
    button = Option(_("✏️ Sửa báo cáo"), ReviseReport(report=report_id, owner=member_id or 0).pack())
    return [Reply(text, (button,))]
