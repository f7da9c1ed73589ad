"""Logging for the running bot: one line per record, no secret in any of it, and no alarm for what is
handled.

- Tokens sit in API URLs (…/bot<TOKEN>/sendMessage) and in library errors ("The token `…` was
  rejected"); webhook secrets in headers. They are masked in the record *as formatted* — message,
  arguments, traceback and stack alike — so whatever a library puts in an exception's text is covered.
- python-telegram-bot's rate limiter logs "Rate limit hit after maximum of 3 retries" at ERROR with a
  traceback although the outbox retries the message: that becomes one WARNING line.
- httpx's per-request lines are kept out of INFO.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterable
from types import TracebackType

from models.rules.text import clean

MASK = "***"
MIN_SECRET = 6  # shorter values would mask ordinary words; no token or secret we accept is that short
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
RATE_LIMITER = "telegram.ext.AIORateLimiter"


def secret_forms(secrets: Iterable[str]) -> list[str]:
    """What to mask for each secret: the value itself and, for a token `<bot id>:<secret>`, the part after
    the colon (a URL may carry it encoded as %3A, a library may quote it alone). Longest first, so that
    a whole token is masked as one."""
    forms: set[str] = set()
    for secret in secrets:
        if not secret or len(secret) < MIN_SECRET:
            continue
        forms.add(secret)
        _head, colon, tail = secret.partition(":")
        if colon and len(tail) >= MIN_SECRET:
            forms.add(tail)
    return sorted(forms, key=len, reverse=True)


def redact(text: str, forms: Iterable[str]) -> str:
    for form in forms:
        if form in text:
            text = text.replace(form, MASK)
    return text


class RedactingFormatter(logging.Formatter):
    """Formats a record, then masks every secret in the result (the traceback included) and removes
    control characters but newline and tab."""

    def __init__(self, secrets: Iterable[str], fmt: str = FORMAT) -> None:
        super().__init__(fmt)
        self.forms = secret_forms(secrets)

    def format(self, record: logging.LogRecord) -> str:
        # Control characters too (what people typed ends up in some errors' text): a terminal or a log
        # viewer would obey an ESC sequence, and a carriage return could forge a line.
        return clean(redact(super().format(record), self.forms))


class RateLimitHit(logging.Filter):
    """PTB's AIORateLimiter gives up on a request after its retries and logs that at ERROR with a
    traceback; the outbox then retries the message itself (jobs/sender.py), so it is not a fault: one
    WARNING line, no traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR and "Rate limit hit" in record.getMessage():
            error = record.exc_info[1] if record.exc_info else None
            detail = f" ({type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''})" if error else ""
            record.msg, record.args = record.getMessage() + detail + "; the message is retried later", ()
            record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
            record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True


class _Stderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is now (tests and tools swap it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def setup(level: int, secrets: Iterable[str] = ()) -> None:
    """Our one stderr handler on the root logger (replacing an earlier one of ours; handlers others
    installed, such as a test runner's, stay), and uncaught exceptions through it."""
    handler = _Stderr()
    handler.setFormatter(RedactingFormatter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [h for h in root.handlers if not isinstance(h, _Stderr)] + [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "aiohttp.access", "apscheduler.executors.default", "apscheduler.scheduler",
                  "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    limiter = logging.getLogger(RATE_LIMITER)
    if not any(isinstance(f, RateLimitHit) for f in limiter.filters):
        limiter.addFilter(RateLimitHit())
    # An exception nobody caught is printed by Python itself, past every handler: send it through ours.
    sys.excepthook = _uncaught
    threading.excepthook = _uncaught_in_thread


def _uncaught(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, trace)
        return
    logging.getLogger("nhacviec").critical("uncaught exception", exc_info=(kind, error, trace))


def _uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit or args.exc_value is None:
        return
    logging.getLogger("nhacviec").critical("uncaught exception in thread %s", args.thread.name if args.thread else "?",
                                           exc_info=(args.exc_type, args.exc_value, args.exc_traceback))
