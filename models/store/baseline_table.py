"""The table of targets' figures entered by hand (models/baselines.py). It is registered with the other
tables by models/store/tables.py, which imports it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Numeric
from sqlmodel import Field, SQLModel

from models.store.base import UTCDateTime, utcnow


class TargetBaseline(SQLModel, table=True):
    """A year's figure of a target entered by hand by a coordinator: the years before the bot followed the
    plan (a cumulative target counts from the plan's start), with where the figure comes from. It is the
    year's figure for the whole province, in place of the reports of that year (models/year_targets.py)."""

    target_id: int = Field(foreign_key="target.id", primary_key=True)
    year: int = Field(primary_key=True)
    value: Decimal = Field(sa_type=Numeric(18, 4))
    source_note: str  # e.g. "Báo cáo 45/BC-SKHCN ngày 20/12/2021"
    entered_by: str  # the chat account, or "cli"
    member_id: int | None = Field(default=None, foreign_key="member.id")
    entered_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
