"""Translations and locale-aware formatting, usable from every layer.

Message ids are written in Vietnamese: the product is Vietnamese first, so a string that a
translator has not reached yet still shows in the users' language. `en` must be complete
(tests/locales checks it). The locale is a context variable because one process serves
people who chose different languages (/ngonngu).
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel.dates import format_date as _babel_format_date
from babel.numbers import format_decimal as _babel_format_decimal

LOCALE_DIR = Path(__file__).parent
DOMAIN = "nhacviec"
SUPPORTED = ("vi", "en")

_default_locale = os.environ.get("NHACVIEC_LOCALE", "vi") if os.environ.get("NHACVIEC_LOCALE") in SUPPORTED else "vi"
_current: ContextVar[str | None] = ContextVar("nhacviec_locale", default=None)


def set_default_locale(locale: str) -> None:
    """Set the process-wide locale (from settings); per-user locales override it with `use_locale`."""
    global _default_locale
    if locale not in SUPPORTED:
        raise ValueError(locale)
    _default_locale = locale


def current_locale() -> str:
    return _current.get() or _default_locale


@contextmanager
def use_locale(locale: str | None) -> Iterator[None]:
    token = _current.set(locale if locale in SUPPORTED else None)
    try:
        yield
    finally:
        _current.reset(token)


@cache
def _translations(locale: str) -> _gettext.NullTranslations:
    return _gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[locale], fallback=True)


def _(message: str) -> str:
    return _translations(current_locale()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations(current_locale()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown, in the reader's locale."""
    return message


def format_day(d: date) -> str:
    """'Thứ Hai, 15/12/2025': the weekday matters to people planning their week."""
    return _babel_format_date(d, "EEEE, dd/MM/yyyy", locale=current_locale())


def format_date(d: date) -> str:
    return _babel_format_date(d, "dd/MM/yyyy", locale=current_locale())


def format_datetime(moment: datetime, tz) -> str:
    local = moment.astimezone(tz)
    return f"{local:%H:%M} {format_date(local.date())}"


def format_number(value: Decimal | int | float) -> str:
    """Vietnamese groups with '.' and uses ',' for decimals: 1.234,5."""
    return _babel_format_decimal(value, locale=current_locale())
