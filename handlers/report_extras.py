"""What is shown with a unit's report besides the report itself: its evidence files ("📎 2 tệp") and the
support units' contributions for the same task and period (issue 14 §3, §4). Read for a whole list at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from handlers.core import Context
from locales import _
from models.contributions import beside, summary
from models.evidence import counts
from models.status import Item


@dataclass
class Extras:
    files: dict[tuple[int, int], int] = field(default_factory=dict)  # (assignment, period) → files
    contributions: dict[tuple[int, int], list[str]] = field(default_factory=dict)  # (task, period) → lines

    def files_note(self, item: Item) -> str:
        """" · 📎 2 tệp" after a report's summary, or ""."""
        n = self.files.get((item.obligation.assignment_id, item.obligation.period_id), 0)
        return " · " + _("📎 {n} tệp").format(n=n) if n else ""

    def lines(self, item: Item) -> list[str]:
        return self.contributions.get((item.obligation.task_id, item.obligation.period_id), [])


async def extras_for(ctx: Context, items: Sequence[Item]) -> Extras:
    reported = [(i.obligation.assignment_id, i.obligation.period_id) for i in items if i.report is not None]
    found = await beside(ctx.session, [(i.obligation.task_id, i.obligation.period_id) for i in items])
    lines: dict[tuple[int, int], list[str]] = {}
    for key, pairs in found.items():
        for contribution, unit in pairs:
            lines.setdefault(key, []).append("↳ " + _("Đóng góp của {unit} (phối hợp): {summary}").format(
                unit=unit.code, summary=summary(contribution)))
    return Extras(files=await counts(ctx.session, reported) if reported else {}, contributions=lines)
