"""The weekly picture for coordinators and leaders: what it contains, and how it reads as text.

The chart (jobs/chart.py) and the workbook (jobs/workbook.py) are drawn from the same `Digest`.
Target progress adds up the latest version of each report: `sum` targets count everything reported
from the start of the plan up to the milestone year, `latest` targets take the most recent figure,
`max` the highest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, extract, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from locales import _, format_date, format_datetime, format_number
from models.obligations import Obligation, plan_calendar
from models.registry import PendingSuccession, current_of, pending_successions
from models.rules.text import clean
from models.rules.workdays import WorkCalendar
from models.status import Item, snapshot
from models.store.tables import (
    Assignment,
    Indicator,
    Period,
    Plan,
    Report,
    ReportStatus,
    ReportValue,
    Target,
    TargetMilestone,
    Task,
    Unit,
)
from models.wording import MILESTONE_OP, deadline_phrase, round_title, short, status_label


@dataclass
class Round:
    title: str
    due: date
    deadline: str
    reported: int
    total: int


@dataclass
class TargetProgress:
    code: str
    name: str
    measure: str
    aggregate: str
    value: Decimal | None
    as_of: date | None
    milestones: list[tuple[int, Decimal, str]]  # (year, value, op)
    by_year: dict[int, Decimal] = field(default_factory=dict)  # `sum` targets: reported per deadline year
    contributions: list[tuple[str, str, str, date, Decimal, datetime]] = field(default_factory=list)
    # (unit, task, period, due, value, submitted): only loaded for the workbook

    def value_for(self, year: int) -> Decimal | None:
        """Progress toward the milestone of `year`. A year's reports are due by the next January
        (statistics), so they count toward that year's milestone."""
        if self.aggregate != "sum":
            return self.value
        counted = [v for y, v in self.by_year.items() if y <= year + 1]
        return sum(counted, Decimal(0)) if counted else None


@dataclass
class Digest:
    plan: Plan
    now: datetime
    tz: ZoneInfo
    calendar: WorkCalendar
    rounds: list[Round]
    items: list[Item]  # current and recent rounds plus every overdue report
    overdue: list[Item]
    completed: list[Item]  # reported done in the last week
    obstacles: list[Item]
    targets: list[TargetProgress]
    # Units that have ended, by id → the unit carrying their work today: old reports stay under the old
    # unit's name, which alone would read as a unit that no longer exists.
    now_part_of: dict[int, Unit] = field(default_factory=dict)
    # Focal points of merged or retired units who have not yet said whether they carry on for the
    # successor: until they do, the successor may have no one answering its reminders.
    unconfirmed: list[PendingSuccession] = field(default_factory=list)

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()

    @property
    def has_news(self) -> bool:
        """Something to say: an open period, something overdue, or something reported in the week."""
        week_ago = self.now - timedelta(days=7)
        return bool(self.rounds or self.overdue or any(i.report and i.report.submitted_at >= week_ago
                                                        for i in self.items))

    def unit_label(self, o: Obligation) -> str:
        """"SKHCN", or "STTTT (nay: SKHCN)" for a unit that has merged since."""
        current = self.now_part_of.get(o.unit_id)
        return o.unit_code + (" " + _("(nay: {code})").format(code=current.code) if current else "")


async def build(session: AsyncSession, plan: Plan, now: datetime, tz: ZoneInfo, *,
                contributions: bool = False) -> Digest:
    """The digest's data; `contributions` (every report behind each target) only for the workbook."""
    today = now.astimezone(tz).date()
    calendar = await plan_calendar(session)
    state = await snapshot(session, [plan], today)
    seen: set[tuple[int, int]] = set()
    items: list[Item] = []
    for item in [*state.overdue, *state.recent, *state.current]:
        key = (item.obligation.assignment_id, item.obligation.period_id)
        if key not in seen:
            seen.add(key)
            items.append(item)
    groups: dict[tuple, list[Item]] = defaultdict(list)
    for item in [*state.recent, *state.current]:
        o = item.obligation
        groups[(o.due, o.schedule_code, o.period_key)].append(item)
    rounds = [Round(round_title(g[0].obligation), g[0].obligation.due,
                    deadline_phrase(g[0].obligation, today, calendar), sum(1 for i in g if i.reported), len(g))
              for _key, g in sorted(groups.items())]
    week_ago = now - timedelta(days=7)
    completed = [i for i in items if i.report and i.report.status == ReportStatus.done
                 and i.report.submitted_at >= week_ago]
    obstacles = [i for i in items if i.report and (i.report.status == ReportStatus.blocked or i.report.obstacles)]
    targets = await _targets(session, plan)
    if contributions:
        await _contributions(session, plan, targets)
    units = {u.id: u for u in (await session.exec(select(Unit))).scalars()}
    ended = {o.unit_id for o in (i.obligation for i in items) if units[o.unit_id].valid_to is not None
             and units[o.unit_id].valid_to < today}
    now_part_of = {unit_id: current for unit_id in ended
                   if (current := current_of(units, units[unit_id], today)) is not None}
    in_plan = set((await session.exec(select(Assignment.unit_id).join(Task, Task.id == Assignment.task_id)
                                       .where(Task.plan_id == plan.id))).scalars())
    unconfirmed = [p for p in await pending_successions(session, today) if p.current.id in in_plan]
    return Digest(plan, now, tz, calendar, rounds, items, state.overdue, completed, obstacles, targets, now_part_of,
                  unconfirmed)


