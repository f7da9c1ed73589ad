"""One person, several channels: /lienket joins a Telegram and a Zalo account into one member,
/kenh chooses which of them receives reminders and digests (each message arrives once)."""

from __future__ import annotations

from sqlmodel import select

from handlers.core import ANYONE, REGISTERED, Context, Router
from locales import N_, _
from models.chat import Reply
from models.people import InviteRejected, create_link_code, identify, redeem_link_code
from models.rules.text import fold
from models.store.tables import ChannelAccount, Member

router = Router()


@router.command("lienket", "link", roles=ANYONE, help=N_("Dùng chung một tài khoản trên Telegram và Zalo"))
async def link(ctx: Context, args: str) -> list[Reply]:
    incoming = ctx.incoming
    if args:
        try:
            member = await redeem_link_code(ctx.session, args, channel=incoming.channel, user_id=incoming.user_id,
                                            chat_id=incoming.chat_id, display_name=incoming.display_name,
                                            username=incoming.username, now=ctx.now)
        except InviteRejected as rejected:
            return [Reply({
                "unknown": _("Mã liên kết không đúng. Gõ /lienket trên kênh đã đăng ký để lấy mã mới."),
                "used": _("Mã liên kết đã được dùng. Gõ /lienket trên kênh đã đăng ký để lấy mã mới."),
                "expired": _("Mã liên kết đã hết hạn (15 phút). Gõ /lienket trên kênh đã đăng ký để lấy mã mới."),
                "throttled": _("Anh/chị đã nhập sai mã nhiều lần. Vui lòng thử lại sau một giờ."),
            }[rejected.reason])]
        return await _linked(ctx, member)
    if not ctx.identity.registered:
        return [Reply(_("Để liên kết, gõ /lienket trên kênh anh/chị đã đăng ký (Telegram hoặc Zalo) để lấy mã, rồi "
                        "gửi /lienket MÃ ở đây."))]
    assert ctx.member_id is not None
    _invite, code = await create_link_code(ctx.session, member_id=ctx.member_id, actor=ctx.actor, now=ctx.now)
    other = "Zalo" if incoming.channel == "telegram" else "Telegram"
    return [Reply(_("Mã liên kết (hiệu lực 15 phút): {code}\nTrên {other}, gửi cho bot: /lienket {code}").format(
        code=code, other=other))]


async def _linked(ctx: Context, member: Member) -> list[Reply]:
    incoming = ctx.incoming
    ctx.identity = await identify(ctx.session, incoming.channel, incoming.user_id, admins=ctx.config.admins)
    ctx.menu_changed = True
    where = (member.preferred_channel or _("kênh đăng ký đầu tiên")).capitalize()
    return [Reply(_("Đã liên kết: tài khoản {channel} này và tài khoản trước của anh/chị là một người. Nhắc việc "
                    "và bản tin gửi một lần, qua {where}; đổi bằng /kenh telegram hoặc /kenh zalo.").format(
        channel=incoming.channel.capitalize(), where=where))]


@router.command("kenh", "channel", roles=REGISTERED, help=N_("Chọn kênh nhận nhắc việc: /kenh telegram | zalo"))
async def preferred_channel(ctx: Context, args: str) -> list[Reply]:
    assert ctx.member_id is not None
    member = await ctx.session.get(Member, ctx.member_id)
    assert member is not None
    accounts = (await ctx.session.exec(select(ChannelAccount).where(ChannelAccount.member_id == member.id))).all()
    linked = sorted({a.channel for a in accounts if a.channel in ("telegram", "zalo")})
    wanted = fold(args)
    if wanted in linked:
        member.preferred_channel = wanted
        return [Reply(_("Từ nay nhắc việc và bản tin gửi qua {channel}.").format(channel=wanted.capitalize()))]
    current = member.preferred_channel or (linked[0] if linked else "–")
    hint = _("Gõ /kenh {options} để chọn.").format(options=" | ".join(linked)) if len(linked) > 1 else _(
        "Để nhận trên kênh khác, liên kết trước bằng /lienket.")
    return [Reply(_("Tài khoản đã liên kết: {linked}. Nhắc việc đang gửi qua {current}.").format(
        linked=", ".join(c.capitalize() for c in linked) or "–", current=current.capitalize()) + "\n" + hint)]
