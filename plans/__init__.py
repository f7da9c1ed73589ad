"""Plan files shipped with the bot."""

from pathlib import Path

PLANS_DIR = Path(__file__).parent
DEFAULT_PLAN = PLANS_DIR / "vinh-long-3064.yaml"
