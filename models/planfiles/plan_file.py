"""The plan file: its schema, and every check that can be made before touching the database.

`read_plan(path)` returns a validated `PlanFile` or raises `SourceError` listing every problem
with file, line and key, so that a person can fix the whole file in one pass.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from locales import _
from models.planfiles.fields import Code, InferredPart, Name, ShortTitle, Strict, Text, UnitKind
from models.planfiles.problems import Loaded, field_names, read_model
from models.planfiles.source import Path_, SourceError
from models.rules.periods import Due, Every, Rule, Window
from models.rules.text import fold


class PlanHeader(Strict):
    code: Code
    title: Text
    decision: Text
    issued: date
    start: date
    end: date
    track_from: date | None = None  # first deadline the bot follows; default: the day the plan is first loaded
    timezone: str = "Asia/Ho_Chi_Minh"
    coordinator: Code
    short: ShortTitle | None = None  # a short name for people: "KH 3064 – Năng suất"
    # The coordinator's consolidated report: its issuing body as NĐ 30/2020 heads it (the body above, then
    # the issuing body), and its "Kính gửi" list.
    issuer: Annotated[list[Name], Field(min_length=1)] | None = None
    report_to: Annotated[list[Name], Field(min_length=1)] | None = None
    review: bool = True  # whether reports wait for a coordinator's acceptance

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(_("múi giờ không tồn tại: {zone}").format(zone=value)) from error
        return value

    @model_validator(mode="after")
    def _span(self) -> PlanHeader:
        if self.start > self.end:
            raise ValueError(_("ngày bắt đầu (start) phải trước ngày kết thúc (end)"))
        return self


class UnitSpec(Strict):
    code: Code
    name: Text
    aliases: list[Annotated[str, Field(min_length=1, max_length=200)]] = []
    kind: UnitKind = "khac"
    valid_from: date | None = None
    valid_to: date | None = None
    successor: Code | None = None
    source: str = ""


class MilestoneSpec(Strict):
    value: Decimal
    op: Literal[">=", ">", "~"] = ">="
    note: str = ""


class TargetSpec(Strict):
    code: Code
    name: Text
    unit: str = ""
    # sum: cumulative; latest: the newest figure; max: the largest; average_growth: the compound average of
    # yearly rates, ((∏(1 + rᵢ))^(1/n) − 1), as the statistics office computes "tốc độ tăng … bình quân".
    aggregate: Literal["sum", "latest", "max", "average_growth"]
    milestones: dict[int, Decimal | MilestoneSpec]
    source: str = ""

    def milestone_specs(self) -> dict[int, MilestoneSpec]:
        return {
            year: m if isinstance(m, MilestoneSpec) else MilestoneSpec(value=m)
            for year, m in self.milestones.items()
        }


class IndicatorSpec(Strict):
    code: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,19}$")]
    name: Text
    type: Literal["int", "decimal", "percent"] = "int"
    unit: str = ""
    target: Code | None = None


class AfterCutoff(Strict):
    after_cutoff: Annotated[int, Field(ge=1, le=60)]


class RemindersSpec(Strict):
    before: list[Annotated[int, Field(le=0, ge=-60)]] = [-5, -2, 0]
    escalate_after: list[Annotated[int, Field(ge=1, le=60)]] = [1, 3]


_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")


class ScheduleSpec(Strict):
    name: str = ""
    every: Every | None = None
    window: Window = Window.nd09
    due: Annotated[str, Field(pattern=r"^\d{1,2}-\d{1,2}$")] | Annotated[int, Field(ge=1, le=31)] | \
        AfterCutoff | None = None
    once: date | None = None
    window_from: date | None = None
    kind: Literal["report", "event"] = "report"  # event: a meeting held on a date, not a data report
    skip_years: list[int] = []  # periods whose data window ends in these years are not asked
    reminders: RemindersSpec | None = None
    source: str = "default"
    basis: str = ""
    # The schedule itself (how often, on which occasion) is the plan file's choice, not the decision's; the
    # date is a separate matter (`source: default`).
    inferred: bool = False

    @field_validator("due")
    @classmethod
    def _real_month_day(cls, value: Any) -> Any:
        if isinstance(value, str):
            month, day = (int(x) for x in _MONTH_DAY.match(value).groups())  # type: ignore[union-attr]
            try:
                date(2023, month, day)  # 2023: not a leap year, so 02-29 is refused too
            except ValueError as error:
                raise ValueError(_("'{value}' không phải ngày-tháng có thật (viết THÁNG-NGÀY, ví dụ 12-20)")
                                 .format(value=value)) from error
        return value

    @model_validator(mode="after")
    def _one_rule(self) -> ScheduleSpec:
        every = self.every or (Every.once if self.once else None)
        if every is None:
            raise ValueError(_("lịch chưa có quy tắc: cần `every` (month, quarter, half-year, year, "
                               "five-year) kèm `due`, hoặc `once: NĂM-THÁNG-NGÀY`"))
        if every == Every.once:
            if self.once is None:
                raise ValueError(_("lịch một lần (once) cần ngày, ví dụ `once: 2025-12-15`"))
            if self.due is not None:
                raise ValueError(_("lịch một lần không dùng `due`: ngày `once` chính là hạn"))
        else:
            if self.once is not None:
                raise ValueError(_("không dùng đồng thời `every` và `once`"))
            if self.due is None:
                raise ValueError(_("lịch định kỳ cần hạn `due`: \"12-20\", một ngày trong tháng (20), "
                                   "hoặc {after_cutoff: 2}"))
        if self.kind == "event":
            if every != Every.once:
                raise ValueError(_("sự kiện (kind: event) là một việc diễn ra vào một ngày: dùng `once`, "
                                   "không dùng `every`"))
            if self.window_from is not None:
                raise ValueError(_("sự kiện (kind: event) không có kỳ số liệu: bỏ `window_from`"))
        if self.skip_years and every == Every.once:
            raise ValueError(_("`skip_years` chỉ dùng cho lịch định kỳ (every), không dùng cho lịch một lần"))
        if self.inferred and not self.basis:
            raise ValueError(_("lịch ghi `inferred: true` (văn bản không nêu) nhưng thiếu `basis` (lý do)"))
        if len(set(self.skip_years)) != len(self.skip_years):
            raise ValueError(_("`skip_years` có năm ghi hai lần"))
        return self

    def rule(self) -> Rule:
        if self.once is not None:
            return Rule(every=Every.once, window=self.window, once=self.once, window_from=self.window_from)
        assert self.every is not None
        return Rule(every=self.every, window=self.window, due=self.due_rule(), window_from=self.window_from)

    def due_rule(self) -> Due | None:
        if isinstance(self.due, AfterCutoff):
            return Due(after_cutoff=self.due.after_cutoff)
        if isinstance(self.due, str):
            month, day = (int(x) for x in self.due.split("-"))
            return Due(month_day=(month, day))
        if isinstance(self.due, int):
            return Due(day=self.due)
        return None


class DayNote(Strict):
    date: date
    note: str = ""


class CalendarSpec(Strict):
    days_off: list[date | DayNote] = []
    working_days: list[date | DayNote] = []
    # A deadline that falls on a day off: moved to the next working day (Bộ luật Dân sự 2015, Điều 148
    # khoản 5) or, where a province asks it, to the previous one.
    deadline_on_day_off: Literal["next", "previous"] = "next"

    @staticmethod
    def _entries(items: list[date | DayNote]) -> dict[date, str]:
        return {i.date if isinstance(i, DayNote) else i: i.note if isinstance(i, DayNote) else ""
                for i in items}

    def off(self) -> dict[date, str]:
        return self._entries(self.days_off)

    def worked(self) -> dict[date, str]:
        return self._entries(self.working_days)


class TaskSpec(Strict):
    code: Code
    title: Text  # the document's words, in full
    short_title: ShortTitle | None = None  # for messages: shortened at a word boundary, meaning kept
    section: str = ""
    description: str = ""
    lead: Annotated[list[Code], Field(min_length=1)]
    support: list[Code] = []
    indicators: list[str] = []
    schedules: list[Code] = []
    # lead: lead units owe the reports; all: support units too; none: the task is followed (its status is
    # shown) but nobody is asked or chased for it.
    report_by: Literal["lead", "all", "none"] = "lead"
    source: str = ""  # what the document says, quoted
    inferred: list[InferredPart] = []  # the parts the document does not state …
    basis: str = ""  # … and the reasoning behind them

    @model_validator(mode="after")
    def _inferred_has_basis(self) -> TaskSpec:
        repeated = sorted({part for part in self.inferred if self.inferred.count(part) > 1})
        if repeated:
            raise ValueError(_("nhiệm vụ {code}: `inferred` ghi hai lần: {parts}").format(
                code=self.code, parts=", ".join(repeated)))
        if self.inferred and not self.basis:
            raise ValueError(_("nhiệm vụ {code}: `inferred` ghi {parts} là suy luận nhưng thiếu `basis` "
                               "(lý do suy luận)").format(code=self.code, parts=", ".join(self.inferred)))
        empty = [part for part in ("support", "schedules") if part in self.inferred and not getattr(self, part)]
        if empty:
            raise ValueError(_("nhiệm vụ {code}: `inferred` ghi {parts} nhưng nhiệm vụ không có {parts}").format(
                code=self.code, parts=", ".join(empty)))
        if self.report_by == "none" and "reporting" in self.inferred:
            raise ValueError(_("nhiệm vụ {code}: report_by: none (không ai bị hỏi báo cáo) mâu thuẫn với "
                               "`inferred: [reporting]` (nghĩa vụ báo cáo suy luận)").format(code=self.code))
        return self


class PlanFile(Strict):
    plan: PlanHeader
    units: Annotated[list[UnitSpec], Field(min_length=1)]
    targets: list[TargetSpec] = []
    indicators: list[IndicatorSpec] = []
    schedules: dict[Code, ScheduleSpec] = {}
    reminders: RemindersSpec = RemindersSpec()
    calendar: CalendarSpec = CalendarSpec()
    tasks: list[TaskSpec] = []


_FIELD_NAMES = field_names(PlanHeader, UnitSpec, MilestoneSpec, TargetSpec, IndicatorSpec, AfterCutoff,
                           RemindersSpec, ScheduleSpec, DayNote, CalendarSpec, TaskSpec, PlanFile)
LoadedPlan = Loaded[PlanFile]


def read_plan(path: Path | str) -> LoadedPlan:
    loaded = read_model(path, PlanFile, "plan:, units:, tasks: …", _FIELD_NAMES)
    problems = [loaded.located.problem(where, message) for where, message in check_references(loaded.spec)]
    if problems:
        raise SourceError(problems)
    return loaded


# --- cross references ---------------------------------------------------------------------------


def check_references(spec: PlanFile) -> list[tuple[Path_, str]]:
    problems: list[tuple[Path_, str]] = []

    def duplicates(items: list[Any], section: str, attr: str = "code", key=lambda v: v) -> dict[str, int]:
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            value = key(getattr(item, attr))
            if value in seen:
                problems.append(((section, index, attr), _("mã '{code}' bị trùng (đã dùng ở mục {first})")
                                 .format(code=getattr(item, attr), first=seen[value])))
            else:
                seen[value] = index
        return seen

    duplicates(spec.units, "units", key=str.upper)
    targets = duplicates(spec.targets, "targets")
    indicators = duplicates(spec.indicators, "indicators")
    duplicates(spec.tasks, "tasks", key=fold)
    unit_codes = {u.code.upper() for u in spec.units}

    if spec.plan.coordinator.upper() not in unit_codes:
        problems.append((("plan", "coordinator"), _("đơn vị điều phối '{code}' không có trong units")
                         .format(code=spec.plan.coordinator)))

    # Every name people may type must lead to exactly one unit.
    names: dict[str, tuple[int, str]] = {}
    first_of_code = {u.code.upper(): i for i, u in reversed(list(enumerate(spec.units)))}
    for index, unit in enumerate(spec.units):
        if first_of_code[unit.code.upper()] != index:
            continue  # a duplicate code is reported once, above
        for text in (unit.code, unit.name, *unit.aliases):
            key = fold(text)
            if not key:
                continue
            owner = names.get(key)
            if owner and owner[0] != index:
                problems.append((("units", index, "aliases"), _(
                    "tên gọi '{alias}' trùng với đơn vị {other}; mỗi tên gọi chỉ được trỏ tới một đơn vị")
                    .format(alias=text, other=owner[1])))
            names.setdefault(key, (index, unit.code))
        if unit.valid_from and unit.valid_to and unit.valid_from > unit.valid_to:
            problems.append((("units", index, "valid_to"), _("valid_to phải sau valid_from")))
        if unit.successor is not None:
            if unit.successor.upper() not in unit_codes:
                problems.append((("units", index, "successor"), _("đơn vị kế thừa '{code}' không có trong units")
                                 .format(code=unit.successor)))
            elif unit.successor.upper() == unit.code.upper():
                problems.append((("units", index, "successor"), _("một đơn vị không thể kế thừa chính nó")))
            if unit.valid_to is None:
                problems.append((("units", index, "valid_to"), _(
                    "đơn vị có đơn vị kế thừa cần ngày kết thúc valid_to")))
    problems.extend(_successor_cycles(spec))

    for index, target in enumerate(spec.targets):
        for year in target.milestones:
            if not spec.plan.start.year <= year <= spec.plan.end.year + 5:
                problems.append((("targets", index, "milestones", year), _(
                    "năm {year} nằm ngoài thời gian kế hoạch").format(year=year)))
    for index, indicator in enumerate(spec.indicators):
        if indicator.target is not None and indicator.target not in targets:
            problems.append((("indicators", index, "target"), _("mục tiêu '{code}' không có trong targets")
                             .format(code=indicator.target)))

    for code, schedule in spec.schedules.items():
        if schedule.once and not spec.plan.start <= schedule.once <= spec.plan.end:
            problems.append((("schedules", code, "once"), _("ngày {day} nằm ngoài thời gian kế hoạch ({start} – {end})")
                             .format(day=schedule.once, start=spec.plan.start, end=spec.plan.end)))
        for position, year in enumerate(schedule.skip_years):
            if not spec.plan.start.year <= year <= spec.plan.end.year:
                problems.append((("schedules", code, "skip_years", position), _(
                    "năm {year} nằm ngoài thời gian kế hoạch ({first}–{last})").format(
                    year=year, first=spec.plan.start.year, last=spec.plan.end.year)))

    off = spec.calendar.off()
    for index, day in enumerate(spec.calendar.working_days):
        value = day.date if isinstance(day, DayNote) else day
        if value in off:
            problems.append((("calendar", "working_days", index), _(
                "ngày {day} vừa là ngày nghỉ vừa là ngày làm việc").format(day=value)))

    for index, task in enumerate(spec.tasks):
        seen_units: set[str] = set()
        for role in ("lead", "support"):
            for position, code in enumerate(getattr(task, role)):
                if code.upper() not in unit_codes:
                    problems.append((("tasks", index, role, position), _("đơn vị '{code}' không có trong units")
                                     .format(code=code)))
                elif code.upper() in seen_units:
                    problems.append((("tasks", index, role, position), _(
                        "đơn vị '{code}' được giao hai lần trong nhiệm vụ này").format(code=code)))
                seen_units.add(code.upper())
        for position, code in enumerate(task.indicators):
            if code not in indicators:
                problems.append((("tasks", index, "indicators", position), _(
                    "chỉ số '{code}' không có trong indicators").format(code=code)))
        for position, code in enumerate(task.schedules):
            if code not in spec.schedules:
                problems.append((("tasks", index, "schedules", position), _(
                    "lịch báo cáo '{code}' không có trong schedules").format(code=code)))
    return problems


def _successor_cycles(spec: PlanFile) -> list[tuple[Path_, str]]:
    successor = {u.code.upper(): (u.successor or "").upper() for u in spec.units}
    index_of = {u.code.upper(): i for i, u in enumerate(spec.units)}
    problems: list[tuple[Path_, str]] = []
    reported: set[str] = set()
    for start in successor:
        chain = [start]
        current = successor[start]
        while current and current in successor and current not in chain:
            chain.append(current)
            current = successor[current]
        if current and current in chain and current not in reported:
            cycle = chain[chain.index(current):]
            reported.update(cycle)
            problems.append((("units", index_of[current], "successor"), _(
                "vòng kế thừa: {cycle}").format(cycle=" → ".join([*cycle, current]))))
    return problems
