"""Jinja2 templates, translated through our gettext functions (locales._, ngettext).

Templates call the same gettext function as the Python code, and format with `.format(...)` after it, so
that one catalog with one placeholder style serves both (`python -m locales` extracts from templates).
Autoescaping is on: every value a person typed (notes, obstacles) is escaped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from bot.web import charts
from locales import _, current_locale, ngettext

HERE = Path(__file__).parent


class Renderer:
    def __init__(self) -> None:
        self.env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                               extensions=["jinja2.ext.i18n"], undefined=StrictUndefined, trim_blocks=True,
                               lstrip_blocks=True)
        self.env.install_gettext_callables(_, ngettext, newstyle=False)  # type: ignore[attr-defined]
        self.env.globals.update(unit_bars=charts.unit_bars, progress=charts.progress)
        self.stylesheet = (HERE / "static" / "style.css").read_bytes()

    def render(self, template: str, **context: Any) -> str:
        return self.env.get_template(template).render(lang=current_locale(), **context)
