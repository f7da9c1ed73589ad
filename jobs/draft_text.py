"""The sentences of the consolidated report, each made from one report or one computed figure.

Nothing here writes an assessment: a sentence either says what a unit reported (and which report it was:
unit, period, version) or states a count or a sum of what was reported. The coordinator's own judgement
goes in by hand, where the draft leaves a highlighted place for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from locales import _, format_date, format_number
from models.annual import Entry, IndicatorFacts, PlanFacts, State, Year
from models.obligations import Obligation
from models.review import unaccepted
from models.wording import MILESTONE_OP, period_of, status_label
from models.year_targets import TargetFigures

# "UBND TỈNH VĨNH LONG" → "VĨNH LONG": the province (or centrally-run city) in the issuing body's parent.
_PARENT = re.compile(r"^\s*(?:UBND|ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN)\s+(?:TỈNH|THÀNH PHỐ)\s+(.+?)\s*$", re.IGNORECASE)
# "… trên địa bàn tỉnh Vĩnh Long" → "Vĩnh Long".
_IN_TITLE = re.compile(r"(?:tỉnh|thành phố)\s+([^,;.()]+?)\s*$", re.IGNORECASE)


def figure(value: Decimal) -> str:
    """A reported figure the Vietnamese way: 1.234,5 (at most two decimals, no trailing zeros)."""
    rounded = value.quantize(Decimal("0.01"))
    return format_number(rounded.normalize() if rounded != rounded.to_integral_value() else rounded.to_integral_value())


def with_measure(value: Decimal, measure: str) -> str:
    return f"{figure(value)} {measure}".strip() if not measure.startswith("%") else f"{figure(value)}{measure}"


def province(plan: PlanFacts) -> str:
    """The province the plan belongs to, in ordinary capitals ("Vĩnh Long"); "" when nothing says."""
    for line in plan.issuer[:1]:
        if match := _PARENT.match(line):
            return match.group(1).title()
    if match := _IN_TITLE.search(plan.title):
        return match.group(1).strip()
    return ""


def report_label(o: Obligation) -> str:
    """'báo cáo năm 2026', 'báo cáo quý IV/2026'; a one-off report by its schedule's name."""
    if o.every == "once":
        name = o.schedule_name or format_date(o.due)
        return name[:1].lower() + name[1:]
    return _("báo cáo {period}").format(period=period_of(o))


def attribution(entry: Entry) -> str:
    """'Sở Công Thương, báo cáo năm 2026, bản 2': which report a sentence or a quotation comes from."""
    assert entry.report is not None
    return _("{unit}, {report}, bản {version}").format(unit=entry.obligation.unit_name,
                                                       report=report_label(entry.obligation),
                                                       version=entry.report.version)


def review_mark(plan: PlanFacts, entry: Entry) -> str:
    """'chưa tiếp nhận' for a report quoted before a coordinator accepted it (review switched on)."""
    assert entry.report is not None
    return _("chưa tiếp nhận") if unaccepted(plan.review, entry.report.review) else ""


def values_phrase(entry: Entry, indicators: Sequence[IndicatorFacts]) -> str:
    """'Số lượt doanh nghiệp được hỗ trợ: 4 lượt' for each figure the report carries, in the plan's order."""
    parts = []
    for indicator in indicators:
        if indicator.code in entry.values:
            parts.append(_("{name}: {value}").format(name=indicator.name,
                                                     value=with_measure(entry.values[indicator.code],
                                                                        indicator.measure)))
    return "; ".join(parts)


def result_phrase(entry: Entry, indicators: Sequence[IndicatorFacts]) -> str:
    """'Đang thực hiện, đạt 60%; Số lượt doanh nghiệp được hỗ trợ: 4 lượt; nộp muộn'."""
    report = entry.report
    assert report is not None
    head = status_label(report.status)
    if report.percent is not None:
        head = _("{status}, đạt {percent}%").format(status=head, percent=report.percent)
    parts = [head]
    if values := values_phrase(entry, indicators):
        parts.append(values)
    if entry.state is State.late:
        parts.append(_("nộp muộn"))
    return "; ".join(parts)


