"""Finding the plan a command is about."""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from locales import _
from models.store.tables import Plan


class PlanNotFound(LookupError):
    pass


async def find_plan(session: AsyncSession, code: str | None = None) -> Plan:
    """The plan named `code`, or the only plan loaded."""
    if code:
        plan = (await session.exec(select(Plan).where(Plan.code == code))).first()
        if plan is None:
            raise PlanNotFound(_("Không có kế hoạch mã '{code}' trong cơ sở dữ liệu.").format(code=code))
        return plan
    plans = (await session.exec(select(Plan).order_by(Plan.code))).all()
    if not plans:
        raise PlanNotFound(_("Chưa nạp kế hoạch nào. Chạy `nhacviec plan load TỆP` hoặc `nhacviec run`."))
    if len(plans) > 1:
        raise PlanNotFound(_("Có nhiều kế hoạch ({codes}); chọn một bằng --plan MÃ.").format(
            codes=", ".join(p.code for p in plans)))
    return plans[0]
