"""Earlier years' figures of a target, entered by hand by a coordinator.

A plan's cumulative targets count from its start (2021 for the Vĩnh Long plan), but deadlines are followed
only from the day the bot first loaded the plan (Plan.track_from): the years before have no reports in the
bot. A coordinator enters each of those years' figures per target, from the province's own reports (the
source note says which), in chat (/nhapso) or on the command line (`nhacviec baseline set`). The figure is
the year's for the whole province: models/year_targets.py counts it in place of that year's reports, and
the digest and the workbook mark it as entered by hand.

Only years before the one tracking starts in may be entered: from then on the figures come from reports.
Entering a year again replaces its figure (the audit log keeps who entered what).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from locales import _
from models.rules.text import fold
from models.store.audit import record
from models.store.tables import Plan, Target, TargetBaseline

MAX_SOURCE = 300


class BaselineError(ValueError):
    """What is wrong with an entry, in words for the person who typed it."""


@dataclass(frozen=True, kw_only=True)
class Entered:
    target: Target
    baseline: TargetBaseline
    replaced: Decimal | None  # the figure it replaced, if the year had one


def years_open(plan: Plan) -> range:
    """The years a figure may be entered for: from the plan's start to the year before tracking starts."""
    return range(plan.start.year, plan.track_from.year)


async def targets_of(session: AsyncSession, plan: Plan) -> list[Target]:
    return list((await session.exec(select(Target).where(Target.plan_id == plan.id, Target.active)
                                    .order_by(col(Target.id)))).all())


def find_target(targets: list[Target], text: str) -> Target | None:
    """A target by its code, loosely ("dn_ho_tro" = "DN_HO_TRO")."""
    key = fold(text)
    return next((t for t in targets if fold(t.code) == key), None)


def read_value(text: str) -> Decimal:
    """A figure as people write it, the Vietnamese way as /bc reads it: "12", "8,3", "8.3", and "1.250" (dots
    grouping thousands) is one thousand two hundred and fifty."""
    cleaned = text.strip().rstrip("%")
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+", cleaned):
        cleaned = cleaned.replace(".", "")
    try:
        # Digits and one mark only: Decimal alone would also read "1_000", "1e3" or "NaN", which nobody writes.
        if not re.fullmatch(r"-?\d+([.,]\d+)?", cleaned):
            raise InvalidOperation(cleaned)
        value = Decimal(cleaned.replace(",", "."))
    except InvalidOperation as error:
        raise BaselineError(_("“{text}” không phải một con số (ví dụ 12 hoặc 8,3).").format(text=text[:30])) \
            from error
    if not value.is_finite() or abs(value) >= Decimal("1e14"):
        raise BaselineError(_("“{text}” không phải một con số hợp lệ.").format(text=text[:30]))
    return value


async def enter(session: AsyncSession, plan: Plan, *, target_code: str, year: int, value: Decimal,
                source_note: str, entered_by: str, member_id: int | None, now: datetime) -> Entered:
    """Record (or replace) `year`'s figure of a target; BaselineError says what is wrong."""
    targets = await targets_of(session, plan)
    target = find_target(targets, target_code)
    if target is None:
        raise BaselineError(_("Kế hoạch {plan} không có mục tiêu “{code}”. Các mục tiêu: {codes}.").format(
            plan=plan.short or plan.code, code=target_code[:40], codes=", ".join(t.code for t in targets) or "–"))
    allowed = years_open(plan)
    if year not in allowed:
        if not allowed:
            raise BaselineError(_("Kế hoạch {plan} được theo dõi từ năm đầu ({first}): không có năm nào trước đó "
                                  "để nhập số liệu.").format(plan=plan.short or plan.code, first=plan.start.year))
        raise BaselineError(_("Chỉ nhập được số liệu các năm {first}–{last} (trước khi bot theo dõi kế hoạch từ "
                              "{day}); từ đó số liệu lấy từ báo cáo của các đơn vị.").format(
            first=allowed[0], last=allowed[-1], day=plan.track_from.strftime("%d/%m/%Y")))
    if target.aggregate == "sum" and value < 0:
        raise BaselineError(_("Mục tiêu {code} cộng dồn: số liệu một năm không âm.").format(code=target.code))
    note = " ".join(source_note.split())
    if not note:
        raise BaselineError(_("Thiếu nguồn số liệu: ghi số liệu lấy từ đâu, ví dụ “Báo cáo 45/BC-SKHCN ngày "
                              "20/12/2021”."))
    if len(note) > MAX_SOURCE:
        raise BaselineError(_("Nguồn số liệu dài quá {n} ký tự; ghi ngắn gọn số, ngày văn bản.").format(
            n=MAX_SOURCE))
    row = await session.get(TargetBaseline, (target.id, year))
    replaced = Decimal(row.value) if row is not None else None
    if row is None:
        row = TargetBaseline(target_id=target.id, year=year, value=value, source_note=note, entered_by=entered_by,
                             member_id=member_id, entered_at=now)
    else:
        row.value, row.source_note, row.entered_by, row.member_id, row.entered_at = (
            value, note, entered_by, member_id, now)
    session.add(row)
    await record(session, entered_by, "target.baseline", "target", f"{target.code} {year}",
                 {"value": _plain(value), "source": note,
                  "replaced": _plain(replaced) if replaced is not None else None},
                 member_id=member_id)
    await session.flush()
    return Entered(target=target, baseline=row, replaced=replaced)


def _plain(value: Decimal) -> str:
    """"6", "8.3", "600": as typed, without the database's trailing zeros or an exponent."""
    return format(value.normalize(), "f")


async def baselines_of(session: AsyncSession, plan: Plan) -> list[tuple[Target, TargetBaseline]]:
    """Every figure entered by hand for `plan`'s targets, by target then year."""
    rows = (await session.exec(
        select(Target, TargetBaseline).join(TargetBaseline, col(TargetBaseline.target_id) == Target.id)
        .where(Target.plan_id == plan.id, Target.active).order_by(col(Target.id), col(TargetBaseline.year)))).all()
    return [(t, b) for t, b in rows]
