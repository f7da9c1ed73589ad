"""The reorganisation file: dated changes to the province's units, each with its legal source.

Units belong to the province, so a merge applies to every plan that names the unit. Task keys (in
`tasks:`) may be qualified by their plan (`VL-3064-2023:IV.5.a`); an unqualified key refers to the file's
`plan:` when it names one, else to the only loaded plan that has such a task (two: refused, naming both).

```yaml
reorganisation: {code: VL-2025, plan: VL-3064-2023, title: "…"}   # plan: optional
units:                      # units that appear with the reorganisation
  - {code: SNV, name: "Sở Nội vụ", kind: so, valid_from: 2025-03-01, aliases: [SNV], source: "…"}
events:
  - {date: 2025-03-01, merge: [SNNPTNT], into: SNNMT, source: "…"}
  - {date: 2025-03-01, merge: [STTTT], into: SKHCN, tasks: {IV.5.a: SVHTTDL}, source: "…"}  # a function moves
  - {date: 2025-03-01, rename: CTK, name: "Thống kê tỉnh Vĩnh Long", new_kind: khac, source: "…"}  # from that day
  - {date: 2025-03-01, split: SLDTBXH, tasks: {IV.2.b: SNV}, source: "…"}  # the unit stays, a task moves
  - {date: 2025-07-01, retire: UBND-LH, tasks_to: UBND-CAPXA, source: "…"}  # or tasks_to: decision
```

`read_reorg` checks the file alone; `check_against` checks it against the loaded plans (unknown units and
tasks, cycles, dates outside the plans, two events for one unit on one day, tasks left without an owner).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from locales import _
from models.planfiles.fields import Code, Strict, Text, UnitKind
from models.planfiles.problems import Loaded, field_names, read_model
from models.planfiles.source import Path_, Problem
from models.rules.text import fold

DECISION = "decision"  # tasks_to: the coordinator decides later (the tasks go on a decision list)


class ReorgHeader(Strict):
    code: Code
    plan: Code | None = None  # the plan its unqualified task keys refer to
    title: Text


class NewUnit(Strict):
    code: Code
    name: Text
    kind: UnitKind = "khac"
    aliases: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(default_factory=list)
    valid_from: date
    source: Text


class EventSpec(Strict):
    date: date
    merge: Annotated[list[Code], Field(min_length=1)] | None = None
    into: Code | None = None
    rename: Code | None = None
    name: Text | None = None
    new_kind: UnitKind | None = None  # rename: the kind from that day, when it changes too
    split: Code | None = None
    retire: Code | None = None
    tasks: dict[str, Code] = Field(default_factory=dict)
    tasks_to: Code | None = None
    # What becomes of the unit's unreported reports that fell due before it ended (models/obligations.py):
    # closed by its end ("đơn vị đã giải thể từ …"; the default for `retire`), or owed by the unit that takes its
    # tasks. Not given for a merge: they stay the merged unit's, shown under its successor.
    debts: Literal["close", "successor"] | None = None
    source: Text

    @model_validator(mode="after")
    def _one_kind(self) -> EventSpec:
        kinds = [k for k in ("merge", "rename", "split", "retire") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError(_("mỗi sự kiện là đúng một trong: merge, rename, split, retire"))
        if self.merge is not None and not self.into:
            raise ValueError(_("merge cần `into`: đơn vị nhận sau hợp nhất"))
        if self.rename is not None and not self.name:
            raise ValueError(_("rename cần `name`: tên mới"))
        if self.new_kind is not None and self.rename is None:
            raise ValueError(_("`new_kind` chỉ dùng với rename"))
        if self.split is not None and not self.tasks:
            raise ValueError(_("split cần `tasks`: nhiệm vụ nào chuyển sang đơn vị nào"))
        if self.retire is not None and not self.tasks_to:
            raise ValueError(_("retire cần `tasks_to`: đơn vị nhận nhiệm vụ, hoặc `decision`"))
        if self.debts == "successor" and (self.kind not in ("merge", "retire") or self.tasks_to == DECISION):
            raise ValueError(_("`debts: successor` chỉ dùng cho merge hoặc retire có đơn vị nhận nhiệm vụ"))
        return self

    @property
    def kind(self) -> str:
        return next(k for k in ("merge", "rename", "split", "retire") if getattr(self, k) is not None)

    @property
    def subjects(self) -> list[str]:
        """The units the event happens to."""
        if self.merge is not None:
            return [c.upper() for c in self.merge]
        return [str(getattr(self, self.kind)).upper()]


class ReorgFile(Strict):
    reorganisation: ReorgHeader
    units: list[NewUnit] = Field(default_factory=list)
    events: Annotated[list[EventSpec], Field(min_length=1)]


LoadedReorg = Loaded[ReorgFile]
_FIELD_NAMES = field_names(ReorgHeader, NewUnit, EventSpec, ReorgFile)


def read_reorg(path: Path | str) -> LoadedReorg:
    return read_model(path, ReorgFile, "reorganisation:, units:, events: …", _FIELD_NAMES)


def qualify(key: str, plan: str | None, plans_of: Mapping[str, Sequence[str]]) -> str | list[str]:
    """The task `key` names, as "PLAN:TASK": qualified already, in the file's plan, or in the only plan
    that has such a task. When that cannot be decided, the plans that have it (none, or several)."""
    if ":" in key:
        return key
    having = list(plans_of.get(key, ()))
    if plan is not None:
        return f"{plan}:{key}" if plan in having else []
    return f"{having[0]}:{key}" if len(having) == 1 else having


# --- against the plan ------------------------------------------------------------------------------


@dataclass
class ProvinceState:
    """What the checks need to know of the loaded plans and the province's units."""

    plans: dict[str, tuple[date, date]]  # plan code → its span
    units: dict[str, tuple[date | None, date | None]]  # code → (valid_from, valid_to)
    successors: dict[str, str]  # code → successor code
    names: dict[str, str]  # folded name or alias → unit code
    leads: dict[str, list[tuple[str, str, date | None, date | None]]]  # PLAN:TASK → [(unit, role, from, to)]
    coordinators: dict[str, str] = field(default_factory=dict)  # plan code → its coordinator's unit code

    def plans_of(self) -> dict[str, list[str]]:
        """Task code → the plans that have such a task."""
        found: dict[str, list[str]] = defaultdict(list)
        for key in self.leads:
            plan, _sep, task = key.partition(":")
            found[task].append(plan)
        return found


