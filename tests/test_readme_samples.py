"""The README's sample reminder and digest are what the bot makes: docs/render_digest.py builds them from a
database of made-up reports with the bot's own code, and the README must quote them as they are now."""

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def quoted(name: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- sample:{name} -->\n```text\n(.*?)\n```", text, re.DOTALL)
    assert match, f"README has no sample:{name}"
    return match.group(1)


async def test_the_readme_quotes_the_reminder_and_digest_the_bot_makes(tmp_path):
    spec = importlib.util.spec_from_file_location("render_digest", ROOT / "docs" / "render_digest.py")
    assert spec and spec.loader
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    reminder, digest, chart = await script.samples(f"sqlite:///{tmp_path / 'nhacviec.db'}")
    assert quoted("reminder") == reminder
    assert quoted("digest") == digest
    assert chart.startswith(b"\x89PNG") and (ROOT / "docs" / "images" / "ban-tin-tuan.png").is_file()
