"""How a loop that runs for ever (the tick, the outbox sender) says that it fails: once per condition
and once when it works again, in one line; a traceback only for what looks like a bug.

A database that is away fails every round until it is back: one line when it goes, one when it
returns, not a traceback every few seconds that buries the next real fault."""

from __future__ import annotations

import logging

from models.store.db import outage


class Trouble:
    def __init__(self, what: str, log: logging.Logger) -> None:
        self.what = what
        self.log = log
        self._condition: str | None = None

    def failed(self, error: BaseException) -> None:
        reason = outage(error)
        condition = "database" if reason is not None else f"{type(error).__name__}: {str(error)[:200]}"
        if condition == self._condition:
            return
        self._condition = condition
        if reason is not None:
            self.log.error("%s: database unavailable (%s); trying again", self.what, reason)
        else:  # not an outage: a bug, with its traceback (once, until it changes or clears)
            self.log.error("%s failed; trying again", self.what, exc_info=error)

    def ok(self) -> None:
        if self._condition is not None:
            was_outage = self._condition == "database"
            self._condition = None
            self.log.warning("%s: %s", self.what, "database reachable again" if was_outage else "working again")
