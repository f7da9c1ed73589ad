"""Who uses the bot, and taking a role back when staff leave: /thanhvien [đơn vị], /thuhoi <người>.

Coordinators and administrators see everyone, grouped by unit; a focal point sees the people of its own
unit. Replacing a focal point is two steps: an invite for the new one (/moi), and /thuhoi for the one
who left.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections import defaultdict

from handlers.core import STAFF, Context, Router
from handlers.texts import succession_note, with_note
from locales import N_, _, format_date
from models.callbacks import Button
from models.chat import Reply
from models.evidence import FileStore, unreferenced
from models.members import Registered, matching, number_of, registered
from models.registry import units_at
from models.revocation import Revoked, Revoker, RevokeRefused, held, revoke
from models.store.audit import record
from models.store.tables import Member, Role, Unit
from models.wording import role_label, short

router = Router()
VIEWERS = STAFF | {Role.focal}
SHOWN = 40  # people in one answer; the rest is counted (one unit at a time shows them all)
CHOICES = 10  # people offered when a name matches several


@router.command("thanhvien", "members", roles=VIEWERS, in_groups=True,
                help=N_("Người dùng bot theo đơn vị: /thanhvien [đơn vị]"))
async def members(ctx: Context, args: str) -> list[Reply]:
    staff = bool(ctx.identity.roles & STAFF)
    if ctx.in_group and not staff:
        return [Reply(_("Trong nhóm chỉ cán bộ điều phối xem được danh sách người dùng; anh/chị vui lòng nhắn "
                        "riêng cho bot."))]
    if not args:
        if staff:
            return [await _everyone(ctx)]
        return [await _of_unit(ctx, ctx.catalog.units[u]) for u in ctx.identity.focal_units if u in ctx.catalog.units]
    units, steps = ctx.catalog.resolve_units(args, on=ctx.today)
    if not staff:
        mine = [u for u in units if u.id in ctx.identity.focal_units]
        if units and not mine:
            await record(ctx.session, ctx.actor, "access.denied", "members", units[0].code, member_id=ctx.member_id)
            return [Reply(_("Anh/chị chỉ xem được người dùng của đơn vị mình. Gõ /thanhvien để xem."))]
        units = mine
    if len(units) == 1:
        return with_note(succession_note(steps), [await _of_unit(ctx, units[0])])
    if len(units) > 1:
        options = tuple(ctx.button(f"{u.code} — {short(u.name, 40)}", MembersOfUnit(unit=u.id)) for u in units[:30])
        return [Reply(_("“{text}” khớp với nhiều đơn vị; chọn một:").format(text=short(args, 60)), options)]
    return [Reply(_("Không tìm thấy đơn vị “{text}”. Ví dụ: /thanhvien SCT hoặc /thanhvien Sở Công Thương").format(
        text=short(args, 60)))]


@dataclasses.dataclass(frozen=True, kw_only=True)
class MembersOfUnit(Button, prefix="tvm"):
    unit: int


@router.button(MembersOfUnit, roles=VIEWERS, in_groups=True)
async def members_choice(ctx: Context, button: MembersOfUnit) -> list[Reply]:
    """One unit picked among several that matched: the same rule as the command."""
    unit = ctx.catalog.units.get(button.unit)
    staff = bool(ctx.identity.roles & STAFF)
    if unit is None or (not staff and (ctx.in_group or unit.id not in ctx.identity.focal_units)):
        return [Reply(_("Anh/chị chỉ xem được người dùng của đơn vị mình. Gõ /thanhvien để xem."))]
    return [await _of_unit(ctx, unit)]


async def _everyone(ctx: Context) -> Reply:
    people = await registered(ctx.session, admins=ctx.config.admins)
    by_unit: dict[int | None, list[Registered]] = defaultdict(list)
    for person in people:
        for unit_id in dict.fromkeys(h.unit_id for h in person.holdings):
            by_unit[unit_id].append(person)
    lines = [_("👥 Người dùng bot: {n} người").format(n=len(people))]
    shown = 0
    groups = sorted(by_unit.items(), key=lambda kv: (kv[0] is not None, _unit_name(ctx, kv[0])))
    for unit_id, group in groups:
        if shown >= SHOWN:
            break
        lines += ["", f"■ {_unit_name(ctx, unit_id)}"]
        for person in group[:SHOWN - shown]:
            lines.append(_line(ctx, person, unit_id))
            shown += 1
    listed = sum(len(g) for _u, g in groups)
    if shown < listed:
        lines.append(_("… và {n} dòng khác. Gõ /thanhvien <đơn vị> để xem từng đơn vị.").format(n=listed - shown))
    if ctx.plans:
        covered = set(by_unit)
        empty = [u for u in await units_at(ctx.session, ctx.today, plan_ids=[p.id for p in ctx.plans])
                 if u.id not in covered]
        if empty:
            names = ", ".join(u.code for u in empty[:15]) + (_(" và {n} đơn vị khác").format(n=len(empty) - 15)
                                                              if len(empty) > 15 else "")
            lines += ["", _("Chưa có đầu mối ({n} đơn vị): {units}. Mời bằng /moi <đơn vị> đầu mối.").format(
                n=len(empty), units=names)]
    return Reply("\n".join(lines))


async def _of_unit(ctx: Context, unit: Unit) -> Reply:
    people = await registered(ctx.session, unit_ids=[unit.id])
    if not people:
        return Reply(_("{unit} chưa có ai đăng ký. Tạo mã mời: /moi {code} đầu mối").format(
            unit=unit.name, code=unit.code))
    lines = [_("👥 {unit}: {n} người").format(unit=unit.name, n=len(people))]
    lines += [_line(ctx, person, unit.id) for person in people[:SHOWN]]
    if len(people) > SHOWN:
        lines.append(_("… và {n} người khác.").format(n=len(people) - SHOWN))
    return Reply("\n".join(lines))


def _unit_name(ctx: Context, unit_id: int | None) -> str:
    if unit_id is None:
        return _("Điều phối, lãnh đạo, quản trị")
    unit = ctx.catalog.units.get(unit_id)
    return f"{unit.name} ({unit.code})" if unit else "?"


def _line(ctx: Context, person: Registered, unit_id: int | None) -> str:
    """"• #12 Trần Thị Bình — đầu mối · Telegram · từ 01/12/2025 · lần cuối 03/12/2025"."""
    roles = ", ".join(dict.fromkeys(
        role_label(h.role) + (" " + _("(chờ xác nhận)") if h.pending else "")
        for h in person.holdings if h.unit_id == unit_id))
    parts = [roles]
    if person.channels:
        parts.append("/".join(c.capitalize() for c in person.channels)
                     + (" " + _("(đã chặn bot)") if person.unreachable else ""))
    if since := person.since(unit_id):
        parts.append(_("từ {day}").format(day=format_date(since.astimezone(ctx.config.tz).date())))
    if person.last_seen:
        parts.append(_("lần cuối {day}").format(day=format_date(person.last_seen.astimezone(ctx.config.tz).date())))
    return f"• #{person.id} {person.member.display_name} — " + " · ".join(parts)


# --- revoking ------------------------------------------------------------------------------


@router.command("thuhoi", "revoke", roles=STAFF,
                help=N_("Thu hồi quyền của người đã nghỉ, chuyển công tác: /thuhoi <tên hoặc số trong /thanhvien>. "
                        "Thay đầu mối: /moi cho người mới, rồi /thuhoi người cũ"))
async def revoke_command(ctx: Context, args: str) -> list[Reply]:
    if not args:
        return [Reply(_("Ghi người cần thu hồi quyền: tên hoặc số trong /thanhvien. Ví dụ: /thuhoi Trần Thị Bình "
                        "hoặc /thuhoi 12"))]
    people = await registered(ctx.session, admins=ctx.config.admins)
    found = matching(people, args)
    if not found:
        if (number := number_of(args)) is not None and await ctx.session.get(Member, number) is not None:
            return [Reply(_("Người dùng #{n} không còn vai trò nào để thu hồi.").format(n=number))]
        return [Reply(_("Không tìm thấy người dùng “{text}”. Gõ /thanhvien để xem tên và số của từng người, rồi "
                        "/thuhoi <số>.").format(text=short(args, 60)))]
    if len(found) > 1:
        options = tuple(ctx.button(short(f"#{p.id} {p.member.display_name} — {_roles(ctx, p)}", 60),
                                   RevokeMember(member=p.id)) for p in found[:CHOICES])
        more = _(" (hiện {shown} người đầu; gõ thêm họ tên để thu hẹp)").format(shown=CHOICES) \
            if len(found) > CHOICES else ""
        return [Reply(_("“{text}” khớp với {n} người{more}; chọn người cần thu hồi quyền:").format(
            text=short(args, 60), n=len(found), more=more), options)]
    return await _revoke(ctx, found[0].id)


@dataclasses.dataclass(frozen=True, kw_only=True)
class RevokeMember(Button, prefix="thh"):
    member: int


@router.button(RevokeMember, roles=STAFF)
async def revoke_choice(ctx: Context, button: RevokeMember) -> list[Reply]:
    return await _revoke(ctx, button.member)


def _roles(ctx: Context, person: Registered) -> str:
    return ", ".join(role_label(h.role) + (f" {ctx.catalog.units[h.unit_id].code}" if h.unit_id in ctx.catalog.units
                                           else "") for h in person.holdings)


async def _revoke(ctx: Context, member_id: int) -> list[Reply]:
    who = await ctx.who_to_ask()
    by = Revoker(actor=ctx.actor, member_id=ctx.member_id, admins=ctx.config.admins, channels=ctx.config.channels,
                 default_locale=ctx.config.default_locale, contact=who)
    try:
        done = await revoke(ctx.session, member_id, by, now=ctx.now)
    except RevokeRefused as refused:
        return [Reply({
            "self": _("Anh/chị không tự thu hồi quyền của mình được; nhờ một cán bộ điều phối khác làm việc này."),
            "configured_admin": _("Người này là quản trị viên do cấu hình NHACVIEC_ADMINS; bỏ tài khoản của họ khỏi "
                                  "cấu hình đó (quản trị viên hệ thống làm) thì mới thu hồi được."),
            "last_admin": _("Không thu hồi được: đây là quản trị viên cuối cùng. Cần có quản trị viên khác trước."),
            "nothing": _("Người dùng #{n} không còn vai trò nào để thu hồi.").format(n=member_id),
        }[refused.reason])]
    if done.files and ctx.config.files_dir is not None:
        await ctx.release()  # the rows are gone for good before their bytes go
        store = FileStore(ctx.config.files_dir)
        for sha256 in await unreferenced(ctx.session, done.files):
            await asyncio.to_thread(store.remove, sha256)
    return [Reply(_said(done))]


def _said(done: Revoked) -> str:
    lines = [_("Đã thu hồi quyền của {name} ({roles}). Báo cáo họ đã gửi vẫn được giữ; từ tin nhắn tiếp theo họ "
               "không dùng được bot nữa.").format(name=done.member.display_name, roles=held(done.roles))]
    if done.drafts:
        lines.append(_("Đã bỏ bản báo cáo họ đang nhập dở."))
    lines.append(_("Bot đã gửi thông báo cho họ.") if done.told else
                 _("Bot không báo được cho họ: {reason}.").format(reason=done.not_told))
    for unit in done.orphaned:
        lines.append(_("{unit} không còn đầu mối nào: mời người thay bằng /moi {code} đầu mối.").format(
            unit=unit.name, code=unit.code))
    return "\n".join(lines)
