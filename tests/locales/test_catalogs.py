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
