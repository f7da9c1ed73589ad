"""/thongbao <đơn vị | tất cả> <nội dung>: a coordinator's notice to the focal points of one unit, or of
every unit of the plans followed. It goes through the outbox (paced, sent once per person); the
coordinator is told how many people it will reach and which units have nobody to receive it."""

from __future__ import annotations

from handlers.core import STAFF, Context, Router
from handlers.texts import succession_note, with_note
from locales import N_, _
from models.chat import Reply
from models.notices import Notice, Sender, send_notice
from models.registry import units_at
from models.rules.text import fold
from models.store.tables import Unit
from models.wording import short

router = Router()
FLOW = "notice"
EVERYONE = {"tatca", "all", "toanbo", "moidonvi", "cacdonvi"}  # folded words for "every unit"
UNIT_WORDS = 8  # the longest unit name looked for at the start
NAMED = 15  # units named in the confirmation; the rest is counted


def usage() -> str:
    return _("Viết: /thongbao <đơn vị | tất cả> <nội dung>. Ví dụ: /thongbao SCT Đề nghị gửi báo cáo năm trước "
             "ngày 15/12 — hoặc /thongbao tất cả Họp sơ kết lúc 8h00 thứ Sáu.")


@router.command("thongbao", "notice", roles=STAFF,
                help=N_("Gửi thông báo tới đầu mối: /thongbao <đơn vị | tất cả> <nội dung>"))
async def notice(ctx: Context, args: str) -> list[Reply]:
    if not args:
        return [Reply(_("Thông báo cần người nhận và nội dung.") + " " + usage())]
    if not ctx.plans:
        return [Reply(_("Chưa có kế hoạch nào được nạp."))]
    words = args.split()
    for size in (2, 1):
        if fold(" ".join(words[:size])) in EVERYONE:
            rest = args.split(None, size)[size:]
            units = await units_at(ctx.session, ctx.today, plan_ids=[p.id for p in ctx.plans])
            return await _send(ctx, units, rest[0].strip() if rest else "", scope="all")
    for size in range(min(len(words), UNIT_WORDS), 0, -1):
        units, steps = ctx.catalog.resolve_units(" ".join(words[:size]), on=ctx.today)
        if not units:
            continue
        rest = args.split(None, size)[size:]
        text = rest[0].strip() if rest else ""
        if not text:
            return [Reply(_("Thông báo chưa có nội dung.") + " " + usage())]
        if len(units) == 1:
            return with_note(succession_note(steps), await _send(ctx, units, text, scope=units[0].code))
        await ctx.start_flow(FLOW, "unit", {"text": text, "units": [u.id for u in units]})
        return [_ask_unit(ctx, units)]
    return [Reply(_("Không tìm thấy đơn vị “{text}” ở đầu thông báo.").format(text=short(words[0], 40)) + " "
                  + usage())]


def _ask_unit(ctx: Context, units: list[Unit]) -> Reply:
    options = tuple(ctx.option(f"{u.code} — {short(u.name, 40)}", str(u.id)) for u in units[:30])
    return Reply(_("Tên đơn vị khớp với nhiều đơn vị; gửi thông báo cho đơn vị nào? (Nội dung đã được giữ lại; gõ "
                   "/huy để thôi.)"), options)


@router.flow(FLOW)
async def notice_unit(ctx: Context, text: str, choice: str | None) -> list[Reply]:
    """The unit, when the name typed matched several; the notice's text waits in the conversation."""
    conversation = ctx.conversation
    assert conversation is not None
    candidates = [ctx.catalog.units[i] for i in conversation.data.get("units", []) if i in ctx.catalog.units]
    picked = [u for u in candidates if choice == str(u.id)]
    if not picked and text:
        typed = ctx.catalog.resolve_units(text, on=ctx.today)[0]
        picked = [u for u in candidates if u in typed]
    if len(picked) != 1:
        return [_ask_unit(ctx, candidates)]
    await ctx.end_flow()
    return await _send(ctx, picked, str(conversation.data.get("text", "")), scope=picked[0].code)


async def _send(ctx: Context, units: list[Unit], text: str, *, scope: str) -> list[Reply]:
    if not text:
        return [Reply(_("Thông báo chưa có nội dung.") + " " + usage())]
    member = ctx.identity.member
    office = ctx.catalog.coordinator
    by = Sender(actor=ctx.actor, member_id=ctx.member_id, name=member.display_name if member else ctx.actor,
                office=office.name if office else "", channels=ctx.config.channels,
                default_locale=ctx.config.default_locale)
    return [Reply(_said(await send_notice(ctx.session, units, text, by, scope=scope, now=ctx.now)))]


def _said(done: Notice) -> str:
    reached = len(done.units) - len(done.without_focal)
    if done.people:
        lines = [_("Đã xếp thông báo vào hàng gửi: sẽ tới {n} đầu mối của {units} đơn vị.").format(
            n=done.people, units=reached)]
    else:
        lines = [_("Không gửi được thông báo: không có đầu mối nào nhận được.")]
    if done.without_focal:
        codes = ", ".join(u.code for u in done.without_focal[:NAMED])
        if len(done.without_focal) > NAMED:
            codes += _(" và {n} đơn vị khác").format(n=len(done.without_focal) - NAMED)
        lines.append(_("Chưa có đầu mối ({n} đơn vị): {units}. Mời bằng /moi <đơn vị> đầu mối.").format(
            n=len(done.without_focal), units=codes))
    for name, why in done.unreachable[:NAMED]:
        lines.append(_("Chưa liên lạc được {name}: {reason}.").format(name=name, reason=why))
    return "\n".join(lines)
