"""A focal point's side of the review: revising a returned report (its button starts the report dialogue
from the returned version) and withdrawing one's own latest version within 7 days (/rut).

A withdrawn version stays in the history, marked withdrawn; like a returned one, it no longer counts as
reported (models/review.py), so the period is chased again until a new version arrives.
"""

from __future__ import annotations

from handlers.core import REPORTERS, Context, Router
from handlers.report_draft import Draft, Mode, Step
from handlers.report_items import choose, resolve_pair
from handlers.reporting import advance
from locales import N_, _, format_date
from models.callbacks import ReviseReport
from models.chat import Reply
from models.review import Review
from models.review_actions import WITHDRAW_DAYS, by_id, mine_latest, values_of, withdraw, withdrawable
from models.rules.period_words import read_period
from models.store.tables import ReportStatus
from models.wording import short

router = Router()


@router.button(ReviseReport, roles=REPORTERS)
async def revise(ctx: Context, button: ReviseReport) -> list[Reply]:
    """The report dialogue, filled in with the returned version: send it as it is, or redo it."""
    found = await by_id(ctx.session, button.report)
    if found is None or found.state is not Review.returned or not found.report.is_latest:
        return [Reply(_("Báo cáo này không còn ở trạng thái trả lại (đã có bản mới, hoặc đã được tiếp nhận). "
                        "Gõ /baocao để báo cáo."))]
    report = found.report
    item = await resolve_pair(ctx, report.assignment_id, report.period_id)
    if isinstance(item, list):
        return item
    draft = Draft(mode=Mode.guided, via="guided", typed=[_("sửa từ bản {n} bị trả lại").format(n=report.version)])
    choose(draft, item)
    draft.status, draft.percent = ReportStatus(report.status), report.percent
    draft.note, draft.obstacles, draft.proposals = report.note, report.obstacles, report.proposals
    values = await values_of(ctx.session, report.id)
    task = ctx.catalog.tasks.get(item.obligation.task_id)
    draft.values = {str(i.id): (str(values[i.id]) if i.id in values else None)
                    for i in (task.indicators if task else ())}
    # Everything is taken from the returned version: the dialogue goes straight to its confirmation, where
    # "Làm lại" starts the answers afresh.
    draft.asked = [Step.percent, Step.indicator, Step.note, Step.obstacles, Step.proposals]
    replies = await advance(ctx, draft, start=True)
    head = _("✏️ Sửa báo cáo {task} · {period} từ bản {n} bị trả lại (ý kiến: {comment}). Gửi lại như dưới đây, "
             "hoặc bấm Làm lại để trả lời từng bước.").format(task=found.task_code, period=found.period,
                                                             n=report.version, comment=report.review_comment)
    return [Reply(head), *replies]


@router.command("rut", "withdraw", roles=REPORTERS,
                help=N_("Rút bản báo cáo mình vừa gửi (trong 7 ngày): /rut [mã nhiệm vụ]"))
async def withdraw_mine(ctx: Context, args: str) -> list[Reply]:
    task_ids, period = None, None
    if args:
        # "<nhiệm vụ> [kỳ]", the period written as in the other commands (a task's title may hold spaces).
        words = args.split()
        tasks = ctx.catalog.find_tasks(words[0]) if len(words) > 1 else []
        read = read_period(words[1:]) if tasks else None
        if tasks and (read is None or read.words_used < len(words) - 1):
            return [Reply(_("Chưa hiểu “{text}”: sau mã nhiệm vụ chỉ ghi kỳ báo cáo, ví dụ: /rut {task} năm {year} "
                            "(hoặc /rut {task} để rút bản gửi gần nhất của nhiệm vụ).").format(
                text=short(" ".join(words[1:]), 40), task=words[0], year=ctx.today.year))]
        if read is not None:
            period = read.period
        else:
            tasks = ctx.catalog.find_tasks(args)
        if not tasks:
            return [Reply(_("Không tìm thấy nhiệm vụ “{text}”. Viết mã nhiệm vụ, ví dụ: /rut II.3 (hoặc chỉ /rut để "
                            "rút bản gửi gần nhất).").format(text=short(args, 40)))]
        task_ids = [t.id for t in tasks]
    member_id = ctx.member_id
    found = await mine_latest(ctx.session, member_id, task_ids, period) if member_id is not None else None
    if found is None:
        return [Reply(_("Không có bản báo cáo nào của anh/chị để rút (bản rút được là bản mới nhất của kỳ, do chính "
                        "anh/chị gửi)."))]
    assert member_id is not None
    what = found.label()
    if not withdrawable(found, member_id, ctx.now):
        return [Reply(_("Bản {what} gửi ngày {day}, đã quá {days} ngày nên không rút được nữa. Nếu cần sửa, gửi bản "
                        "mới bằng /baocao.").format(what=what, day=format_date(
                            found.report.submitted_at.astimezone(ctx.config.tz).date()), days=WITHDRAW_DAYS))]
    await withdraw(ctx.session, found, actor=ctx.actor, member_id=member_id, at=ctx.now)
    return [Reply(_("Đã rút báo cáo {what}. Bản này vẫn được lưu trong lịch sử; kỳ này được tính là chưa báo cáo "
                    "cho đến khi anh/chị gửi bản mới (/baocao).").format(what=what))]
