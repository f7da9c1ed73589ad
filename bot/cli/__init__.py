"""The `nhacviec` command: one module per group of commands, all registered on one Typer app."""

from __future__ import annotations

from bot.cli import (  # noqa: F401  (each registers its commands)
    baseline,
    database,
    exceptions,
    member,
    plans,
    reorg,
    reports,
    review,
    run,
    schedule,
    units,
    version,
    web,
)
from bot.cli.common import app


def main() -> None:
    app()


if __name__ == "__main__":
    main()
