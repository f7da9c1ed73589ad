"""Button data: what a pressed option says, packed into Telegram's 64 bytes and read back typed.

Each kind of button is a small frozen dataclass declaring its prefix and fields:

    class StatusOfUnit(Button, prefix="ti"):
        unit: int

    StatusOfUnit(unit=12, owner=7).pack()      →  "ti:7:12"
    Button.unpack("ti:7:12")                   →  StatusOfUnit(owner=7, unit=12)

Telegram does not sign callback data: anyone can send any string as if they had pressed a button. So
every button names the member it was made for (`owner`; 0 when anyone may press it, as in a group) and
the router refuses a press by someone else; and `unpack` checks every field's type, so forged data is
a polite no, never a crash.
"""

from __future__ import annotations

import dataclasses
import enum
from typing import Any, ClassVar, get_type_hints

MAX_BYTES = 64  # Telegram's limit on callback data
MAX_ID = 2**31 - 1  # ids are INTEGER columns: PostgreSQL refuses a larger number in a query on them
SEPARATOR = ":"


class BadButton(ValueError):
    """The data does not read as any button (forged, truncated, or from an older version of the bot)."""


_KINDS: dict[str, type[Button]] = {}


@dataclasses.dataclass(frozen=True, kw_only=True)
class Button:
    PREFIX: ClassVar[str] = ""
    _FIELDS: ClassVar[tuple[tuple[str, Any], ...]] = ()
    owner: int = 0  # the member this button was made for; 0: whoever may use it

    def __init_subclass__(cls, *, prefix: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not prefix or SEPARATOR in prefix or prefix in _KINDS:
            raise ValueError(f"button prefix {prefix!r} is empty, has '{SEPARATOR}' or is taken")
        cls.PREFIX = prefix
        _KINDS[prefix] = cls

    @classmethod
    def _fields(cls) -> tuple[tuple[str, Any], ...]:
        if "_FIELDS" not in cls.__dict__:  # types resolved once per class (annotations are strings here)
            hints = get_type_hints(cls)
            cls._FIELDS = tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls) if f.name != "owner")
        return cls._FIELDS

    def pack(self) -> str:
        parts = [self.PREFIX, str(self.owner)]
        fields = self._fields()
        for index, (name, _kind) in enumerate(fields):
            text = str(getattr(self, name).value if isinstance(getattr(self, name), enum.Enum)
                       else getattr(self, name))
            if SEPARATOR in text and index < len(fields) - 1:  # only the last field may hold the separator
                raise ValueError(f"{type(self).__name__}.{name} may not contain '{SEPARATOR}': {text!r}")
            parts.append(text)
        data = SEPARATOR.join(parts)
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"button data over {MAX_BYTES} bytes: {data!r}")
        return data

    @staticmethod
    def unpack(data: str) -> Button:
        prefix, _sep, rest = data.partition(SEPARATOR)
        kind = _KINDS.get(prefix)
        if kind is None:
            raise BadButton(data)
        fields = kind._fields()
        owner, *values = rest.split(SEPARATOR, len(fields)) if rest else [""]
        if len(values) != len(fields):
            raise BadButton(data)
        converted: dict[str, Any] = {"owner": _convert(int, owner, data)}
        for (name, field_type), text in zip(fields, values, strict=True):
            converted[name] = _convert(field_type, text, data)
        return kind(**converted)


def _convert(field_type: Any, text: str, data: str) -> Any:
    if field_type is int:
        # ASCII digits only: str.isdigit() also accepts "²" and "١", which int() then refuses or reads;
        # every int field is an id (or a small counter): past MAX_ID it names no row and would fail the query.
        if not (text.isascii() and text.isdigit()) or len(text) > 10 or int(text) > MAX_ID:
            raise BadButton(data)
        return int(text)
    if field_type is str:
        return text
    if isinstance(field_type, type) and issubclass(field_type, enum.Enum):
        try:
            return field_type(text)
        except ValueError:
            raise BadButton(data) from None
    raise TypeError(f"unsupported button field type {field_type!r}")


# --- buttons that the bot's own messages carry (made by jobs, answered by handlers) --------------------


class Answer(enum.StrEnum):
    yes = "yes"
    no = "no"


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReportNow(Button, prefix="go"):
    """"Báo cáo ngay" under a reminder: report on what that message listed."""

    delivery: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class ConfirmSuccession(Button, prefix="cf"):
    """A focal point of a merged unit says whether they carry on for its successor."""

    grant: int
    answer: Answer


class ReviewAct(enum.StrEnum):
    accept = "a"
    ret = "r"  # "return" is a keyword


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReviewReport(Button, prefix="rw"):
    """Accept / Return under a report in the daily list of new reports."""

    report: int
    act: ReviewAct


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReviseReport(Button, prefix="rv"):
    """"Sửa báo cáo" under a returned report's comment: a new version, starting from the returned one."""

    report: int
