"""Joining: /start with an invite code (or the code alone), the greeting, and /moi to make invites."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from handlers import accounts
from handlers.core import ANYONE, STAFF, Context, Router
from handlers.texts import succession_note, with_note
from locales import N_, _, format_date, format_day
from models.callbacks import Button
from models.chat import Reply
from models.people import (
    INVITE_ROLES,
    InviteRejected,
    create_invite,
    identify,
    is_link_code,
    looks_like_code,
    parse_role,
    redeem_invite,
)
from models.registry import Succession, pending_successions, unit_name
from models.status import current_items
from models.store.tables import Role, Unit
from models.wording import deadline_phrase, period_of, role_label, short

router = Router()

@router.command("start", "batdau", roles=ANYONE, help=N_("Bắt đầu, hoặc đăng ký bằng mã mời: /start MÃ-MỜI"),
                in_groups=True)
async def start(ctx: Context, args: str) -> list[Reply]:
    if ctx.in_group:
        return [Reply(_("Đề nghị đăng ký và báo cáo qua tin nhắn riêng với bot."))]
    if args:
        return await _redeem(ctx, args)
    if ctx.identity.registered:
        return await greeting(ctx, welcome_back=True)
    who = await ctx.who_to_ask()
    return [Reply(_("Chào anh/chị! Đây là bot nhắc việc theo dõi thực hiện kế hoạch.\n"
                    "Để sử dụng, anh/chị cần mã mời do {who} cấp. Khi có mã, gửi: /start MÃ-MỜI "
                    "(ví dụ /start K7QM-9XPA-3RZT), hoặc chỉ cần gửi mã.").format(who=who))]


@router.fallback
async def bare_code(ctx: Context, text: str) -> list[Reply] | None:
    """On Zalo and the console people often just send the code."""
    if looks_like_code(text):
        return await _redeem(ctx, text)
    if not ctx.identity.registered:
        who = await ctx.who_to_ask()
        return [Reply(_("Anh/chị chưa đăng ký sử dụng bot. Vui lòng liên hệ {who} để nhận mã mời, "
                        "rồi gửi: /start MÃ-MỜI").format(who=who))]
    return None


async def _redeem(ctx: Context, code: str) -> list[Reply]:
    incoming = ctx.incoming
    try:
        redeemed = await redeem_invite(
            ctx.session, code, channel=incoming.channel, user_id=incoming.user_id, chat_id=incoming.chat_id,
            display_name=incoming.display_name, username=incoming.username, now=ctx.now, today=ctx.today)
    except InviteRejected as rejected:
        if rejected.reason == "unknown" and await is_link_code(ctx.session, code):
            return await accounts.link(ctx, code)  # the same shape of code, made by /lienket
        who = await ctx.who_to_ask()
        if rejected.reason == "unit_ended" and rejected.ended is not None:
            return [Reply(_ended_unit(rejected.ended, who))]
        message = {
            "unknown": _("Mã mời “{code}” không đúng. Vui lòng kiểm tra lại (mã gồm 12 ký tự, ví dụ "
                         "K7QM-9XPA-3RZT) hoặc liên hệ {who} để được cấp mã mới."),
            "used": _("Mã mời “{code}” đã được sử dụng. Mỗi mã chỉ dùng một lần; vui lòng liên hệ {who} "
                      "để được cấp mã mới."),
            "expired": _("Mã mời “{code}” đã hết hạn. Vui lòng liên hệ {who} để được cấp mã mới."),
            "throttled": _("Anh/chị đã nhập sai mã nhiều lần. Vui lòng thử lại sau một giờ, hoặc liên hệ {who}."),
        }[rejected.reason]
        return [Reply(message.format(code=code.strip()[:40], who=who))]
    ctx.identity = await identify(ctx.session, incoming.channel, incoming.user_id, admins=ctx.config.admins)
    ctx.menu_changed = True
    replies = await greeting(ctx, role=redeemed.grant.role, unit=redeemed.unit)
    return with_note(_successor_note(redeemed.succession), replies) if redeemed.succession else replies


def _successor_note(step: Succession) -> str:
    """Why the person is registered for another unit than the one the invite names."""
    if step.kind == "retire":
        return _("Mã mời được tạo cho {former}; đơn vị này đã kết thúc hoạt động từ {day}, nhiệm vụ chuyển về "
                 "{current}, nên anh/chị được đăng ký làm đầu mối của {current}.").format(
            former=step.former_name, day=format_date(step.since), current=step.current_name)
    return _("Mã mời được tạo cho {former}; đơn vị này đã hợp nhất vào {current} từ {day}, nên anh/chị được "
             "đăng ký làm đầu mối của {current}.").format(
        former=step.former_name, current=step.current_name, day=format_date(step.since))


def _ended_unit(unit: Unit, who: str) -> str:
    """An invite for a unit that has ended with nobody carrying its work: say what happened, and what to do."""
    if unit.active and unit.valid_to is not None:
        what = _("đơn vị này đã kết thúc hoạt động từ {day} và không có đơn vị nào tiếp nhận").format(
            day=format_date(unit.valid_to + timedelta(days=1)))
    else:
        what = _("đơn vị này không còn trong kế hoạch")
    return _("Mã mời được tạo cho {unit}; {what}, nên mã không dùng được nữa. Vui lòng liên hệ {who} để được "
             "cấp mã mời cho đơn vị anh/chị đang công tác.").format(unit=unit_name(unit, unit.valid_to), what=what,
                                                                   who=who)


async def greeting(ctx: Context, *, welcome_back: bool = False, role: str | None = None,
                   unit: Unit | None = None) -> list[Reply]:
    member = ctx.identity.member
    name = (member.display_name if member else "") or ctx.incoming.display_name
    lines = [_salutation(ctx, name, role)]
    if role is not None:
        what = role_label(role) + (f" — {ctx.name_of(unit)}" if unit else "")
        lines.append(_("Anh/chị đã được đăng ký là {what}.").format(what=what))
    else:
        roles = ", ".join(role_label(r) for r in sorted(ctx.identity.roles))
        lines.append(_("Anh/chị đang là: {roles}.").format(roles=roles))
    if len(ctx.plans) == 1:
        lines.append(_("Kế hoạch: {title}").format(title=short(ctx.plans[0].title, 120)))
    elif ctx.plans:
        lines.append(_("Kế hoạch theo dõi: {names}").format(names="; ".join(p.short for p in ctx.plans)))
    if ctx.identity.focal_units and ctx.plans:
        items = await current_items(ctx.session, ctx.plans, ctx.today, unit_ids=list(ctx.identity.focal_units))
        if items:
            lines.append("")
            lines.append(_("Nhiệm vụ đơn vị cần báo cáo:"))
            seen = set()
            for item in items:
                o = item.obligation
                if (o.unit_code, o.task_code) in seen:
                    continue
                seen.add((o.unit_code, o.task_code))
                prefix = f"{o.unit_code} · " if len(ctx.identity.focal_units) > 1 else ""
                lines.append(f"• {prefix}{o.task_code} — {short(o.task_short_title or o.task_title)}")
            nearest = min(items, key=lambda i: i.obligation.due).obligation
            calendar = ctx.calendar
            lines.append("")
            lines.append(_("Hạn gần nhất: {task} · {period} — {deadline}").format(
                task=nearest.task_code, period=period_of(nearest),
                deadline=deadline_phrase(nearest, ctx.today, calendar)))
        lines.append("")
        lines.append(_("Gõ /baocao để báo cáo từng bước, /bc để báo cáo nhanh một dòng, /trogiup để xem các lệnh."))
    elif ctx.identity.roles & {Role.coordinator, Role.leader, Role.admin}:
        lines.append("")
        lines.append(_("Gõ /tinhhinh để xem tình hình thực hiện, /trogiup để xem các lệnh."))
    if welcome_back and await pending_successions(ctx.session, ctx.today, member_id=ctx.member_id):
        lines.append(_("Có phân công đang chờ anh/chị xác nhận: gõ /xacnhan."))
    if role is not None:  # just registered: say what is kept about them (Nghị định 13/2023/NĐ-CP)
        lines.append("")
        lines.append(await personal_data_notice(ctx))
    return [Reply("\n".join(lines))]


def _salutation(ctx: Context, name: str, role: str | None) -> str:
    """Leaders are greeted as an official greets them ("Kính chào đồng chí …"); everyone else "anh/chị"."""
    roles = {role} if role is not None else set(ctx.identity.roles)
    if Role.leader in roles:
        return _("Kính chào đồng chí {name}!").format(name=name) if name else _("Kính chào đồng chí!")
    return _("Chào anh/chị {name}!").format(name=name) if name else _("Chào anh/chị!")


async def personal_data_notice(ctx: Context) -> str:
    """What is stored, why, for how long, and how to have it deleted (`nhacviec member forget`)."""
    return _("🔒 Dữ liệu cá nhân (Nghị định 13/2023/NĐ-CP): bot lưu họ tên, mã tài khoản chat của anh/chị và "
             "các báo cáo, tệp minh chứng anh/chị gửi, chỉ để theo dõi thực hiện kế hoạch, trong thời gian hồ sơ "
             "của kế hoạch được lưu giữ. Muốn xóa dữ liệu cá nhân, anh/chị đề nghị {who} hoặc cán bộ CNTT quản trị "
             "bot; báo cáo đã gửi vẫn được giữ, ghi cho đơn vị.").format(who=await ctx.who_to_ask())


# --- invites -------------------------------------------------------------------------------


def split_role(args: str) -> tuple[str, str | None]:
    """"Sở Công Thương đầu mối" → ("Sở Công Thương", "focal"); the role may be left out."""
    words = args.split()
    for take in (3, 2, 1):
        if len(words) >= take:
            role = parse_role("".join(words[-take:]))
            if role:
                return " ".join(words[:-take]), role
    return args.strip(), None


@router.command("moi", "invite", roles=STAFF, help=N_("Tạo mã mời: /moi <đơn vị> <đầu mối | điều phối | lãnh đạo>"))
async def invite(ctx: Context, args: str) -> list[Reply]:
    example = _("Ví dụ: /moi Sở Công Thương đầu mối — hoặc /moi lãnh đạo (lãnh đạo, điều phối không cần "
                "đơn vị).")
    if not ctx.plans:
        return [Reply(_("Chưa nạp kế hoạch nào; quản trị viên cần chạy `nhacviec plan load`."))]
    unit_text, role = split_role(args)
    role = role or Role.focal
    if not unit_text and role == Role.focal:
        return [Reply(_("Cần ghi đơn vị cho mã mời đầu mối. {example}").format(example=example))]
    if unit_text:
        units, steps = ctx.catalog.resolve_units(unit_text, on=ctx.today)
        if not units:
            return [Reply(_("Không tìm thấy đơn vị “{text}”. Gõ tên hoặc mã đơn vị, ví dụ SCT, Sở Công Thương. "
                            "{example}").format(text=unit_text[:80], example=example))]
        if len(units) > 1:
            return [Reply(_("“{text}” khớp với nhiều đơn vị; chọn một:").format(text=unit_text[:80]),
                          tuple(ctx.button(f"{u.code} — {ctx.name_of(u)}", InviteFor(unit=u.id, role=Role(role)))
                                for u in units[:30]))]
        return with_note(succession_note(steps), await _make_invite(ctx, role, units[0]))
    return await _make_invite(ctx, role, None)


@dataclasses.dataclass(frozen=True, kw_only=True)
class InviteFor(Button, prefix="mi"):
    unit: int
    role: Role


@router.button(InviteFor, roles=STAFF)
async def invite_choice(ctx: Context, button: InviteFor) -> list[Reply]:
    unit = ctx.catalog.units.get(button.unit)
    if unit is None or button.role not in INVITE_ROLES:
        return [Reply(_("Lựa chọn không hợp lệ. Gõ lại /moi <đơn vị> <vai trò>."))]
    return await _make_invite(ctx, button.role, unit)


async def _make_invite(ctx: Context, role: str, unit: Unit | None) -> list[Reply]:
    invite, code = await create_invite(ctx.session, role=role, unit_id=unit.id if unit and role == Role.focal
                                       else None, created_by=ctx.actor, now=ctx.now, days=ctx.config.invite_days,
                                       member_id=ctx.member_id)
    expires = format_day(invite.expires_at.astimezone(ctx.config.tz).date())
    what = role_label(role) + (f" — {ctx.name_of(unit)}" if unit and role == Role.focal else "")
    lines = [_("Mã mời {what}:").format(what=what), code,
             _("Hết hạn: {day}. Mỗi mã dùng một lần.").format(day=expires)]
    if link := await ctx.bot_link(start=code):
        lines.append(_("Telegram: gửi đường dẫn {link}").format(link=link))
    lines.append(_("Zalo: người được mời gửi “/start {code}” cho bot.").format(code=code))
    return [Reply("\n".join(lines))]