def resolve_tasks(spec: ReorgFile, state: ProvinceState) -> tuple[list[dict[str, str]], list[tuple[Path_, str]]]:
    """Each event's `tasks:` with qualified keys ("PLAN:TASK" → owner), and the keys that cannot be resolved."""
    plans_of = state.plans_of()
    resolved: list[dict[str, str]] = []
    problems: list[tuple[Path_, str]] = []
    for index, event in enumerate(spec.events):
        mapping: dict[str, str] = {}
        for key, owner in event.tasks.items():
            found = qualify(key, spec.reorganisation.plan, plans_of)
            if isinstance(found, str):
                mapping[found] = owner
            elif found:
                problems.append((("events", index, "tasks", key), _(
                    "nhiệm vụ '{code}' có trong nhiều kế hoạch ({plans}); ghi rõ, ví dụ {example}").format(
                    code=key, plans=", ".join(found), example=f"{found[0]}:{key}")))
            else:
                problems.append((("events", index, "tasks", key), _(
                    "nhiệm vụ '{code}' không có trong kế hoạch nào đã nạp").format(code=key)))
        resolved.append(mapping)
    return resolved, problems


def check_against(loaded: LoadedReorg, state: ProvinceState, *, applied: frozenset[int] = frozenset(),
                  created: frozenset[str] = frozenset()) -> list[Problem]:
    """Problems of the file against the loaded plans. `applied`: indexes of events, `created`: codes of units
    this file already created (a file loaded before and extended since) — part of `state` already."""
    spec, located = loaded.spec, loaded.located
    problems: list[tuple[Path_, str]] = []
    header_plan = spec.reorganisation.plan
    if header_plan is not None and header_plan not in state.plans:
        problems.append((("reorganisation", "plan"), _("kế hoạch '{code}' chưa được nạp (đang có: {loaded})").format(
            code=header_plan, loaded=", ".join(sorted(state.plans)) or "–")))
    spans = [state.plans[header_plan]] if header_plan in state.plans else list(state.plans.values())
    span_start = min((s for s, _e in spans), default=date.min)
    span_end = max((e for _s, e in spans), default=date.max)
    event_tasks, unresolved = resolve_tasks(spec, state)
    problems += unresolved
    units = dict(state.units)
    for index, unit in enumerate(spec.units):
        code = unit.code.upper()
        if code in created:
            continue
        if code in units:
            problems.append((("units", index, "code"), _("mã '{code}' đã có (đơn vị của tỉnh)").format(
                code=unit.code)))
        for alias in (unit.code, unit.name, *unit.aliases):
            owner = state.names.get(fold(alias))
            if owner and owner != code:
                problems.append((("units", index, "aliases"), _(
                    "tên gọi '{alias}' đã trỏ tới đơn vị {other}").format(alias=alias, other=owner)))
        units[code] = (unit.valid_from, None)
    tasks = {code: list(rows) for code, rows in state.leads.items()}
    successors = dict(state.successors)
    seen: dict[tuple[str, date], int] = {}
    decision: set[str] = set()
    order = sorted(range(len(spec.events)), key=lambda i: spec.events[i].date)

    def in_force(code: str, day: date) -> bool:
        start, end = units.get(code, (None, None))
        return (start is None or start <= day) and (end is None or end >= day)

    for index in order:
        event = spec.events[index]
        day = event.date
        where: Path_ = ("events", index)
        if index in applied:
            for code in event.subjects:
                seen.setdefault((code, day), index)
            continue
        if not span_start <= day <= span_end:
            problems.append(((*where, "date"), _("ngày {day} nằm ngoài thời gian kế hoạch ({start} – {end})").format(
                day=day, start=span_start, end=span_end)))
        for code in event.subjects:
            if (code, day) in seen:
                problems.append((where, _("đơn vị {code} đã có một sự kiện cùng ngày {day} (sự kiện {first})").format(
                    code=code, day=day, first=seen[(code, day)])))
            seen.setdefault((code, day), index)
            if code not in units:
                problems.append((where, _("đơn vị '{code}' không có trong kế hoạch hay trong units").format(code=code)))
            elif not in_force(code, day - timedelta(days=1)):
                problems.append((where, _("đơn vị {code} đã không còn hoạt động trước ngày {day}").format(
                    code=code, day=day)))
        moves = event_tasks[index]
        for task, owner in event.tasks.items():
            if owner.lower() == DECISION:
                problems.append(((*where, "tasks", task), _(
                    "nhiệm vụ {task} sẽ không còn đơn vị chủ trì: ghi mã đơn vị nhận (nếu chưa rõ, dùng "
                    "retire với tasks_to: decision)").format(task=task)))
        targets = {t.upper() for t in event.tasks.values() if t.lower() != DECISION}
        target = (event.into or (event.tasks_to if event.tasks_to != DECISION else None) or "").upper()
        for code in sorted({target, *targets} - {""}):
            chain = _chain(successors, code)
            looped = next((subject for subject in event.subjects if subject in chain), None)
            if looped:
                cycle = [looped, *chain[:chain.index(looped) + 1]]
                problems.append((where, _("vòng kế thừa: {cycle}").format(cycle=" → ".join(cycle))))
            elif code not in units:
                problems.append((where, _("đơn vị nhận '{code}' không có trong kế hoạch hay trong units").format(
                    code=code)))
            elif not in_force(code, day):
                problems.append((where, _("đơn vị nhận {code} không hoạt động vào ngày {day}").format(
                    code=code, day=day)))
        if problems:
            continue
        # Apply the event to the simulated registry, to find what it leaves without an owner.
        end = day - timedelta(days=1)
        for code in event.subjects:
            if event.kind == "rename":
                continue
            moving = {t for t, rows in tasks.items() if any(u == code and _open(f, to, day) for u, _r, f, to in rows)}
            if event.kind == "split":
                for task in moves:
                    if task not in moving:
                        problems.append(((*where, "tasks", task.partition(":")[2]), _(
                            "đơn vị {code} không phụ trách nhiệm vụ {task} vào ngày {day}").format(
                            code=code, task=task.partition(":")[2], day=day)))
                moving &= set(moves)
            for task in moving:
                rows = tasks[task]
                new_owner = moves.get(task, target).upper() if (moves.get(task) or target) else ""
                # As the loader does: a lead part landing on the coordinator is dropped (it cannot owe the
                # reports sent to itself), which may leave the task without a lead (_orphans says so).
                dropped = (new_owner == state.coordinators.get(task.partition(":")[0]) and task not in moves)
                for position, (holder, role, start, stop) in enumerate(list(rows)):
                    if holder == code and _open(start, stop, day):
                        rows[position] = (holder, role, start, end)
                        if new_owner and not (dropped and role == "lead"):
                            rows.append((new_owner, role, day, None))
                if not new_owner:
                    decision.add(task)
            if event.kind in ("merge", "retire"):
                units[code] = (units[code][0], end)
                if target:
                    successors[code] = target
    problems.extend(_cycles(successors, spec))
    if not problems:
        problems.extend(_orphans(tasks, spec, decision))
    return [located.problem(path, message) for path, message in problems]


