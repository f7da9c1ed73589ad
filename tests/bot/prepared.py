"""A database as `nhacviec run` leaves it before it starts serving: migrated, the plan and its
reorganisations loaded. For the tests of commands that read it (`run` itself now keeps running;
tests/bot/test_run.py runs it as a process)."""

from __future__ import annotations

import asyncio

from typer.testing import CliRunner, Result

from bot.cli import app
from bot.config import load_settings
from bot.root import open_services, prepare


def prepare_database(env: dict[str, str]) -> None:
    settings = load_settings(**{name.removeprefix("NHACVIEC_").lower(): value for name, value in env.items()})

    async def main() -> None:
        async with open_services(settings) as services:
            await prepare(services)

    asyncio.run(main())


def nhacviec(*args: str, env: dict[str, str] | None = None) -> Result:
    """The operator's command, in this process (as typer's test runner runs it)."""
    return CliRunner().invoke(app, list(args), env=env or {}, catch_exceptions=False)


async def nhacviec_beside(*args: str, db_url: str, input: str | None = None,
                          env: dict[str, str] | None = None) -> Result:
    """The command beside the test's own event loop (it runs its own, as the operator's shell would)."""
    return await asyncio.to_thread(CliRunner().invoke, app, list(args), input=input,
                                   env={"NHACVIEC_DATABASE_URL": db_url, **(env or {})}, catch_exceptions=False)
