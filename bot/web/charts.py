"""Charts as inline SVG, drawn on the server: no script, no image request, readable without CSS.

Colours come from classes in style.css (the page's Content-Security-Policy forbids inline styles);
each bar has a <title>, which browsers show on hover and screen readers read.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from bot.web.data import UnitRate
from locales import _

WIDTH = 360  # user units; the SVG scales to its box, and this keeps text legible on a 390 px phone
LABEL = 84
ROW = 24
BAR = 16


def unit_bars(rates: Sequence[UnitRate]) -> Markup:
    """Per unit, one bar split into received / not yet due / overdue, as a share of what it owes."""
    if not rates:
        return Markup("")
    top = 22
    height = top + ROW * len(rates) + 4
    span = WIDTH - LABEL - 40
    title = _("Tình hình nộp báo cáo theo đơn vị")
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg">',
             _legend(),
             ]
    for index, rate in enumerate(rates):
        y = top + index * ROW
        parts.append(f'<text class="label" x="{LABEL - 6}" y="{y + BAR - 3}" text-anchor="end">'
                     f'{escape(_short(rate.code, 12))}</text>')
        x = float(LABEL)
        parts_of = ((rate.received, "received", _("Đã nhận")), (rate.not_due, "notdue", _("Chưa đến hạn")),
                    (rate.overdue, "overdue", _("Quá hạn")))
        for share, css, label in parts_of:
            if not share:
                continue
            width = span * share / rate.total
            parts.append(f'<rect class="{css}" x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR}">'
                         f'<title>{escape(rate.code)}: {escape(label)} {share}</title></rect>')
            x += width
        parts.append(f'<text class="value" x="{LABEL + span + 4}" y="{y + BAR - 3}">'
                     f'{rate.received}/{rate.total}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _legend() -> str:
    items = ((_("Đã nhận"), "received"), (_("Chưa đến hạn"), "notdue"), (_("Quá hạn"), "overdue"))
    parts, x = [], 0.0
    for label, css in items:
        parts.append(f'<rect class="{css}" x="{x:.0f}" y="2" width="10" height="10"></rect>'
                     f'<text class="legend" x="{x + 14:.0f}" y="11">{escape(label)}</text>')
        x += 30 + 6.6 * len(label)
    return "".join(parts)


def progress(percent: int | None) -> Markup:
    """A small bar for a target's progress toward a milestone (capped at the bar's end)."""
    if percent is None:
        return Markup("")
    width = max(0, min(100, percent))
    label = escape(_("{percent}% của mốc").format(percent=percent))
    return Markup(f'<svg class="progress" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" '
                  f'aria-label="{label}" xmlns="http://www.w3.org/2000/svg">'
                  f'<rect class="track" x="0" y="0" width="100" height="8"></rect>'
                  f'<rect class="received" x="0" y="0" width="{width}" height="8"></rect></svg>')


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