def _chain(successors: dict[str, str], code: str) -> list[str]:
    """`code` and the units its work passed to, in order."""
    chain = [code]
    while (code := successors.get(code, "")) and code not in chain:
        chain.append(code)
    return chain


def _open(start: date | None, stop: date | None, day: date) -> bool:
    return (start is None or start <= day) and (stop is None or stop >= day)


def _cycles(successors: dict[str, str], spec: ReorgFile) -> list[tuple[Path_, str]]:
    index_of = {code: i for i, e in enumerate(spec.events) for code in e.subjects}
    problems: list[tuple[Path_, str]] = []
    reported: set[str] = set()
    for start in successors:
        chain, current = [start], successors.get(start)
        while current and current not in chain:
            chain.append(current)
            current = successors.get(current)
        if current and current not in reported:
            cycle = chain[chain.index(current):]
            reported.update(cycle)
            problems.append((("events", index_of.get(current, 0)), _("vòng kế thừa: {cycle}").format(
                cycle=" → ".join([*cycle, current]))))
    return problems


def _orphans(tasks: dict[str, list[tuple[str, str, date | None, date | None]]], spec: ReorgFile,
             decision: set[str]) -> list[tuple[Path_, str]]:
    problems: list[tuple[Path_, str]] = []
    days = sorted({e.date for e in spec.events})
    by_day: dict[date, list[int]] = defaultdict(list)
    for index, event in enumerate(spec.events):
        by_day[event.date].append(index)
    for task, rows in sorted(tasks.items()):
        if task in decision or not any(r == "lead" for _u, r, _f, _t in rows):
            continue
        for day in days:
            if not any(r == "lead" and _open(f, t, day) for _u, r, f, t in rows):
                problems.append((("events", by_day[day][0]), _(
                    "nhiệm vụ {task} không còn đơn vị chủ trì từ ngày {day}").format(task=_label(task), day=day)))
                break
    return problems


def _label(task: str) -> str:
    """A qualified task key as people read it: "IV.5.a (VL-3064-2023)"."""
    plan, _sep, code = task.partition(":")
    return f"{code} ({plan})" if code else task
