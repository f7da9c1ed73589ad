"""What loading a plan or reorganisation file changed, and the end of every load: commit, audited, or
(a dry run) nothing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from models.store import revisions
from models.store.audit import record


@dataclass(frozen=True)
class Change:
    action: str  # add | update | retire | remove
    entity: str  # plan | unit | alias | target | milestone | indicator | schedule | period | task | …
    key: str
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass
class LoadResult:
    code: str  # the plan's or the reorganisation's
    changes: list[Change]
    dry_run: bool
    kind: str = "plan"  # plan | reorg
    path: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.changes)


async def finish_load(session: AsyncSession, changes: list[Change], *, dry_run: bool, actor: str, action: str,
                      entity: str, entity_id: str, detail: dict[str, Any]) -> None:
    """The end of loading a plan or reorganisation file: commit what changed, audited, or (dry run) nothing."""
    if changes:  # the running bots' catalogs (models/catalog.py) see the revision move and rebuild
        await revisions.bump(session, revisions.CATALOG)
        await session.flush()
        if not dry_run:
            await record(session, actor, action, entity, entity_id, detail)
    if dry_run:
        await session.rollback()
    else:
        await session.commit()


def summarise(changes: Iterable[Change]) -> dict[str, dict[str, int]]:
    summary: dict[str, dict[str, int]] = {}
    for change in changes:
        bucket = summary.setdefault(change.entity, {})
        bucket[change.action] = bucket.get(change.action, 0) + 1
    return summary


