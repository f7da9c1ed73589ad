"""The keys under which a task code may be typed ("ii3", "II.3" and "2.3" all find task II.3).

Units and tasks are found through the plan catalog (models/catalog.py), which folds what people type
the same way (models.rules.text.fold) and follows units that have merged to their successors.
"""

from __future__ import annotations

import re

from models.rules.text import fold

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}
_LEADING_ROMAN = re.compile(r"^(x|ix|viii|vii|vi|v|iv|iii|ii|i)(?=[^a-z]|$)", re.IGNORECASE)


def task_keys(code: str) -> set[str]:
    """Keys under which a task code may be typed: "IV.1.a" → {"iv1a", "41a"}."""
    keys = {fold(code)}
    match = _LEADING_ROMAN.match(code.strip())
    if match:
        keys.add(fold(str(_ROMAN[match.group(1).lower()]) + code.strip()[match.end():]))
    return {k for k in keys if k}
