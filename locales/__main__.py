"""Keep the catalogs in step with the code: `python -m locales` (update) or `--check` (CI).

Extracts every `_()`, `N_()` and `ngettext()` from the packages (Python and the web view's Jinja2
templates), merges into `vi` and `en`,
fills the Vietnamese msgstr with the msgid (ids are Vietnamese), compiles the .mo files, and
lists English entries still to translate. `--check` changes nothing and fails if anything is
missing, untranslated, obsolete, or if a .mo file is out of date.
"""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from locales import DOMAIN, LOCALE_DIR, SUPPORTED

ROOT = LOCALE_DIR.parent
PACKAGES = ("bot", "handlers", "jobs", "models", "locales")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
# Python everywhere; the web view's Jinja2 templates call the same `_()` (bot/web/render.py).
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2.ext:babel_extract")]


# Fixed dates keep the files reproducible: regenerating them must not show up as a change.
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
_HEADER = "# Nhắc việc — bản dịch ({locale}).\n# Cập nhật bằng `python -m locales`; id là tiếng Việt."


def _new_catalog(locale: str | None) -> Catalog:
    return Catalog(locale=locale, domain=DOMAIN, project="nhacviec", version="0.1", charset="utf-8",
                   fuzzy=False, creation_date=_EPOCH, revision_date=_EPOCH,
                   header_comment=_HEADER.format(locale=locale or "template"),
                   last_translator="nhacviec", language_team=locale or "")


def extract() -> Catalog:
    """A fresh template each call: Catalog.update() adopts the template's Message objects."""
    catalog = _new_catalog(None)
    for package in PACKAGES:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / package, method_map=METHODS, keywords=KEYWORDS, comment_tags=("NOTE:",),
            strip_comment_tags=True, options_map={"**/templates/**.html": {"trimmed": "true"}},
        ):
            catalog.add(message, None, [(f"{package}/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def load(locale: str) -> Catalog:
    path = po_path(locale)
    if not path.exists():
        return _new_catalog(locale)
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale, domain=DOMAIN)
    catalog.creation_date = catalog.revision_date = _EPOCH
    return catalog


def merged(locale: str, template: Catalog) -> Catalog:
    catalog = load(locale)
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    catalog.fuzzy = False
    if locale == "vi":
        for message in catalog:
            if message.id and not _translated(message):
                message.string = message.id
    return catalog


def _translated(message) -> bool:
    if isinstance(message.string, tuple | list):
        return all(message.string)
    return bool(message.string)


def _po_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, no_location=True, sort_output=True, include_previous=False)
    return buffer.getvalue()


def _mo_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def problems() -> list[str]:
    template = extract()
    found = []
    for locale in SUPPORTED:
        current = load(locale)
        ids = {m.id if isinstance(m.id, str) else m.id[0] for m in current if m.id}
        for message in template:
            if not message.id:
                continue
            key = message.id if isinstance(message.id, str) else message.id[0]
            if key not in ids:
                found.append(f"{locale}: missing {key!r}")
            elif not _translated(current[message.id]):
                found.append(f"{locale}: untranslated {key!r}")
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id}
        found += [f"{locale}: obsolete {key!r}" for key in sorted(ids - wanted)]
        mo = po_path(locale).with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != _mo_bytes(current):
            found.append(f"{locale}: {mo.name} is out of date (run `python -m locales`)")
    return found


def update() -> int:
    pending = 0
    for locale in SUPPORTED:
        catalog = merged(locale, extract())
        path = po_path(locale)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_po_bytes(catalog))
        path.with_suffix(".mo").write_bytes(_mo_bytes(catalog))
        for message in catalog:
            if message.id and not _translated(message):
                pending += 1
                print(f"{locale}: to translate: {message.id!r}")
    return pending


def main(argv: list[str]) -> int:
    if "--check" in argv:
        found = problems()
        for line in found:
            print(line)
        return 1 if found else 0
    pending = update()
    print(f"catalogs updated; {pending} message(s) to translate")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