def units_list(entries: Iterable[Entry], *, with_tasks: bool = False) -> str:
    """'Sở Y tế, UBND huyện Bình Tân (IV.8.a, IV.8.b)': each unit once, in the order met."""
    tasks: dict[str, list[str]] = {}
    for entry in entries:
        found = tasks.setdefault(entry.obligation.unit_name, [])
        if entry.obligation.task_code not in found:
            found.append(entry.obligation.task_code)
    if not with_tasks:
        return ", ".join(tasks)
    return ", ".join(f"{unit} ({', '.join(codes)})" for unit, codes in tasks.items())


def rate_sentence(data: Year) -> str:
    rate = data.rate
    if not rate.owed:
        return _("Đến ngày {day}, chưa có báo cáo nào của năm {year} đến hạn.").format(
            day=format_date(data.as_of), year=data.year)
    units = len({e.obligation.unit_id for e in data.entries
                 if e.state in (State.on_time, State.late, State.overdue)})
    return _("Đến ngày {day}, các cơ quan, đơn vị phải gửi {owed} báo cáo năm {year} đã đến hạn ({units} cơ quan, "
             "đơn vị); đã nhận {reported} báo cáo, đạt {percent}%, trong đó {on_time} báo cáo đúng hạn, {late} báo "
             "cáo nộp muộn.").format(day=format_date(data.as_of), owed=rate.owed, year=data.year, units=units,
                                     reported=rate.reported, percent=rate.percent, on_time=rate.on_time,
                                     late=rate.late)


def previous_sentence(data: Year) -> str:
    before = data.previous_rate
    if before is None:
        return _("Năm {year}, hệ thống chưa theo dõi báo cáo nào đến hạn nên chưa có số liệu để so sánh.").format(
            year=data.year - 1)
    now = data.rate
    text = _("Năm {year}: đã nhận {reported}/{owed} báo cáo, đạt {percent}%").format(
        year=data.year - 1, reported=before.reported, owed=before.owed, percent=before.percent)
    if now.percent is not None and before.percent is not None:
        change = now.percent - before.percent
        if change:
            text += _(" (năm {year} {direction} {points} điểm phần trăm)").format(
                year=data.year, direction=_("tăng") if change > 0 else _("giảm"), points=abs(change))
        else:
            text += _(" (năm {year} bằng năm trước)").format(year=data.year)
    return text + "."


def target_sentence(t: TargetFigures, data: Year) -> str:
    """What the units' figures add up to for one target, this year, the year before and so far."""
    year, first = data.year, data.plan.start.year
    this, before = t.of(year), t.of(year - 1)
    if this is None:
        text = _("{name}: chưa có số liệu năm {year}").format(name=t.name, year=year)
    else:
        text = _("{name}: năm {year} đạt {value}").format(name=t.name, year=year,
                                                         value=with_measure(this, t.measure))
    if before is not None:
        text += _(" (năm {year}: {value})").format(year=year - 1, value=with_measure(before, t.measure))
    so_far = t.so_far(year, first)
    start, _end = t.span(year, first)
    milestone = t.milestone_for(year)
    if so_far is not None and t.aggregate in ("sum", "average_growth"):
        label = _("lũy kế {start}–{end}") if t.aggregate == "sum" else _("bình quân {start}–{end}")
        text += "; " + label.format(start=start, end=year) + ": " + with_measure(so_far, t.measure)
        if t.aggregate == "average_growth":
            text += _(" ({n} năm có số liệu)").format(n=t.years_with_data(year, first))
    if milestone is not None:
        goal_year, goal, op = milestone
        text += "; " + _("mục tiêu đến năm {year}: {op} {value}").format(
            year=goal_year, op=MILESTONE_OP.get(op, op), value=with_measure(goal, t.measure))
        if t.aggregate == "sum" and so_far is not None and goal:
            text += _(", đạt {percent}% mục tiêu").format(percent=round(so_far * 100 / goal))
    return text + "."
