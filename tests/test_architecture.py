"""The shape of the code, checked: imports run one way, no module grows past what one reader holds in
mind, no dead code (vulture, with a reviewed allow-list).
docs/architecture.md draws the layers these tests hold."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "jobs", "models", "locales", "plans")
# What each layer may import of ours. `models` (the domain: tables, plan files, rules, the outbox's data)
# and the neutral `locales` sit at the bottom; `handlers` (what the bot answers) and `jobs` (what it does on
# its own) build on them and never on each other — they meet through ports (handlers.core.Exports) that
# the composition root (`bot/`) fills; `bot` wires everything.
ALLOWED = {
    "plans": set(),
    "locales": set(),
    "models": {"locales", "plans"},
    "handlers": {"models", "locales", "plans"},
    "jobs": {"models", "locales", "plans"},
    "bot": {"handlers", "jobs", "models", "locales", "plans"},
}
MAX_LINES = 450


def _sources(package: str) -> list[Path]:
    return [p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]


def _imports(source: str, module: str) -> list[tuple[int, str]]:
    """Every module `source` (the text of `module`, e.g. "models.status") imports, lazy imports inside
    functions and relative imports included."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.ImportFrom):  # relative: resolved against the module's package
            parts = module.split(".")[:-node.level]
            found.append((node.lineno, ".".join([*parts, node.module or ""]).strip(".")))
    return found


def _wrong_imports(source: str, module: str) -> list[str]:
    package = module.split(".")[0]
    return [f"{module}:{line}: {package} imports {imported}" for line, imported in _imports(source, module)
            if (top := imported.split(".")[0]) in PACKAGES and top != package and top not in ALLOWED[package]]


def test_imports_run_one_way():
    wrong = []
    for package in PACKAGES:
        for path in _sources(package):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            wrong += _wrong_imports(path.read_text(encoding="utf-8"), module)
    assert wrong == []


def test_the_layer_rule_catches_imports_that_run_back_up():
    assert _wrong_imports("from handlers.core import Context\n", "models.status") == [
        "models.status:1: models imports handlers.core"]
    assert _wrong_imports("def f():\n    import jobs.digest\n", "handlers.status") == [
        "handlers.status:2: handlers imports jobs.digest"]  # a lazy import counts too
    assert _wrong_imports("from ..jobs import tick\n", "handlers.status") == [
        "handlers.status:1: handlers imports jobs"]
    assert _wrong_imports("from models.status import snapshot\n", "handlers.status") == []


def test_no_module_is_longer_than_one_reader_holds_in_mind():
    long = [f"{path.relative_to(ROOT)}: {n} lines" for package in PACKAGES for path in _sources(package)
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert long == []


def _tool(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).parent / name)
    if not Path(found).exists():
        pytest.fail(f"{name} is not installed: it is in the test extras (pip install -e '.[test]')")
    return found


def test_no_dead_code():
    """vulture over the sources (not the tests: code used only by tests is dead code too), with the
    names it cannot see being used — framework hooks, library attributes set, table columns — listed
    and explained in tests/dead_code_allowlist.py."""
    result = subprocess.run(
        [_tool("vulture"), *PACKAGES, "docs", "bench", "tests/dead_code_allowlist.py", "--min-confidence", "60",
         "--exclude", "*/migrations/*",
         # Called by the frameworks they are registered with: Typer commands, routers, pydantic validators.
         "--ignore-decorators", "@app.command,@*.command,@router.*,@*.button,@field_validator,@model_validator,"
                                "@on_plan,@app.callback,@property"],
        cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_types_check():
    """mypy over the packages as pyproject.toml's [tool.mypy] configures it (files, the pydantic plugin, the
    libraries without types); with warn_unused_ignores, every `# type: ignore` left must still be needed."""
    result = subprocess.run([_tool("mypy")], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_start_up_loads_no_renderer():
    """matplotlib, openpyxl and python-docx load when something is rendered, alembic when a migration runs and
    python-telegram-bot when a Telegram channel starts, not when the bot or a command starts (issue 18: start-up
    time and memory)."""
    code = ("import sys, bot.cli, bot.root, bot.web.app, handlers.yearly, jobs.runner, jobs.exports; "
            "print(sorted(m for m in ('matplotlib', 'openpyxl', 'docx', 'alembic', 'telegram') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_a_database_already_at_the_newest_schema_is_not_migrated_again(tmp_path):
    """The usual start: the recorded revision is the newest file's, so alembic is not loaded at all; a new
    database is migrated (and then alembic is loaded); the files' newest revision is alembic's own head."""
    code = ("import asyncio, sys\n"
            "from models.store import db\n"
            "engine = db.make_engine(sys.argv[1])\n"
            "asyncio.run(db.upgrade(engine))\n"
            "print('alembic' in sys.modules, db.files_head())\n")
    url = f"sqlite:///{tmp_path / 'schema.db'}"
    runs = [subprocess.run([sys.executable, "-c", code, url], cwd=ROOT, capture_output=True, text=True, check=True)
            for _ in range(2)]
    from models.store import db

    head = db.head_revision()
    assert head is not None and [r.stdout.split() for r in runs] == [["True", head], ["False", head]]
