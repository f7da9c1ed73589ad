"""Options as a numbered list, for channels without buttons (Zalo, the console)."""

from __future__ import annotations

import re

from locales import _
from models.chat import Reply

_NUMBERED = re.compile(r"^\s*(\d+)[.)]\s")


def render(reply: Reply) -> str:
    if not reply.options:
        return reply.text
    if not reply.numbered:
        labels = " · ".join(f"“{option.label}”" for option in reply.options)
        return reply.text + "\n" + _("Có thể gõ: {choices}").format(choices=labels)
    lines = [reply.text, ""]
    for number, option in enumerate(reply.options, start=1):
        label = option.label
        match = _NUMBERED.match(label)
        lines.append(label if match and int(match.group(1)) == number else f"{number}. {label}")
    count = len(reply.options)
    hint = _("Trả lời bằng số 1.") if count == 1 else _("Trả lời bằng một số từ 1 đến {n}.").format(n=count)
    lines.append(hint)
    return "\n".join(lines)


def choice_for(text: str, last: Reply | None) -> str | None:
    """The option a bare number picks, if the last message offered numbered options."""
    if last is None or not last.options or not last.numbered:
        return None
    stripped = text.strip().rstrip(".")
    if stripped.isdigit() and 1 <= int(stripped) <= len(last.options):
        return last.options[int(stripped) - 1].value
    return None
