"""The digest's chart: status of the open rounds by unit, and progress toward the plan's targets."""

from __future__ import annotations

import io
from collections import Counter, defaultdict

import matplotlib

matplotlib.use("Agg")  # no screen on a server

from matplotlib import pyplot as plt
from matplotlib.axes import Axes

from jobs.digest import Digest, number
from locales import _
from models.rules.text import clean
from models.store.tables import ReportStatus
from models.wording import MILESTONE_OP, STATUS

ORDER = [ReportStatus.done, ReportStatus.in_progress, ReportStatus.blocked, ReportStatus.not_started, None]
COLOURS = {ReportStatus.done: "#2e7d32", ReportStatus.in_progress: "#1976d2", ReportStatus.blocked: "#f9a825",
           ReportStatus.not_started: "#9e9e9e", None: "#e53935"}


# Labels are data (unit and target codes from plan files, older rows): drawn as written, never as
# mathtext, where one "$" in a code fails the whole figure.
PLAIN_TEXT = {"text.parse_math": False}


def render(d: Digest) -> bytes:
    counts: dict[str, Counter] = defaultdict(Counter)
    for item in d.items:
        counts[clean(item.obligation.unit_code)][item.report.status if item.report else None] += 1
    units = sorted(counts, key=lambda u: (-counts[u][None], u))
    with matplotlib.rc_context(PLAIN_TEXT):
        figure, (left, right) = plt.subplots(1, 2, figsize=(12, max(4.0, 0.32 * len(units) + 1.5)),
                                             gridspec_kw={"width_ratios": [3, 2]})
        try:
            _units(left, units, counts)
            _targets(right, d)
            figure.tight_layout()
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", dpi=110)
        finally:
            plt.close(figure)  # also when drawing failed: pyplot keeps every open figure otherwise
    return buffer.getvalue()


def _units(left: Axes, units: list[str], counts: dict[str, Counter]) -> None:
    start = [0] * len(units)
    for status in ORDER:
        values = [counts[u][status] for u in units]
        label = _(STATUS[status]) if status else _("Chưa báo cáo")
        left.barh(units, values, left=start, color=COLOURS[status], label=label)
        start = [a + b for a, b in zip(start, values, strict=True)]
    left.invert_yaxis()
    left.set_title(_("Tình trạng theo đơn vị (kỳ đang mở và quá hạn)"))
    left.legend(loc="lower right", fontsize=8)


def _targets(right: Axes, d: Digest) -> None:
    names, shares, notes = [], [], []
    for target in d.targets:
        for year, goal, op in target.milestones:  # every milestone: 2025 and 2030 are both worth seeing
            reached = target.value_for(year)
            names.append(clean(f"{target.code} {MILESTONE_OP.get(op, op)}{number(goal)} ({year})"))
            shares.append(float(reached * 100 / goal) if reached is not None and goal else 0.0)
            notes.append(f"{number(reached) if reached is not None else '–'} / {number(goal)}")
    bars = right.barh(names, shares, color="#5e35b1", height=0.5)
    for bar, note in zip(bars, notes, strict=True):
        right.text(bar.get_width() + 2, bar.get_y() + bar.get_height() / 2, note, va="center", fontsize=8)
    right.axvline(100, color="#333333", linewidth=1)
    right.set_xlim(0, max(125.0, *(s + 25 for s in shares)) if shares else 125.0)
    right.invert_yaxis()
    right.set_title(_("Tiến độ mục tiêu (% mốc)"))
