"""After a merger: a focal point of the old unit says whether they now speak for its successor.

The reorganisation loader (models/reorg.py) gives each such person a pending grant on the successor;
the reminder tick asks them once (jobs/tick.py, buttons `cf:<grant>:yes|no`), and /xacnhan asks again
whenever they like. Until they answer, coordinators see them as "chờ xác nhận".
"""

from __future__ import annotations

from handlers.core import REGISTERED, Context, Router
from locales import N_, _, format_date
from models.chat import Option, Reply
from models.registry import PendingSuccession, pending_successions
from models.store.audit import record
from models.store.tables import GrantStatus, RoleGrant, Unit

router = Router()


def question(pending: PendingSuccession) -> Reply:
    """The question and its two buttons (also what the tick sends)."""
    p = pending
    if p.event.kind == "retire":
        text = _("Từ {day}, {former} kết thúc hoạt động; nhiệm vụ của đơn vị chuyển về {current}.").format(
            day=format_date(p.event.day), former=p.former.name, current=p.current.name)
    else:
        text = _("Từ {day}, {former} đã hợp nhất vào {current}.").format(
            day=format_date(p.event.day), former=p.former.name, current=p.current.name)
    text += "\n" + _("Anh/chị có tiếp tục làm đầu mối báo cáo cho {current} không?").format(current=p.current.name)
    return Reply(text, (Option(_("Có, tôi tiếp tục"), f"cf:{p.grant.id}:yes"),
                        Option(_("Không, người khác phụ trách"), f"cf:{p.grant.id}:no")))


@router.command("xacnhan", "confirm", roles=REGISTERED, help=N_("Xác nhận làm đầu mối cho đơn vị sau hợp nhất"),
                menu=False)
async def confirm(ctx: Context, args: str) -> list[Reply]:
    if ctx.in_group:
        return [Reply(_("Lệnh này dùng trong tin nhắn riêng với bot."))]
    found = await pending_successions(ctx.session, ctx.today, member_id=ctx.member_id)
    if not found:
        return [Reply(_("Anh/chị không có phân công nào đang chờ xác nhận."))]
    return [question(p) for p in found]


@router.choice("cf", roles=REGISTERED)
async def answer(ctx: Context, value: str) -> list[Reply]:
    grant_id, _sep, choice = value.partition(":")
    grant = await ctx.session.get(RoleGrant, int(grant_id)) if grant_id.isdigit() else None
    # The button names a grant: only its own member may answer it, and only once.
    if grant is None or grant.member_id != ctx.member_id or choice not in ("yes", "no"):
        return [Reply(_("Lựa chọn không hợp lệ. Gõ /xacnhan để xem các phân công chờ xác nhận."))]
    unit = await ctx.session.get(Unit, grant.unit_id) if grant.unit_id else None
    name = unit.name if unit else "?"
    if grant.status != GrantStatus.pending:
        done = _("đã xác nhận") if grant.status == GrantStatus.active else _("đã từ chối")
        return [Reply(_("Phân công đầu mối {unit} {done} trước đó; không thay đổi gì.").format(unit=name, done=done))]
    grant.status = GrantStatus.active if choice == "yes" else GrantStatus.revoked
    if choice == "no":
        grant.revoked_at = ctx.now
    ctx.session.add(grant)
    await record(ctx.session, ctx.actor, "succession.confirm" if choice == "yes" else "succession.decline",
                 "unit", unit.code if unit else "", {"grant": grant.id}, member_id=ctx.member_id)
    if choice == "yes":
        return [Reply(_("Đã xác nhận: anh/chị là đầu mối báo cáo của {unit}. Gõ /baocao để xem và báo cáo các "
                        "nhiệm vụ của đơn vị.").format(unit=name))]
    who = await ctx.who_to_ask()
    return [Reply(_("Đã ghi nhận: anh/chị không làm đầu mối của {unit}. Báo cáo cũ của đơn vị trước vẫn được giữ. "
                    "Người phụ trách mới cần mã mời từ {who}.").format(unit=name, who=who))]
