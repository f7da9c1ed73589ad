"""Every user-facing string is in both catalogs, English is complete, and the .mo files are current."""

from datetime import date

from locales import _, format_day, format_number, use_locale
from locales import __main__ as catalogs


def test_catalogs_are_complete_and_compiled():
    assert catalogs.problems() == []


def test_vietnamese_and_english_dates_and_numbers():
    assert format_day(date(2025, 12, 15)) == "Thứ Hai, 15/12/2025"
    assert format_number(8.3) == "8,3" and format_number(1234567) == "1.234.567"
    with use_locale("en"):
        assert format_day(date(2025, 12, 15)) == "Monday, 15/12/2025"
        assert format_number(8.3) == "8.3"
        assert _("Đã thay đổi:") == "Changed:"


def test_no_translatable_literal_escapes_extraction():
    """`_("…")` inside an f-string is invisible to the extractor and would never be translated."""
    import ast
    import re

    extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogs.extract() if m.id}
    literal = re.compile(r"""\b(?:_|N_)\((["'])((?:(?!\1).)+)\1\)""")
    missed = []
    for package in catalogs.PACKAGES:
        for path in (catalogs.ROOT / package).rglob("*.py"):
            for match in literal.finditer(path.read_text(encoding="utf-8")):
                if ast.literal_eval(match.group(1) + match.group(2) + match.group(1)) not in extracted:
                    missed.append(f"{path.relative_to(catalogs.ROOT)}: {match.group(2)!r}")
    assert missed == []
