"""Finding the unit or task a person means from what they typed.

Matching is loose (models.text.fold): "so khcn", "Sở KH&CN" and "SKHCN" all find one unit; "ii3",
"II.3" and "2.3" all find task II.3. Several candidates are returned as they are: the caller asks
the person to choose rather than guess.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import and_, or_
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.tables import Task, Unit, UnitAlias
from models.text import fold

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}
_LEADING_ROMAN = re.compile(r"^(x|ix|viii|vii|vi|v|iv|iii|ii|i)(?=[^a-z]|$)", re.IGNORECASE)


def task_keys(code: str) -> set[str]:
    """Keys under which a task code may be typed: "IV.1.a" → {"iv1a", "41a"}."""
    keys = {fold(code)}
    match = _LEADING_ROMAN.match(code.strip())
    if match:
        keys.add(fold(str(_ROMAN[match.group(1).lower()]) + code.strip()[match.end():]))
    return {k for k in keys if k}


async def find_tasks(session: AsyncSession, plan_id: int, text: str) -> list[Task]:
    key = fold(text)
    if not key:
        return []
    tasks = (await session.exec(select(Task).where(Task.plan_id == plan_id, Task.active).order_by(Task.id))).all()
    return [t for t in tasks if key in task_keys(t.code)]


def _in_force(day: date | None):
    if day is None:
        return Unit.active
    return and_(Unit.active, or_(Unit.valid_from.is_(None), Unit.valid_from <= day),
                or_(Unit.valid_to.is_(None), Unit.valid_to >= day))


async def find_units(session: AsyncSession, plan_id: int, text: str, *, on: date | None = None) -> list[Unit]:
    """Units whose code, name or alias is `text` (loosely); failing that, whose name contains it."""
    key = fold(text)
    if not key:
        return []
    exact = (await session.exec(
        select(Unit).join(UnitAlias, UnitAlias.unit_id == Unit.id)
        .where(Unit.plan_id == plan_id, UnitAlias.norm == key, _in_force(on)).distinct().order_by(Unit.id))).all()
    if exact:
        return list(exact)
    if len(key) < 2:
        return []
    aliases = (await session.exec(
        select(UnitAlias.norm, Unit).join(Unit, Unit.id == UnitAlias.unit_id)
        .where(Unit.plan_id == plan_id, _in_force(on)).order_by(Unit.id))).all()
    found: dict[int, Unit] = {}
    for norm, unit in aliases:
        if key in norm:
            found.setdefault(unit.id, unit)
    return list(found.values())
