"""After a merger: a focal point of the old unit says whether they now speak for its successor.

From the day of the merger, every focal point of the old unit is asked (models.registry.pending_successions
derives who, whenever they registered): the reminder tick asks once (jobs/tick.py, with `ConfirmSuccession`
buttons, which name their grant on the old unit), and /xacnhan asks again whenever they like. The answer is
their grant on the successor, active or revoked. Until they answer, coordinators see them as "chờ xác nhận".
"""

from __future__ import annotations

from sqlmodel import col, select

from handlers.core import REGISTERED, Context, Router
from locales import N_, _
from models.callbacks import ConfirmSuccession
from models.chat import Reply
from models.registry import current_of, pending_successions
from models.store.audit import record
from models.store.tables import GrantStatus, Role, RoleGrant
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
    # The button names the person's grant on the old unit: only its own member may answer, and only once.
    if grant is None or grant.member_id != ctx.member_id or grant.unit_id not in ctx.catalog.units:
        return [Reply(_("Lựa chọn không hợp lệ. Gõ /xacnhan để xem các phân công chờ xác nhận."))]
    asked = [p for p in await pending_successions(ctx.session, ctx.today, member_id=ctx.member_id)
             if p.grant.id == grant.id]
    if not asked:
        current = current_of(ctx.catalog.units, ctx.catalog.units[grant.unit_id], ctx.today)
        earlier = await _answer_for(ctx, current.id) if current is not None else None
        if earlier is None:
            return [Reply(_("Lựa chọn không hợp lệ. Gõ /xacnhan để xem các phân công chờ xác nhận."))]
        done = _("đã xác nhận") if earlier.status == GrantStatus.active else _("đã từ chối")
        return [Reply(_("Phân công đầu mối {unit} {done} trước đó; không thay đổi gì.").format(
            unit=ctx.name_of(current), done=done))]
    pending = asked[0]
    unit, name = pending.current, ctx.name_of(pending.current)
    # The answer is the person's grant on the successor (a "pending" one made by an earlier release is reused).
    answer_grant = await _answer_for(ctx, unit.id, pending_too=True) or RoleGrant(
        member_id=grant.member_id, role=Role.focal, unit_id=unit.id,
        granted_by=f"succession:{pending.former.code}→{unit.code}")
    answer_grant.status = GrantStatus.active if choice == "yes" else GrantStatus.revoked
    if choice == "no":
        answer_grant.revoked_at = ctx.now
    ctx.session.add(answer_grant)
    await ctx.session.flush()
    await record(ctx.session, ctx.actor, "succession.confirm" if choice == "yes" else "succession.decline",
                 "unit", unit.code, {"grant": answer_grant.id, "former": pending.former.code}, member_id=ctx.member_id)
    if choice == "yes":
        return [Reply(_("Đã xác nhận: anh/chị là đầu mối báo cáo của {unit}. Gõ /baocao để xem và báo cáo các "
                        "nhiệm vụ của đơn vị.").format(unit=name))]
    who = await ctx.who_to_ask()
    return [Reply(_("Đã ghi nhận: anh/chị không làm đầu mối của {unit}. Báo cáo cũ của đơn vị trước vẫn được giữ. "
                    "Người phụ trách mới cần mã mời từ {who}.").format(unit=name, who=who))]


async def _answer_for(ctx: Context, unit_id: int, *, pending_too: bool = False) -> RoleGrant | None:
    """The person's focal grant on `unit_id` that answers the question (active: yes, revoked: no)."""
    statuses = [GrantStatus.active, GrantStatus.revoked, *([GrantStatus.pending] if pending_too else [])]
    return (await ctx.session.exec(select(RoleGrant).where(
        RoleGrant.member_id == ctx.member_id, RoleGrant.unit_id == unit_id, RoleGrant.role == Role.focal,
        col(RoleGrant.status).in_(statuses)).order_by(col(RoleGrant.id)))).first()
