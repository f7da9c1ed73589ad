"""Finding the plans a command is about: every plan followed, or the one it names."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from locales import _
from models.store import revisions
from models.store.audit import record
from models.store.tables import Plan


class PlanNotFound(LookupError):
    pass


class AlreadyDone(ValueError):
    """Retiring a retired plan, or following again one that is followed."""


async def followed_plans(session: AsyncSession) -> list[Plan]:
    """The plans the province follows now (retired plans are kept, not followed)."""
    return list((await session.exec(select(Plan).where(col(Plan.retired_at).is_(None)).order_by(Plan.code))).all())


async def find_plan(session: AsyncSession, code: str) -> Plan:
    """The plan with this code, followed or retired."""
    plan = (await session.exec(select(Plan).where(Plan.code == code))).first()
    if plan is None:
        codes = ", ".join(p.code for p in (await session.exec(select(Plan).order_by(Plan.code))).all()) or "–"
        raise PlanNotFound(_("Không có kế hoạch mã '{code}' (đang có: {codes}).").format(code=code, codes=codes))
    return plan


async def chosen_plans(session: AsyncSession, code: str | None = None) -> list[Plan]:
    """The plan `--plan CODE` names, or every plan followed; never an empty list."""
    if code:
        return [await find_plan(session, code)]
    plans = await followed_plans(session)
    if not plans:
        raise PlanNotFound(_("Chưa nạp kế hoạch nào. Chạy `nhacviec plan load TỆP` hoặc `nhacviec run`."))
    return plans


async def retire_plan(session: AsyncSession, code: str, *, now: datetime, actor: str, undo: bool = False) -> Plan:
    """Stop following a plan (or, with `undo`, follow it again). Nothing is deleted: its periods, reports and
    history stay readable; it just leaves every list, reminder and digest of the plans followed."""
    plan = await find_plan(session, code)
    if (plan.retired_at is None) == undo:
        raise AlreadyDone(_("Kế hoạch {code} đang được theo dõi.").format(code=plan.code) if undo else
                          _("Kế hoạch {code} đã kết thúc theo dõi trước đó.").format(code=plan.code))
    plan.retired_at = None if undo else now
    await revisions.bump(session, revisions.CATALOG)  # running bots rebuild their catalog
    await record(session, actor, "plan.unretire" if undo else "plan.retire", "plan", plan.code)
    await session.commit()
    return plan
