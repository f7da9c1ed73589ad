"""The digest's chart, for a leader who has thirty seconds: per unit in force today, the share of its reports
received, not yet due and overdue (rates, so that a unit holding many obligations does not look worse); and
each target's milestones with the figure reached.

Units that have merged are counted under their successor: the unit a leader can call today. Names, not codes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.typing import RcKeyType

from jobs.digest import Digest, number
from locales import _, format_date
from models.rules.text import clean
from models.wording import MILESTONE_OP, short

RECEIVED, NOT_DUE, OVERDUE = "#2e7d32", "#bdbdbd", "#e53935"
TARGET, TARGET_MISSED = "#5e35b1", "#e53935"

# Labels are data (unit and target names from plan files, older rows): drawn as written, never as
# mathtext, where one "$" in a name fails the whole figure.
PLAIN_TEXT: dict[RcKeyType, Any] = {"text.parse_math": False}


@dataclass
class UnitShare:
    name: str
    received: int = 0
    not_due: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return self.received + self.not_due + self.overdue

    @property
    def rate(self) -> float:
        """The share of its reports already due that came in (1.0 when none is due yet)."""
        due = self.received + self.overdue
        return self.received / due if due else 1.0


def unit_shares(d: Digest) -> list[UnitShare]:
    """Per unit in force today, its items in the digest's rounds and overdue, lowest rate first."""
    shares: dict[str, UnitShare] = {}
    for item in d.items:
        if item.exempt:  # not owed (models/exceptions.py): neither received nor missing
            continue
        name = clean(d.unit_today(item.obligation))
        share = shares.setdefault(name, UnitShare(name))
        if item.reported:
            share.received += 1
        elif item.obligation.due < d.today:
            share.overdue += 1
        else:
            share.not_due += 1
    return sorted(shares.values(), key=lambda s: (s.rate, -s.overdue, s.name))


def render(d: Digest) -> bytes:
    with matplotlib.rc_context(PLAIN_TEXT):
        figure = draw(d)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


def draw(d: Digest) -> Figure:
    """The chart as a figure; `render` makes it a PNG. A plain Figure, not pyplot's: pyplot keeps global
    state, and digests are drawn in threads (jobs/runner.py); nothing is left open afterwards."""
    units = unit_shares(d)
    targets = _target_rows(d)
    height = max(4.5, 0.36 * max(len(units), 2 * len(targets)) + 2.0)
    figure = Figure(figsize=(13, height))
    left, right = figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    with matplotlib.rc_context(PLAIN_TEXT):
        figure.suptitle(clean(_("Bản tin tuần — {plan} — ngày {day}").format(
            plan=d.plan.short or d.plan.code, day=format_date(d.today))), fontsize=13, fontweight="bold")
        _units(left, units)
        _targets(right, targets)
        figure.tight_layout()
    return figure


def _units(left: Axes, units: list[UnitShare]) -> None:
    names = [short(u.name, 38) for u in units]
    parts = [(_("Đã nhận"), RECEIVED, [u.received for u in units]),
             (_("Chưa đến hạn"), NOT_DUE, [u.not_due for u in units]),
             (_("Quá hạn"), OVERDUE, [u.overdue for u in units])]
    start = [0.0] * len(units)
    for label, colour, counts in parts:
        widths = [100 * c / u.total if u.total else 0.0 for c, u in zip(counts, units, strict=True)]
        left.barh(names, widths, left=start, color=colour, label=label)
        start = [a + b for a, b in zip(start, widths, strict=True)]
    for row, unit in enumerate(units):
        due = unit.received + unit.overdue
        note = _("{received}/{due} đã nhận").format(received=unit.received, due=due) if due else _("chưa đến hạn")
        left.text(101, row, note, va="center", fontsize=8)
    left.set_xlim(0, 125)
    left.set_xlabel(_("% báo cáo của đơn vị"))
    left.invert_yaxis()
    left.set_title(_("Tỷ lệ nhận báo cáo theo đơn vị"), fontsize=10)
    left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=8, frameon=False)
    if not units:
        left.text(50, 0, _("Không có kỳ báo cáo nào đang mở."), ha="center")


@dataclass
class TargetRow:
    label: str
    percent: float
    note: str
    missed: bool


def _target_rows(d: Digest) -> list[TargetRow]:
    rows = []
    for t in d.targets:
        for m in d.milestones(t):  # every milestone: 2025 and 2030 are both worth seeing
            label = clean(f"{short(t.name, 34)}\n" + _("mốc {year} {op} {goal}").format(
                year=m.year, op=MILESTONE_OP.get(m.op, m.op), goal=f"{number(m.goal)} {t.measure}".strip()))
            if m.value is None:
                rows.append(TargetRow(label, 0.0, _("chưa có số liệu"), False))
                continue
            figure = f"{number(m.value)} {t.measure}".strip()
            verdict = (_("đã đạt") if m.reached else _("chưa đạt")) if m.passed else _("đến nay")
            percent = float(m.value * 100 / m.goal) if m.goal else 0.0
            rows.append(TargetRow(label, max(0.0, percent), f"{figure} — {verdict}", m.passed and not m.reached))
    return rows


def _targets(right: Axes, rows: list[TargetRow]) -> None:
    if not rows:
        right.axis("off")
        return
    bars = right.barh([r.label for r in rows], [min(r.percent, 150.0) for r in rows], height=0.5,
                      color=[TARGET_MISSED if r.missed else TARGET for r in rows])
    for bar, row in zip(bars, rows, strict=True):
        right.text(bar.get_width() + 2, bar.get_y() + bar.get_height() / 2, clean(row.note), va="center", fontsize=8)
    right.axvline(100, color="#333333", linewidth=1)
    right.set_xlim(0, 230)
    right.set_xlabel(_("% so với mốc"))
    right.tick_params(axis="y", labelsize=8)
    right.invert_yaxis()
    right.set_title(_("Mục tiêu của kế hoạch"), fontsize=10)
