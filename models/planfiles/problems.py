"""From a file to a validated model, every problem said in Vietnamese with its file, line and key.

`read_model(path, Model, what)` is the one reader of plan and reorganisation files: read (size cap,
UTF-8, YAML with line numbers, no aliases) → validate against the pydantic model → hash. Pydantic's
errors become `Problem`s a person can act on; a file is never half-read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from locales import _
from models.planfiles import source
from models.planfiles.source import Located, Path_, Problem, SourceError

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Loaded(Generic[M]):
    """A validated file: what it says, where it came from, and the lines of its keys (for later checks)."""

    spec: M
    path: str
    sha256: str
    located: Located = field(compare=False, repr=False)


def read_model(path: Path | str, model: type[M], what: str, field_names: set[str]) -> Loaded[M]:
    """`what` is how to tell a person the file must look (e.g. "plan:, units:, tasks: …")."""
    located = source.read(path)
    if not isinstance(located.value, dict):
        raise SourceError([located.problem((), _("tệp phải là một bảng khóa: giá trị ({keys})").format(keys=what))])
    try:
        spec = model.model_validate(located.value)
    except ValidationError as error:
        raise SourceError(pydantic_problems(error, located, field_names)) from error
    return Loaded(spec, str(path), hashlib.sha256(Path(path).read_bytes()).hexdigest(), located)


def field_names(*models: type[BaseModel]) -> set[str]:
    return {name for model in models for name in model.model_fields}


def pydantic_problems(error: ValidationError, located: Located, names: set[str]) -> list[Problem]:
    problems: dict[tuple[Path_, str], Problem] = {}
    for item in error.errors(include_url=False):
        where = _existing_path(located.value, item["loc"], names)
        message = _message(item)
        key = (where, message)
        if key not in problems:
            problems[key] = located.problem(where, message)
    # A union (e.g. `due`) reports one error per alternative; keep one line per place.
    by_place: dict[Path_, list[Problem]] = {}
    for (where, _msg), problem in problems.items():
        by_place.setdefault(where, []).append(problem)
    return [items[0] for items in by_place.values()]


def _existing_path(value: Any, loc: tuple[Any, ...], names: set[str]) -> Path_:
    """The part of a pydantic location that names real keys and items of the file.

    Unions add type names ("str", "AfterCutoff") to locations; a missing or forbidden key is
    named even though it is not in the data, because it is the useful part of the message.
    """
    path: list[str | int] = []
    current = value
    for part in loc:
        if not _has(current, part):
            if isinstance(current, dict) and part in names:
                path.append(part)
            break
        current = current[part]
        path.append(part)
    return tuple(path)


def _has(container: Any, part: Any) -> bool:
    if isinstance(container, dict):
        return part in container
    return isinstance(container, list) and isinstance(part, int) and 0 <= part < len(container)


def _message(item: Mapping[str, Any]) -> str:
    kind = item["type"]
    ctx = item.get("ctx") or {}
    if kind == "missing":
        return _("thiếu khóa bắt buộc")
    if kind == "extra_forbidden":
        return _("khóa không được hỗ trợ (kiểm tra chính tả)")
    if kind.startswith("date"):
        return _("ngày không hợp lệ: '{value}' (viết theo dạng NĂM-THÁNG-NGÀY, ví dụ 2025-12-15)").format(
            value=item.get("input"))
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("cần một số nguyên, nhận được '{value}'").format(value=item.get("input"))
    if kind.startswith("decimal") or kind == "float_parsing":
        return _("cần một số, nhận được '{value}'").format(value=item.get("input"))
    if kind == "literal_error":
        return _("giá trị '{value}' không hợp lệ; chọn một trong: {allowed}").format(
            value=item.get("input"), allowed=ctx.get("expected", ""))
    if kind == "enum":
        return _("giá trị '{value}' không hợp lệ; chọn một trong: {allowed}").format(
            value=item.get("input"), allowed=ctx.get("expected", ""))
    if kind == "string_pattern_mismatch":
        return _("'{value}' không hợp lệ: mã chỉ gồm chữ không dấu, số, '.', '_' hoặc '-'; "
                 "hạn 'due' viết THÁNG-NGÀY").format(value=item.get("input"))
    if kind in ("too_short", "string_too_short"):
        return _("không được để trống")
    if kind in ("too_long", "string_too_long"):
        return _("quá dài")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return _("giá trị '{value}' ngoài khoảng cho phép").format(value=item.get("input"))
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return _("cần một bảng khóa: giá trị")
    if kind == "list_type":
        return _("cần một danh sách (mỗi mục một dòng bắt đầu bằng '- ')")
    if kind in ("string_type",):
        return _("cần một chuỗi văn bản")
    if kind == "value_error":
        return str(ctx.get("error", item.get("msg", "")))
    return str(item.get("msg", kind))
