"""Read a YAML file into plain Python values, remembering the line of every key and item.

PyYAML's `safe_load` forgets where things came from and silently keeps the last of two
duplicate keys; people editing a plan file need "line 42: units[3].code: …" instead.
Aliases are refused: a plan never needs them, and they are how "billion laughs" files blow up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from locales import _
from models.rules.text import unprintable

MAX_BYTES = 2 * 1024 * 1024  # the Vĩnh Long plan is ~30 kB; anything near this is not a plan
MAX_DEPTH = 40

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class SourceError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class Located:
    """Values read from a file plus the line of each path inside it."""

    file: str
    value: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int | None:
        """Line of the deepest part of `path` that exists in the file."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None

    def problem(self, path: Path_, message: str) -> Problem:
        return Problem(self.file, self.line_of(path), format_path(path), message)


def format_path(path: Path_) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def read(path: Path | str, display: str | None = None) -> Located:
    name = display or str(path)
    source = Path(path)
    try:
        size = source.stat().st_size
        if source.is_dir():
            raise SourceError([Problem(name, None, "", _(
                "đây là một thư mục, không phải tệp; hãy ghi đường dẫn tới tệp .yaml"))])
    except OSError as error:
        raise SourceError([Problem(name, None, "", _("không đọc được tệp: {reason}").format(
            reason=error.strerror or error))]) from error
    if size > MAX_BYTES:
        raise SourceError([Problem(name, None, "", _(
            "tệp quá lớn ({size} MB); một tệp kế hoạch không vượt quá {limit} MB"
        ).format(size=round(size / 1_048_576, 1), limit=MAX_BYTES // 1_048_576))])
    try:
        raw = source.read_bytes()
    except OSError as error:  # a special file, a permission, a disk that went away between stat and read
        raise SourceError([Problem(name, None, "", _("không đọc được tệp: {reason}").format(
            reason=error.strerror or error))]) from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError([Problem(name, None, "", _(
            "tệp không phải UTF-8 (byte lỗi ở vị trí {pos}); hãy lưu lại với mã hóa UTF-8"
        ).format(pos=error.start))]) from error
    return parse(text, name)


MAX_REPORTED = 10  # control characters named one by one; a binary file would list thousands


def _line_of(text: str, index: int) -> tuple[int, int]:
    """(line, column), both from 1, of a character index."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _control_characters(text: str, name: str) -> list[Problem]:
    """Characters `models.rules.text.clean` removes from what people type (C0 and C1 controls, DEL, …),
    except the carriage return of Windows line ends: in a file they are refused with their place, as
    any other mistake is, rather than silently dropped."""
    problems = []
    for index, character in unprintable(text):
        if character == "\r":
            continue
        line, column = _line_of(text, index)
        problems.append(Problem(name, line, "", _(
            "ký tự điều khiển U+{code:04X} ở cột {column} không được phép trong tệp; hãy xóa nó").format(
            code=ord(character), column=column)))
        if len(problems) == MAX_REPORTED:
            break
    return problems


# libyaml's loader when PyYAML was built with it (the wheels are): 10 times faster, which is most of the
# bot's start-up work on an unchanged plan; the same nodes, marks and errors.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _too_deep(name: str) -> SourceError:
    return SourceError([Problem(name, None, "", _("lồng nhau quá sâu (tối đa {depth} cấp)").format(depth=MAX_DEPTH))])


def parse(text: str, name: str) -> Located:
    if problems := _control_characters(text, name):
        raise SourceError(problems)
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        if "nesting depth" in (error.problem or ""):  # libyaml's own limit (1,000), where PyYAML recursed
            raise _too_deep(name) from None
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise SourceError([Problem(name, line, "", _("YAML không hợp lệ: {what}").format(
            what=error.problem or error.context or "?"))]) from error
    except yaml.reader.ReaderError as error:  # a character PyYAML refuses that the check above let through
        line, column = _line_of(text, error.position)
        raise SourceError([Problem(name, line, "", _(
            "ký tự U+{code:04X} ở cột {column} không được phép trong tệp; hãy xóa nó").format(
            code=error.character if isinstance(error.character, int) else ord(error.character),
            column=column))]) from None
    except yaml.YAMLError as error:
        raise SourceError([Problem(name, None, "", _("YAML không hợp lệ: {what}").format(
            what=error))]) from error
    except RecursionError:
        # PyYAML composes nested nodes recursively; a file nested thousands of levels deep (no plan is:
        # MAX_DEPTH) exhausts the stack before _convert can say where. `from None`: 3,000 frames of nothing.
        raise _too_deep(name) from None
    located = Located(name, None)
    problems = []
    if root is None:
        raise SourceError([Problem(name, None, "", _("tệp rỗng"))])
    located.value = _convert(root, (), located, problems, set(), 0)
    if problems:
        raise SourceError(problems)
    return located


_constructor = yaml.SafeLoader("")


def _convert(node: yaml.Node, path: Path_, located: Located, problems: list[Problem], seen: set[int],
             depth: int) -> Any:
    line = node.start_mark.line + 1
    located.lines.setdefault(path, line)
    if id(node) in seen:
        problems.append(Problem(located.file, located.lines.get(path, line), format_path(path), _(
            "không dùng neo/tham chiếu YAML (&, *); hãy viết đầy đủ giá trị")))
        return None
    seen.add(id(node))
    if depth > MAX_DEPTH:
        problems.append(Problem(located.file, line, format_path(path), _("lồng nhau quá sâu")))
        return None
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem(located.file, key_line, format_path(path), _(
                    "khóa phải là một chuỗi đơn giản")))
                continue
            key = _scalar(key_node, path, located, problems)
            if isinstance(key, bool) or key is None:
                key = key_node.value  # "yes"/"no"/"null" as keys mean the words, not booleans
            if key in result:
                problems.append(Problem(located.file, key_line, format_path((*path, key)), _(
                    "khóa bị lặp (đã có ở dòng {line})").format(line=first_line[key])))
                continue
            first_line[key] = key_line
            located.lines[(*path, key)] = key_line
            result[key] = _convert(value_node, (*path, key), located, problems, seen, depth + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            located.lines[(*path, index)] = item.start_mark.line + 1
            items.append(_convert(item, (*path, index), located, problems, seen, depth + 1))
        return items
    return _scalar(node, path, located, problems)


def _scalar(node: yaml.Node, path: Path_, located: Located, problems: list[Problem]) -> Any:
    try:
        return _constructor.construct_object(node, deep=True)
    except (ValueError, yaml.constructor.ConstructorError) as error:
        if node.tag.endswith(":timestamp"):
            message = _("ngày không tồn tại: '{value}' (viết theo dạng NĂM-THÁNG-NGÀY, ví dụ 2025-12-15)")
        else:
            message = _("giá trị không hợp lệ '{value}': {reason}")
        problems.append(Problem(located.file, node.start_mark.line + 1, format_path(path),
                                message.format(value=node.value, reason=error)))
        return node.value
