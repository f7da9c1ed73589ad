"""`nhacviec --version`: the installed package's version, as pip knows it (what an upgrade changes)."""

from __future__ import annotations

from importlib import metadata
from typing import Annotated

import typer

from bot.cli.common import app
from locales import _


def installed_version() -> str:
    try:
        return metadata.version("nhacviec")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"nhacviec {installed_version()}")
        raise typer.Exit()


@app.callback()
def options(
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                         help=_("In phiên bản rồi thoát."))] = False,
) -> None:
    """Options that come before the command."""
