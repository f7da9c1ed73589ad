"""What every YAML file of ours is made of: strict models, codes, texts, unit kinds."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"
Code = Annotated[str, Field(pattern=CODE_PATTERN)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
ShortTitle = Annotated[str, Field(min_length=1, max_length=80)]
# The parts of a task's assignment that a plan file may mark as inferred (not stated by the document).
InferredPart = Literal["lead", "support", "schedules", "reporting"]


class Strict(BaseModel):
    """Unknown keys are refused (a typo must not be silently ignored); texts are trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


UnitKind = Literal["so", "ubnd", "hoi", "bao_dai", "cuc", "van_phong", "ban", "khac"]
