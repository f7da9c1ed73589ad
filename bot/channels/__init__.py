"""The chat channels (Telegram, Zalo, console) and what they share: how a channel connects."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("bot.channels")

BACKOFF = (5.0, 10.0, 20.0, 40.0, 60.0)  # seconds between attempts to reach an API that does not answer


class ChannelRejected(Exception):
    """The platform refused our credentials: a setting the operator must fix, said in one line."""


class Unreachable(Exception):
    """The platform's API did not answer (network, DNS, 5xx): worth trying again later."""


class Reconnecting:
    """A channel's connection: the first attempt at start-up, then — while the API cannot be reached —
    attempts in the background with backoff, so that the other channels do not wait. Each change of
    state is said once, in one line (no traceback: an unreachable API is not a bug)."""

    def __init__(self, name: str, connect: Callable[[], Awaitable[None]]) -> None:
        self.name = name
        self._connect = connect
        self.connected = False
        self._task: asyncio.Task | None = None
        self._trouble: str | None = None

    async def start(self) -> None:
        """Connect now, or schedule retries. ChannelRejected is raised to the caller: retrying cannot help."""
        try:
            await self._attempt()
        except Unreachable as error:
            log.warning("%s: API unreachable (%s); retrying in the background", self.name, error)
            self._task = asyncio.create_task(self._retry())

    async def _attempt(self) -> None:
        await self._connect()
        self.connected = True
        self._trouble = None

    async def _retry(self) -> None:
        attempt = 0
        while not self.connected:
            await asyncio.sleep(BACKOFF[min(attempt, len(BACKOFF) - 1)])
            attempt += 1
            try:
                await self._attempt()
                log.warning("%s: connected again", self.name)
            except Unreachable:
                continue
            except ChannelRejected as error:  # the token was revoked while we waited: say it, stop trying
                log.error("%s", error)
                return

    def trouble(self, what: str) -> None:
        """Something failed on a running connection; said once until it works again."""
        if self._trouble != what:
            self._trouble = what
            log.warning("%s: %s; retrying", self.name, what)

    def recovered(self) -> None:
        if self._trouble is not None:
            self._trouble = None
            log.warning("%s: working again", self.name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
