"""A report being written: its steps, its draft, and what an answer to a step can do.

The draft lives in the conversation row (as JSON), so a half-finished report survives a restart and
expires with the conversation (24 hours untouched).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date
from enum import StrEnum
from typing import Any

from models.store.tables import ReportStatus


class Step(StrEnum):
    unit = "unit"  # which unit (a coordinator, or a person with several units)
    item = "item"  # which task and period
    status = "status"
    percent = "percent"
    indicator = "indicator"  # one indicator value at a time
    note = "note"
    obstacles = "obstacles"
    proposals = "proposals"  # asked only when there are obstacles
    confirm = "confirm"


class Mode(StrEnum):
    guided = "guided"  # every step, then a confirmation
    quick = "quick"  # only what cannot be guessed (a one-line report, a reply to a reminder)


@dataclass(kw_only=True)
class Draft:
    mode: Mode = Mode.guided
    via: str = "guided"  # guided | oneline | reply: how the report came, kept with it
    raw: str = ""  # the one line as typed (a guided report keeps its answers instead)
    # Narrowing down: the unit, the tasks named, the candidates offered at a choosing step.
    unit_id: int | None = None
    task_ids: list[int] | None = None
    choices: list[Any] = field(default_factory=list)  # unit ids, or [assignment, period] pairs
    # The obligation chosen, with what the later steps and the confirmation show.
    assignment_id: int | None = None
    period_id: int | None = None
    task_id: int | None = None
    task_code: str = ""
    task_title: str = ""
    unit_code: str = ""
    due: date | None = None
    period: str = ""
    # The report.
    status: ReportStatus | None = None
    percent: int | None = None
    values: dict[str, str | None] = field(default_factory=dict)  # indicator id → value typed (None: skipped)
    indicator: int | None = None  # the indicator being asked
    note: str = ""
    obstacles: str = ""
    proposals: str = ""
    asked: list[str] = field(default_factory=list)  # steps answered (a skipped text is asked, and empty)
    typed: list[str] = field(default_factory=list)  # every answer as typed, for the report's raw text
    confirmed: bool = False

    @property
    def chosen(self) -> bool:
        return self.assignment_id is not None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["due"] = self.due.isoformat() if self.due else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Draft:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if values.get("due"):
            values["due"] = date.fromisoformat(values["due"])
        if values.get("status"):
            values["status"] = ReportStatus(values["status"])
        if "mode" in values:
            values["mode"] = Mode(values["mode"])
        return cls(**values)

    def restart_report(self) -> None:
        """"Làm lại": everything typed about the report goes; what it is about stays."""
        self.status, self.percent, self.values, self.indicator = None, None, {}, None
        self.note = self.obstacles = self.proposals = ""
        self.asked = []
        self.confirmed = False


@dataclass(frozen=True)
class Ok:
    """The answer was taken; move on."""


@dataclass(frozen=True)
class Retry:
    """The answer cannot be used: say why (with an example) and ask the same step again."""

    message: str


@dataclass(frozen=True)
class Cancel:
    """The person dropped the report."""


Answer = Ok | Retry | Cancel
