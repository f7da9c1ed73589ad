"""Plan files shipped with the bot."""

from pathlib import Path

PLANS_DIR = Path(__file__).parent
DEFAULT_PLAN = PLANS_DIR / "vinh-long-3064.yaml"
DEFAULT_REORG = PLANS_DIR / "vinh-long-2025-reorg.yaml"  # the 2025 reorganisation of its units
# Not a real decision: a small plan sharing units with the Vĩnh Long plan, to show and test several plans.
EXAMPLE_PLAN = PLANS_DIR / "examples" / "vi-du-chuyen-doi-so.yaml"