def _target_values():
    """Latest report versions' values for the plan's targets (joined once, filtered by the caller)."""
    return (select(Indicator.target_id, ReportValue.value, Period.due, Report.submitted_at)
            .select_from(ReportValue)
            .join(Indicator, Indicator.id == ReportValue.indicator_id)
            .join(Report, Report.id == ReportValue.report_id)
            .join(Period, Period.id == Report.period_id)
            .where(Report.is_latest, Indicator.target_id == bindparam("target_id")))


async def _targets(session: AsyncSession, plan: Plan) -> list[TargetProgress]:
    """Progress per target, aggregated by the database (a province holds tens of thousands of reports)."""
    targets = (await session.exec(select(Target).where(Target.plan_id == plan.id, Target.active)
                                  .order_by(Target.id))).scalars().all()
    milestones: dict[int, list[tuple[int, Decimal, str]]] = defaultdict(list)
    if targets:
        for m in (await session.exec(select(TargetMilestone).where(
                TargetMilestone.target_id.in_([t.id for t in targets])).order_by(TargetMilestone.year))).scalars():
            milestones[m.target_id].append((m.year, Decimal(m.value), m.op))
    result = []
    for target in targets:
        values = _target_values().subquery()
        by_year: dict[int, Decimal] = {}
        value, as_of = None, None
        if target.aggregate == "sum":
            year = extract("year", values.c.due)
            rows = (await session.exec(select(year, func.sum(values.c.value), func.max(values.c.due))
                                       .group_by(year), params={"target_id": target.id})).all()
            by_year = {int(y): Decimal(total) for y, total, _last in rows}
            if rows:
                value, as_of = sum(by_year.values(), Decimal(0)), max(last for _y, _t, last in rows)
        else:
            order = values.c.value.desc() if target.aggregate == "max" else values.c.due.desc()
            row = (await session.exec(select(values.c.value, values.c.due)
                                      .order_by(order, values.c.submitted_at.desc()).limit(1),
                                      params={"target_id": target.id})).first()
            if row is not None:
                value, as_of = Decimal(row[0]), row[1]
        result.append(TargetProgress(target.code, target.name, target.measure, target.aggregate, value, as_of,
                                     milestones.get(target.id, []), by_year))
    return result


async def _contributions(session: AsyncSession, plan: Plan, targets: list[TargetProgress]) -> None:
    codes = {t.code: t for t in targets}
    rows = (await session.exec(
        select(Target.code, ReportValue.value, Report.submitted_at, Period.due, Period.key, Unit.code, Task.code)
        .join(Indicator, Indicator.id == ReportValue.indicator_id)
        .join(Target, Target.id == Indicator.target_id)
        .join(Report, Report.id == ReportValue.report_id)
        .join(Period, Period.id == Report.period_id)
        .join(Assignment, Assignment.id == Report.assignment_id)
        .join(Unit, Unit.id == Assignment.unit_id)
        .join(Task, Task.id == Assignment.task_id)
        .where(Report.is_latest, Target.plan_id == plan.id)
        .order_by(Period.due, Report.submitted_at))).all()
    for code, value, submitted, due, key, unit, task in rows:
        if code in codes:
            codes[code].contributions.append((unit, task, key, due, Decimal(value), submitted))


# --- text -----------------------------------------------------------------------------------------


def number(value: Decimal) -> str:
    return format_number(value.quantize(Decimal("0.01")).normalize())


