"""The weekly picture for coordinators and leaders: what it contains, and how it reads as text.

The chart (jobs/chart.py) and the workbook (jobs/workbook.py) are drawn from the same `Digest`. Targets
are counted by models/year_targets.py, the rule the yearly report uses too: a report counts toward the
year its data window ends in; a milestone whose year is over is reached or not. A leader reads names,
not codes, and a list that is cut says how much is left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from locales import _, format_date, format_datetime, format_number, ngettext
from models import year_targets
from models.contributions import texts_beside
from models.evidence import names_of
from models.obligations import Obligation, plan_calendar
from models.registry import PendingSuccession, current_of, pending_successions, unit_name
from models.review import Review, review_of
from models.rules.text import clean
from models.rules.workdays import WorkCalendar
from models.status import Item, snapshot
from models.store.tables import Assignment, Indicator, Plan, ReportStatus, Task, Unit
from models.wording import MILESTONE_OP, deadline_phrase, exception_note, period_of, round_title, short, status_label
from models.year_targets import Contribution, MilestoneState, TargetFigures, milestones_on, target_figures

OVERDUE_UNITS = 20  # units listed by name in the text; the rest are counted
PER_UNIT = 8  # overdue reports named per unit
LISTED = 15  # completed reports, obstacles, unconfirmed focal points


@dataclass
class Round:
    title: str
    due: date
    deadline: str
    reported: int
    total: int


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
    targets: list[TargetFigures]
    # Units that have ended, by id → the unit carrying their work today: old reports stay under the old
    # unit's name, which alone would read as a unit that no longer exists.
    now_part_of: dict[int, Unit] = field(default_factory=dict)
    # Focal points of merged or retired units who have not yet said whether they carry on for the
    # successor: until they do, the successor may have no one answering its reminders.
    unconfirmed: list[PendingSuccession] = field(default_factory=list)
    contributions: list[Contribution] = field(default_factory=list)  # only loaded for the workbook
    indicator_names: dict[str, str] = field(default_factory=dict)  # code → name, for column headers
    # Only loaded for the workbook: evidence file names by (assignment, period); support units'
    # contributions by (task, period).
    files: dict[tuple[int, int], list[str]] = field(default_factory=dict)
    support: dict[tuple[int, int], str] = field(default_factory=dict)

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
        """"Sở Công Thương", or "Sở Thông tin và Truyền thông (nay: Sở Khoa học và Công nghệ)" for a unit
        that has merged since."""
        current = self.now_part_of.get(o.unit_id)
        return o.unit_name + (" " + _("(nay: {name})").format(name=unit_name(current, self.today)) if current else "")

    def unit_code_label(self, o: Obligation) -> str:
        """"SKHCN", or "STTTT (nay: SKHCN)": for tables that show the name beside it (the web view)."""
        current = self.now_part_of.get(o.unit_id)
        return o.unit_code + (" " + _("(nay: {code})").format(code=current.code) if current else "")

    def unit_today(self, o: Obligation) -> str:
        """The unit in force today that carries `o`: its successor when it has ended."""
        current = self.now_part_of.get(o.unit_id)
        return unit_name(current, self.today) if current else o.unit_name

    def milestones(self, t: TargetFigures) -> list[MilestoneState]:
        return milestones_on(t, self.today.year, self.plan.start.year)


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
                    deadline_phrase(g[0].obligation, today, calendar), sum(1 for i in g if i.reported),
                    sum(1 for i in g if not i.exempt))
              for _key, g in sorted(groups.items())]
    week_ago = now - timedelta(days=7)
    # A returned or withdrawn version is not reported (models/review.py): neither completed nor an open obstacle.
    completed = [i for i in items if i.reported and i.report and i.report.status == ReportStatus.done
                 and i.report.submitted_at >= week_ago]
    obstacles = [i for i in items if i.reported and i.report
                 and (i.report.status == ReportStatus.blocked or i.report.obstacles)]
    targets = await target_figures(session, plan, today.year)
    behind = await year_targets.contributions(session, plan, today.year) if contributions else []
    names = dict((await session.exec(select(Indicator.code, Indicator.name).where(
        Indicator.plan_id == plan.id, Indicator.active))).all())
    units = {u.id: u for u in (await session.exec(select(Unit))).all()}
    ended = {o.unit_id for o in (i.obligation for i in items)
             if (valid_to := units[o.unit_id].valid_to) is not None and valid_to < today}
    now_part_of = {unit_id: current for unit_id in ended
                   if (current := current_of(units, units[unit_id], today)) is not None}
    in_plan = set((await session.exec(select(Assignment.unit_id).join(Task, col(Task.id) == Assignment.task_id)
                                       .where(Task.plan_id == plan.id))).all())
    unconfirmed = [p for p in await pending_successions(session, today) if p.current.id in in_plan]
    files = await names_of(session, [(i.obligation.assignment_id, i.obligation.period_id) for i in items
                                     if i.report]) if contributions else {}
    support = await texts_beside(session, [(i.obligation.task_id, i.obligation.period_id) for i in items]) \
        if contributions else {}
    return Digest(plan, now, tz, calendar, rounds, items, state.overdue, completed, obstacles, targets, now_part_of,
                  unconfirmed, behind, names, files, support)


# --- text -----------------------------------------------------------------------------------------


def number(value: Decimal) -> str:
    return format_number(value.quantize(Decimal("0.01")).normalize())


def _figure(value: Decimal, measure: str) -> str:
    return f"{number(value)} {measure}".strip()


def milestone_text(t: TargetFigures, m: MilestoneState) -> str:
    """"mốc 2025 ≥ 30 lượt: 53 lượt (177%) — đã đạt"; "mốc 2030 ≥ 40 lượt: đến nay 61 lượt (153%)"."""
    head = _("mốc {year} {op} {goal}").format(year=m.year, op=MILESTONE_OP.get(m.op, m.op),
                                              goal=_figure(m.goal, t.measure))
    if m.value is None:
        return head + ": " + _("chưa có số liệu")
    if t.aggregate == "average_growth":
        figure = ngettext("bình quân {first}–{last}: {value} ({n} năm có số liệu)",
                          "bình quân {first}–{last}: {value} ({n} năm có số liệu)", m.years_with_data).format(
            first=m.first, last=m.last, value=_figure(m.value, t.measure), n=m.years_with_data)
    else:
        figure = _figure(m.value, t.measure) + (f" ({m.percent}%)" if m.percent is not None else "")
        if not m.passed:
            figure = _("đến nay {figure}").format(figure=figure)
    if m.passed:
        return head + ": " + figure + " — " + (_("đã đạt") if m.reached else _("chưa đạt"))
    return head + ": " + figure


def target_line(d: Digest, t: TargetFigures) -> str:
    milestones = "; ".join(milestone_text(t, m) for m in d.milestones(t)) or _("chưa có mốc")
    if t.by_hand:  # earlier years' figures a coordinator entered: said, so nobody takes them for reports
        milestones += " " + _("(gồm số liệu nhập tay năm {years})").format(years=", ".join(map(str, t.by_hand)))
    return f"• {short(t.name, 80)}: {milestones}"


def _more(lines: list[str], shown: int, total: int, what: str) -> list[str]:
    """The list as shown, and a last line saying how many were left out."""
    return lines + ([f"… {what.format(n=total - shown)}"] if total > shown else [])


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
    lines += _overdue(d)
    if review := _review(d):
        lines += ["", review]
    if d.completed:
        lines += ["", _("✅ Hoàn thành trong tuần:")]
        lines += _more([f"• {d.unit_label(i.obligation)} · {i.obligation.task_code} — "
                        f"{short(i.obligation.task_title, 70)}" for i in d.completed[:LISTED]],
                       LISTED, len(d.completed), _("và {n} báo cáo khác"))
    if d.obstacles:
        lines += ["", _("⚠️ Vướng mắc đang mở ({n}):").format(n=len(d.obstacles))]
        lines += _obstacles(d)
    excepted = [i for i in d.items if (i.exempt or (not i.reported and i.obligation.extended))]
    if excepted:
        lines += ["", _("📝 Gia hạn, miễn nộp ({n}):").format(n=len(excepted))]
        lines += _more([f"• {d.unit_label(i.obligation)} · {i.obligation.task_code} · {period_of(i.obligation)} — "
                        f"{exception_note(i.obligation)}" for i in excepted[:LISTED]],
                       LISTED, len(excepted), _("và {n} báo cáo khác"))
    if d.unconfirmed:
        lines += ["", _("🕓 Đầu mối chưa xác nhận sau sắp xếp ({n}):").format(n=len(d.unconfirmed))]
        lines += _more([_("• {name}: {former} → {current}").format(
            name=p.member.display_name, former=p.former_name, current=p.current_name) for p in d.unconfirmed[:LISTED]],
            LISTED, len(d.unconfirmed), _("và {n} người khác"))
    if d.targets:
        lines += ["", _("🎯 Mục tiêu:")]
        lines += [target_line(d, t) for t in d.targets]
    if attachments:
        lines += ["", _("Kèm theo: biểu đồ và bảng Excel (ngày {day}).").format(day=format_date(d.today))]
    # Notes stored before text was cleaned at the door may hold control characters; a terminal running
    # `nhacviec digest --print` would obey them.
    return clean("\n".join(lines))


def _overdue(d: Digest) -> list[str]:
    """Overdue reports by unit, most overdue first, each report with its period: "II.1 (năm 2025)"."""
    if not d.overdue:
        return [_("⏰ Không có báo cáo nào quá hạn.")]
    by_unit: dict[str, list[Item]] = defaultdict(list)
    for item in d.overdue:
        by_unit[d.unit_label(item.obligation)].append(item)
    lines = [_("⏰ Quá hạn chưa báo cáo: {n} báo cáo của {units} đơn vị").format(n=len(d.overdue), units=len(by_unit))]
    ranked = sorted(by_unit.items(), key=lambda pair: (-len(pair[1]), pair[0]))
    for unit, items in ranked[:OVERDUE_UNITS]:
        items.sort(key=lambda i: (i.obligation.due, i.obligation.task_code))
        named = [f"{i.obligation.task_code} ({period_of(i.obligation)})" for i in items[:PER_UNIT]]
        more = len(items) - len(named)
        lines.append(f"• {unit}: {', '.join(named)}" + (
            " " + _("và {n} báo cáo khác").format(n=more) if more else ""))
    if len(ranked) > OVERDUE_UNITS:
        lines.append("… " + _("và {n} đơn vị khác (gõ /quahan để xem đủ)").format(n=len(ranked) - OVERDUE_UNITS))
    return lines


def _review(d: Digest) -> str:
    """How many reports wait for the coordinator's review, and how many were returned (plans with review on)."""
    if not d.plan.review:
        return ""
    states = [review_of(i.report) for i in d.items if i.report is not None]
    waiting, returned = states.count(Review.new), states.count(Review.returned)
    if not waiting and not returned:
        return ""
    return _("📥 Tiếp nhận: {waiting} báo cáo chờ tiếp nhận · {returned} báo cáo bị trả lại, chờ bản mới.").format(
        waiting=waiting, returned=returned)


def _obstacles(d: Digest) -> list[str]:
    """Open obstacles grouped by task: the task once, then what each unit says about it."""
    by_task: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for item in d.obstacles:
        o = item.obligation
        by_task[(o.task_code, o.task_short_title or o.task_title)].append(item)
    lines: list[str] = []
    shown = 0
    for (code, title), items in sorted(by_task.items()):
        if shown >= LISTED:
            break
        lines.append(f"■ {code} — {short(title, 70)}")
        for item in items[:LISTED - shown]:
            report = item.report
            assert report is not None
            what = report.obstacles or report.note or status_label(report.status)
            extra = " — " + _("đề xuất: {text}").format(text=short(report.proposals, 80)) if report.proposals else ""
            unit, period = d.unit_label(item.obligation), period_of(item.obligation)
            lines.append(f"  • {unit} ({period}): {short(what, 140)}{extra}")
            shown += 1
    return _more(lines, shown, len(d.obstacles), _("và {n} vướng mắc khác"))
