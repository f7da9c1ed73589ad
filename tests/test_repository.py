"""The promises the repository makes to whoever clones it."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"<!-- command:(\w+) -->\s*```(?:bash|sh)?\n(.+?)\n```", text, flags=re.S)


def test_readme_has_the_two_setup_commands_and_ci_runs_the_test_one():
    commands = dict(readme_commands())
    assert set(commands) >= {"run", "test"}
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands["test"].strip() in ci


def test_ruff_is_clean():
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    result = subprocess.run([ruff, "check", "--quiet", str(ROOT)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