def target_line(t: TargetProgress) -> str:
    if t.value is None:
        return _("• {name}: chưa có số liệu").format(name=short(t.name, 80))
    parts = []
    for year, goal, op in t.milestones:
        reached = t.value_for(year)
        if t.aggregate == "sum" and goal and reached is not None:
            parts.append(_("mốc {year} {op} {goal}: {percent}%").format(
                year=year, op=MILESTONE_OP.get(op, op), goal=number(goal), percent=int(reached * 100 / goal)))
        else:
            parts.append(_("mốc {year} {op} {goal}").format(year=year, op=MILESTONE_OP.get(op, op),
                                                             goal=number(goal)))
    kind = _("cộng dồn") if t.aggregate == "sum" else _("số mới nhất")
    return _("• {name}: {value} {measure} ({kind}) — {milestones}").format(
        name=short(t.name, 80), value=number(t.value), measure=t.measure, kind=kind, milestones="; ".join(parts))


def texts(digests: Sequence[Digest], *, attachments: bool = True) -> str:
    """The weekly digest of every plan with something to say, one section each (the whole text when one)."""
    shown = [d for d in digests if d.has_news] or list(digests[:1])
    if len(shown) == 1:
        return text(shown[0], attachments=attachments)
    first = shown[0]
    lines = [_("📰 Bản tin tuần — {n} kế hoạch — {at}").format(n=len(shown), at=format_datetime(first.now, first.tz))]
    for d in shown:
        lines += ["", "━━ " + d.plan.short + " ━━", *text(d, attachments=False).splitlines()[1:]]
    if attachments:
        lines += ["", _("Kèm theo: biểu đồ và bảng Excel (ngày {day}).").format(day=format_date(first.today))]
    return "\n".join(lines)


def text(d: Digest, *, attachments: bool = True) -> str:
    lines = [_("📰 Bản tin tuần — kế hoạch {name} — {at}").format(
        name=d.plan.short or d.plan.code, at=format_datetime(d.now, d.tz))]
    lines += ["", _("Tỷ lệ báo cáo các kỳ đang mở:")]
    if not d.rounds:
        lines.append(_("• Không có kỳ báo cáo nào đang mở."))
    for r in d.rounds:
        percent = int(r.reported * 100 / r.total) if r.total else 0
        lines.append(_("• {title} — {deadline}: {reported}/{total} ({percent}%)").format(
            title=r.title, deadline=r.deadline, reported=r.reported, total=r.total, percent=percent))
    lines.append("")
    if d.overdue:
        by_unit: dict[str, list[str]] = defaultdict(list)
        for item in d.overdue:
            by_unit[d.unit_label(item.obligation)].append(item.obligation.task_code)
        lines.append(_("⏰ Quá hạn chưa báo cáo: {n} báo cáo của {units} đơn vị").format(
            n=len(d.overdue), units=len(by_unit)))
        lines += [f"• {unit}: {', '.join(sorted(set(tasks)))}" for unit, tasks in sorted(by_unit.items())[:20]]
    else:
        lines.append(_("⏰ Không có báo cáo nào quá hạn."))
    if d.completed:
        lines += ["", _("✅ Hoàn thành trong tuần:")]
        lines += [f"• {d.unit_label(i.obligation)} · {i.obligation.task_code} — {short(i.obligation.task_title, 70)}"
                  for i in d.completed[:15]]
    if d.obstacles:
        lines += ["", _("⚠️ Vướng mắc đang mở ({n}):").format(n=len(d.obstacles))]
        for item in d.obstacles[:15]:
            report = item.report
            assert report is not None
            what = report.obstacles or report.note or status_label(report.status)
            extra = " — " + _("đề xuất: {text}").format(text=short(report.proposals, 80)) if report.proposals else ""
            lines.append(f"• {d.unit_label(item.obligation)} · {item.obligation.task_code}: {short(what, 140)}{extra}")
    if d.unconfirmed:
        lines += ["", _("🕓 Đầu mối chưa xác nhận sau sắp xếp ({n}):").format(n=len(d.unconfirmed))]
        lines += [_("• {name}: {former} → {current}").format(
            name=p.member.display_name, former=p.former.code, current=p.current.code) for p in d.unconfirmed[:15]]
    if d.targets:
        lines += ["", _("🎯 Mục tiêu:")]
        lines += [target_line(t) for t in d.targets]
    if attachments:
        lines += ["", _("Kèm theo: biểu đồ và bảng Excel (ngày {day}).").format(day=format_date(d.today))]
    # Notes stored before text was cleaned at the door may hold control characters; a terminal running
    # `nhacviec digest --print` would obey them.
    return clean("\n".join(lines))
