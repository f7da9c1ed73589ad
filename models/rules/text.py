"""Loose matching of what people type: case, diacritics, NFC/NFD and punctuation do not matter.

Vietnamese keyboards send both composed (NFC) and decomposed (NFD) text, and people on phones
often skip diacritics: "Sở KH&CN", "so khcn" and "SỞ KH-CN" must meet on one key.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    without = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # đ/Đ is a letter of its own, not d plus a mark, so NFD leaves it alone.
    return unicodedata.normalize("NFC", without.replace("đ", "d").replace("Đ", "D"))


def fold(text: str) -> str:
    """Key for loose comparison: lower-case ASCII letters and digits only."""
    return _NON_ALNUM.sub("", strip_diacritics(text).lower())


# C0 controls but tab and newline, DEL, C1 controls, lone surrogates and the non-characters U+FFFE/U+FFFF:
# nothing a person means to write, and each one breaks some consumer (openpyxl and lxml refuse them,
# a terminal obeys them). What people typed is kept minus these, silently.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """`text` without the characters no reader can use (see _UNPRINTABLE); everything else kept."""
    return _UNPRINTABLE.sub("", text)


def unprintable(text: str) -> Iterator[tuple[int, str]]:
    """Where `clean` would remove something, as (index, character): for files, which are refused with
    the place rather than silently changed."""
    for match in _UNPRINTABLE.finditer(text):
        yield match.start(), match.group()
