"""Who owes which report when, kept per process between messages.

Every one-line report asks "what can this unit report on now?", and the answer's obligations (periods,
deadlines after extensions, owners after mergers, exemptions) change only when a plan or reorganisation
file is loaded, or a coordinator extends or exempts: far less often than reports arrive. The rows are
kept here keyed by the question and by the catalog and obligations revisions the asking message read
(models/store/revisions.py: any change to those tables, in any process, moves a counter in the same
transaction), so a message never sees rows older than what it read the revisions at. Reports are not
kept: they change with every message and are read fresh (models/status.py).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel.ext.asyncio.session import AsyncSession

from models.obligations import FAR_FUTURE, Obligation, obligations
from models.store.revisions import Revisions

_Key = tuple[int, int, tuple[int, ...], date, date, date, bool, tuple[tuple[str, tuple[int, ...]], ...]]


class ObligationCache:
    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._known: OrderedDict[_Key, list[Obligation]] = OrderedDict()

    def at(self, revision: Revisions) -> Obligations:
        """The obligations as of the revisions a message read (at the start of its transaction)."""
        return Obligations(self, revision)

    async def _get(self, session: AsyncSession, revision: Revisions, plan_ids: Sequence[int], *, due_from: date,
                   due_to: date, as_of: date, followed_only: bool, filters: dict[str, Sequence[int] | None]
                   ) -> list[Obligation]:
        given = tuple(sorted((name, tuple(sorted(values))) for name, values in filters.items() if values is not None))
        key: _Key = (revision.catalog, revision.obligations, tuple(sorted(plan_ids)), due_from, due_to, as_of,
                     followed_only, given)
        found = self._known.get(key)
        if found is None:
            found = await obligations(session, plan_ids, due_from=due_from, due_to=due_to, as_of=as_of,
                                      followed_only=followed_only, **filters)
            self._known[key] = found
            if len(self._known) > self._size:
                self._known.popitem(last=False)  # the least recently asked (older revisions age out first)
        else:
            self._known.move_to_end(key)
        return found


@dataclass(frozen=True)
class Obligations:
    """`models.obligations.obligations`, answered from the cache at one message's revisions."""

    cache: ObligationCache
    revision: Revisions

    async def __call__(self, session: AsyncSession, plan_ids: Sequence[int], *, due_from: date, due_to: date,
                       as_of: date = FAR_FUTURE, followed_only: bool = False, **filters: Sequence[int] | None
                       ) -> list[Obligation]:
        return await self.cache._get(session, self.revision, plan_ids, due_from=due_from, due_to=due_to,
                                     as_of=as_of, followed_only=followed_only, filters=filters)
