"""The `nhacviec` command: one module per group of commands, all registered on one Typer app."""

from __future__ import annotations

from bot.cli import baseline, database, member, plans, reorg, reports, run, schedule, units, version, web  # noqa: F401  (each registers its commands)
from bot.cli.common import app


def main() -> None:
    app()


if __name__ == "__main__":
    main()
