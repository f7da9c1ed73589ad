"""Support units' contributions ("đóng góp"): what a unit listed as support for a task sends about one of the
lead's periods. Stored apart from reports, so it never counts as the lead's report and no reminder, overdue
list or late flag ever sees it; it is shown beside the lead's report (status, workbook)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import tuple_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.store.tables import Contribution, ReportStatus, Unit
from models.wording import short, status_label


async def contribute(session: AsyncSession, *, task_id: int, period_id: int, unit_id: int, member_id: int | None,
                     channel: str, status: str, percent: int | None, note: str, raw_text: str,
                     at: datetime) -> Contribution:
    row = Contribution(task_id=task_id, period_id=period_id, unit_id=unit_id, member_id=member_id, channel=channel,
                       status=status, percent=percent, note=note, raw_text=raw_text, submitted_at=at)
    session.add(row)
    await session.flush()
    return row


async def beside(session: AsyncSession, pairs: Iterable[tuple[int, int]]
                 ) -> dict[tuple[int, int], list[tuple[Contribution, Unit]]]:
    """The latest contribution of each support unit, for each (task, period), with its unit; by unit code."""
    wanted = sorted(set(pairs))
    found: dict[tuple[int, int], dict[int, tuple[Contribution, Unit]]] = {}
    for start in range(0, len(wanted), 400):
        chunk = wanted[start:start + 400]
        rows = (await session.exec(
            select(Contribution, Unit).join(Unit, col(Unit.id) == Contribution.unit_id)
            .where(tuple_(Contribution.task_id, Contribution.period_id).in_(chunk))
            .order_by(col(Contribution.submitted_at), col(Contribution.id)))).all()
        for contribution, unit in rows:  # later rows replace earlier ones: the latest per unit stays
            found.setdefault((contribution.task_id, contribution.period_id), {})[unit.id] = (contribution, unit)
    return {key: sorted(by_unit.values(), key=lambda pair: pair[1].code) for key, by_unit in found.items()}


def summary(contribution: Contribution) -> str:
    """"Đang thực hiện 80% “Đã phối hợp…”"."""
    state = status_label(contribution.status)
    if contribution.percent is not None and contribution.status != ReportStatus.done:
        state += f" {contribution.percent}%"
    return state + (f" “{short(contribution.note, 80)}”" if contribution.note else "")


async def texts_beside(session: AsyncSession, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """For the workbooks: "SCT: Đang thực hiện 80% “…”; SNNPTNT: …" per (task, period)."""
    return {key: "; ".join(f"{unit.code}: {summary(c)}" for c, unit in found)
            for key, found in (await beside(session, pairs)).items()}
