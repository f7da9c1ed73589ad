"""The coordinator's review of reports: /tiepnhan accepts, /tralai returns with a comment (the unit's focal
points are told at once, with a button to revise), and the Accept / Return buttons of the day's list.

The version meant is named as `<đơn vị> <nhiệm vụ> [kỳ]`; without a period, the one the unit sent last on
the task. The state itself, and what counts as reported, is models/review.py; the actions are
models/review_actions.py. Coordinators and admins only, never in a group chat; nobody reviews a version
they filed themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.core import STAFF, Context, Router
from handlers.texts import succession_note, with_note
from locales import N_, _
from models.callbacks import ReviewAct, ReviewReport
from models.chat import Reply
from models.reports import MAX_TEXT
from models.review import Review
from models.review_actions import Found, by_id, latest_of, reviewer_name, set_review, tell_returned
from models.rules.period_words import read_period
from models.rules.text import fold
from models.store.audit import record
from models.wording import short

router = Router()
FLOW = "review_return"
ACCEPT_EXAMPLE = "/tiepnhan SCT IV.2.a quý IV/2026"
RETURN_EXAMPLE = "/tralai SCT IV.2.a quý IV/2026 Bổ sung số doanh nghiệp được hỗ trợ"
CANCEL = {"huy", "cancel", "thoi", "no"}


@dataclass(frozen=True)
class Named:
    """What a command named: the version found, the words after it (a comment), and a note about a merger."""

    found: Found | None
    rest: str
    note: str
    unit: str
    task: str


async def _named(ctx: Context, args: str, example: str) -> Named | list[Reply]:
    """`<đơn vị> <nhiệm vụ> [kỳ] [ý kiến]` read, or a polite answer saying how to write it."""
    words = args.split()
    at = next((i for i, word in enumerate(words) if i >= 1 and ctx.catalog.is_task_key(word)), None)
    if at is None:
        return [Reply(_("Ghi đơn vị rồi mã nhiệm vụ, ví dụ: {example}").format(example=example))]
    unit_text = " ".join(words[:at])
    units, steps = ctx.catalog.resolve_units(unit_text, on=ctx.today)
    if len(units) != 1:
        codes = ", ".join(u.code for u in units[:12])
        return [Reply(_("Chưa xác định được đơn vị “{text}”{found}. Ví dụ: {example}").format(
            text=short(unit_text, 60), found=f" ({codes})" if codes else "", example=example))]
    unit = units[0]
    tasks = ctx.catalog.find_tasks(words[at])
    rest = words[at + 1:]
    period = read_period(rest)
    if period is not None:
        rest = rest[period.words_used:]
    unit_ids = [unit.id, *(u.id for u in ctx.catalog.predecessors(unit.id))]
    found = await latest_of(ctx.session, unit_ids=unit_ids, task_ids=[t.id for t in tasks],
                            period=period.period if period else None)
    return Named(found, " ".join(rest), succession_note(steps), unit.name, tasks[0].code)


def _missing(named: Named) -> list[Reply]:
    return [Reply(_("Chưa có báo cáo {task} nào của {unit} (cho kỳ đã ghi). Gõ /tinhhinh {task} để xem.").format(
        task=named.task, unit=named.unit))]


async def _refusal(ctx: Context, found: Found) -> list[Reply] | None:
    """Why this version cannot be reviewed by this person, if it cannot."""
    if not found.review_on:
        return [Reply(_("Kế hoạch {plan} không dùng bước tiếp nhận: báo cáo được tiếp nhận ngay khi gửi.").format(
            plan=found.plan_short))]
    if found.state is Review.withdrawn:
        return [Reply(_("Báo cáo {what} đã được đơn vị rút; chờ bản mới.").format(what=found.label()))]
    if found.report.member_id is not None and found.report.member_id == ctx.member_id:
        await record(ctx.session, ctx.actor, "access.denied", "report", found.report.id, {"why": "own report"},
                     member_id=ctx.member_id)
        return [Reply(_("Anh/chị không tiếp nhận hay trả lại được báo cáo do chính mình gửi ({what}); việc này "
                        "cần một cán bộ điều phối khác.").format(what=found.label()))]
    return None


@router.command("tiepnhan", "accept", roles=STAFF,
                help=N_("Tiếp nhận báo cáo: /tiepnhan <đơn vị> <nhiệm vụ> [kỳ]"))
async def accept(ctx: Context, args: str) -> list[Reply]:
    named = await _named(ctx, args, ACCEPT_EXAMPLE)
    if isinstance(named, list):
        return named
    if named.rest:
        return [Reply(_("Chưa hiểu “{text}”: sau mã nhiệm vụ chỉ ghi kỳ báo cáo, ví dụ quý IV/2026, tháng 12/2026, "
                        "2026. Ví dụ: {example}").format(text=short(named.rest, 60), example=ACCEPT_EXAMPLE))]
    if named.found is None:
        return _missing(named)
    return with_note(named.note, await _accept(ctx, named.found))


async def _accept(ctx: Context, found: Found) -> list[Reply]:
    if refusal := await _refusal(ctx, found):
        return refusal
    if found.state is Review.accepted:
        return [Reply(_("Báo cáo {what} đã được {who} tiếp nhận trước đó.").format(
            what=found.label(), who=await reviewer_name(ctx.session, found.report)))]
    await set_review(ctx.session, found, Review.accepted, actor=ctx.actor, member_id=ctx.member_id, at=ctx.now)
    return [Reply(_("✅ Đã tiếp nhận báo cáo {what}.").format(what=found.label()))]


@router.command("tralai", "return", roles=STAFF,
                help=N_("Trả lại báo cáo kèm ý kiến: /tralai <đơn vị> <nhiệm vụ> [kỳ] <ý kiến>"))
async def give_back(ctx: Context, args: str) -> list[Reply]:
    named = await _named(ctx, args, RETURN_EXAMPLE)
    if isinstance(named, list):
        return named
    if named.found is None:
        return _missing(named)
    if not named.rest:
        return [Reply(_("Ghi ý kiến trả lại sau mã nhiệm vụ (và kỳ, nếu cần), để đơn vị biết cần sửa gì. Ví dụ: "
                        "{example}").format(example=RETURN_EXAMPLE))]
    return with_note(named.note, await _return(ctx, named.found, named.rest))


async def _return(ctx: Context, found: Found, comment: str) -> list[Reply]:
    if refusal := await _refusal(ctx, found):
        return refusal
    if len(comment) > MAX_TEXT:
        return [Reply(_("Ý kiến dài {n} ký tự, vượt giới hạn {limit}. Vui lòng rút gọn rồi gửi lại.").format(
            n=len(comment), limit=MAX_TEXT))]
    if found.state is Review.returned:
        return [Reply(_("Báo cáo {what} đã được trả lại trước đó, với ý kiến: {comment}").format(
            what=found.label(), comment=found.report.review_comment))]
    await set_review(ctx.session, found, Review.returned, actor=ctx.actor, member_id=ctx.member_id, at=ctx.now,
                     comment=comment)
    queued = await tell_returned(ctx.session, found, channels=ctx.config.channels,
                                 default_locale=ctx.config.default_locale, now=ctx.now)
    told = (_("Đã báo ý kiến cho {n} đầu mối của đơn vị.").format(n=len(queued)) if queued else
            _("Đơn vị chưa có đầu mối nhận tin qua bot; vui lòng báo trực tiếp."))
    return [Reply(_("↩️ Đã trả lại báo cáo {what}. Kỳ này được tính là chưa báo cáo cho đến khi đơn vị gửi bản "
                    "mới.").format(what=found.label()) + "\n" + told)]


# --- the buttons of the day's list --------------------------------------------------------------


async def _reviewed_since(ctx: Context, found: Found) -> list[Reply] | None:
    """The list offered a new report; reviewed since (by command, by another coordinator), an old button or a
    comment begun from it does not overturn that behind the unit's back: changing one's mind is a command."""
    if not found.review_on or found.state not in (Review.accepted, Review.returned):
        return None
    who = await reviewer_name(ctx.session, found.report)
    if found.state is Review.accepted:
        return [Reply(_("Báo cáo {what} đã được tiếp nhận ({who}) sau khi danh sách được gửi. Nếu cần trả lại, gõ "
                        "/tralai {unit} {task} <ý kiến>.").format(what=found.label(), who=who,
                                                                  unit=found.unit_code, task=found.task_code))]
    return [Reply(_("Báo cáo {what} đã được trả lại ({who}) sau khi danh sách được gửi. Nếu vẫn tiếp nhận, gõ "
                    "/tiepnhan {unit} {task}.").format(what=found.label(), who=who, unit=found.unit_code,
                                                       task=found.task_code))]


@router.button(ReviewReport, roles=STAFF)
async def review_button(ctx: Context, button: ReviewReport) -> list[Reply]:
    found = await by_id(ctx.session, button.report)
    if found is None or not found.report.is_latest:
        return [Reply(_("Báo cáo này đã có bản mới hơn hoặc không còn; gõ /tinhhinh để xem."))]
    if stale := await _reviewed_since(ctx, found):
        return stale
    if button.act is ReviewAct.accept:
        return await _accept(ctx, found)
    if refusal := await _refusal(ctx, found):
        return refusal
    await ctx.start_flow(FLOW, "comment", {"report": found.report.id})
    return [Reply(_("Trả lại báo cáo {what}. Gõ ý kiến để đơn vị biết cần sửa gì (hoặc bấm Hủy).").format(
        what=found.label()), (ctx.option(_("✖ Hủy"), "no"),), numbered=False)]


@router.flow(FLOW)
async def return_comment(ctx: Context, text: str, choice: str | None) -> list[Reply]:
    assert ctx.conversation is not None
    report_id = int(ctx.conversation.data.get("report", 0))
    if choice == "no" or fold(text) in CANCEL:
        await ctx.end_flow()
        return [Reply(_("Đã hủy; báo cáo chưa bị trả lại."))]
    if not text:
        return [Reply(_("Gõ ý kiến trả lại, hoặc bấm Hủy."), (ctx.option(_("✖ Hủy"), "no"),), numbered=False)]
    if len(text) > MAX_TEXT:  # kept open: the shorter comment is the next message
        return [Reply(_("Ý kiến dài {n} ký tự, vượt giới hạn {limit}. Vui lòng rút gọn rồi gửi lại.").format(
            n=len(text), limit=MAX_TEXT))]
    found = await by_id(ctx.session, report_id)
    await ctx.end_flow()
    if found is None or not found.report.is_latest:
        return [Reply(_("Báo cáo này đã có bản mới hơn hoặc không còn; gõ /tinhhinh để xem."))]
    if stale := await _reviewed_since(ctx, found):
        return stale
    return await _return(ctx, found, text)
