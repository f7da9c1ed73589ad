"""After a merger: a focal point of the old unit says whether they now speak for its successor.

The reorganisation loader (models/reorg.py) gives each such person a pending grant on the successor;
the reminder tick asks them once (jobs/tick.py, with `ConfirmSuccession` buttons), and /xacnhan asks again
whenever they like. Until they answer, coordinators see them as "chờ xác nhận".
"""

from __future__ import annotations

from handlers.core import REGISTERED, Context, Router
from locales import N_, _
from models.callbacks import ConfirmSuccession
from models.chat import Reply
from models.registry import pending_successions
from models.store.audit import record
from models.store.tables import GrantStatus, RoleGrant, Unit
from models.wording import succession_question

router = Router()


@router.command("xacnhan", "confirm", roles=REGISTERED, help=N_("Xác nhận làm đầu mối cho đơn vị sau hợp nhất"),
                menu=False)
async def confirm(ctx: Context, args: str) -> list[Reply]:
    found = await pending_successions(ctx.session, ctx.today, member_id=ctx.member_id)
    if not found:
        return [Reply(_("Anh/chị không có phân công nào đang chờ xác nhận."))]
    return [succession_question(p) for p in found]


@router.button(ConfirmSuccession, roles=REGISTERED)
async def answer(ctx: Context, button: ConfirmSuccession) -> list[Reply]:
    grant = await ctx.session.get(RoleGrant, button.grant)
    choice = button.answer
    # The button names a grant: only its own member may answer it, and only once.
    if grant is None or grant.member_id != ctx.member_id:
        return [Reply(_("Lựa chọn không hợp lệ. Gõ /xacnhan để xem các phân công chờ xác nhận."))]
    unit = await ctx.session.get(Unit, grant.unit_id) if grant.unit_id else None
    name = ctx.name_of(unit)
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
