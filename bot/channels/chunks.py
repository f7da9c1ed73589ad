"""Long replies cut to a platform's message size (Telegram 4,096 characters, Zalo 2,000)."""

from __future__ import annotations


def split_text(text: str, limit: int) -> list[str]:
    """Cut at line breaks, then spaces; a word is only cut when it alone is longer than the limit."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut < limit // 2:
            cut = rest.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    chunks.append(rest.rstrip())
    return [c for c in chunks if c] or [""]
