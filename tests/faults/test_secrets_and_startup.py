"""No secret in any output, ever; one line per fault at start-up; no alarm for what is handled.

The start-up tests run the real `nhacviec run` as a process against the fake platform APIs (as
tests/jobs/test_crash.py does) and read everything it prints."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
import socket
import sys
from pathlib import Path

import pytest

from bot import logs
from bot.channels.telegram import TelegramChannel
from handlers.core import HandlerConfig
from handlers.dispatcher import Dispatcher
from models.chat import DeliveryRetry, Reply
from tests.fakes.telegram_api import FakeTelegram, Fault
from tests.fakes.zalo_api import FakeZalo

pytestmark = pytest.mark.faults

TELEGRAM_TOKEN = "111:WRONGaaaaBBBBccccDDDDeeeeFFFF"
ZALO_TOKEN = "222:WRONGzzzzYYYYxxxxWWWWvvvv"
TELEGRAM_SECRET = "telegram-webhook-SECRET-1"
ZALO_SECRET = "zalo-webhook-SECRET-2"
SECRETS = (TELEGRAM_TOKEN, ZALO_TOKEN, TELEGRAM_SECRET, ZALO_SECRET)


def assert_no_secret(text: str, *secrets: str) -> None:
    for secret in secrets:
        _bot_id, colon, tail = secret.partition(":")
        assert secret not in text and not (colon and tail in text)  # nor a token's secret part alone


# -- the formatter -------------------------------------------------------------------------------


def test_secrets_are_masked_in_tracebacks_arguments_and_stacks(capsys):
    logs.setup(logging.INFO, SECRETS)
    log = logging.getLogger("tests.secrets")
    try:  # a library's error that quotes the token, as PTB's InvalidToken and httpx's errors do
        raise RuntimeError(f"The token `{TELEGRAM_TOKEN}` was rejected by https://api/bot{TELEGRAM_TOKEN}/getMe")
    except RuntimeError:
        log.exception("connect failed")
    log.warning("webhook secrets %s and %s, Zalo's %s", TELEGRAM_SECRET, ZALO_SECRET, ZALO_TOKEN, stack_info=True)
    log.error("an encoded token: /bot111%%3A%s/getMe", TELEGRAM_TOKEN.partition(":")[2])
    log.warning("an escape \x1b[2J and a carriage return\r forging a line")
    err = capsys.readouterr().err
    assert "RuntimeError: The token `***` was rejected by https://api/bot***/getMe" in err
    assert "webhook secrets *** and ***, Zalo's ***" in err and "Stack (most recent call last)" in err
    assert "/bot111%3A***/getMe" in err
    assert "an escape [2J and a carriage return forging a line" in err
    assert_no_secret(err, *SECRETS)


async def test_the_rate_limiters_give_up_is_one_warning_line(capsys):
    """PTB's AIORateLimiter logs "Rate limit hit after maximum of 3 retries" at ERROR with a traceback;
    the outbox retries the message itself, so it is one WARNING line (real limiter, fake API's 429s)."""
    logs.setup(logging.INFO, [FakeTelegram.token])
    async with FakeTelegram() as fake:
        fake.faults.append(Fault("sendMessage", "429", count=4, retry_after=1))
        nobody = Dispatcher(None, HandlerConfig(), ())  # type: ignore[arg-type]  # sending only: no update comes in
        channel = TelegramChannel(fake.token, fake.base_url, nobody, rate_limit=True)
        await channel.start(receive=False)
        try:
            with pytest.raises(DeliveryRetry):
                await channel.deliver("500", Reply("Nhắc việc"))
        finally:
            await channel.stop()
    err = capsys.readouterr().err
    hits = [line for line in err.splitlines() if "Rate limit hit after maximum" in line]
    assert len(hits) == 1 and " WARNING telegram.ext.AIORateLimiter: " in hits[0], err
    assert "retried later" in hits[0] and "Traceback" not in err and " ERROR " not in err


# -- nhacviec run, as a process ------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def database(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "nhacviec.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


async def start(database: str, **env: str) -> asyncio.subprocess.Process:
    variables = {**{k: v for k, v in os.environ.items() if not k.startswith("NHACVIEC_")},
                 "NHACVIEC_DATABASE_URL": database, "NHACVIEC_TICK_SECONDS": "3600",
                 "NHACVIEC_LISTEN": "127.0.0.1:0", **env}  # never the default port another run may hold
    return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "run", env=variables,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def finish(process: asyncio.subprocess.Process, *, within: float = 60) -> tuple[int, str, str]:
    out, err = await asyncio.wait_for(process.communicate(), within)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


@pytest.mark.parametrize(("platform", "line"), [
    ("telegram", "Telegram từ chối token (401) — kiểm tra NHACVIEC_TELEGRAM_TOKEN"),
    ("zalo", "Zalo từ chối token (401) — kiểm tra NHACVIEC_ZALO_TOKEN"),
])
async def test_a_rejected_token_stops_start_up_with_one_line_and_no_token(database, platform, line):
    async with FakeTelegram() as telegram, FakeZalo() as zalo:  # each answers 401 to any other token
        env = {"telegram": {"NHACVIEC_TELEGRAM_TOKEN": TELEGRAM_TOKEN, "NHACVIEC_TELEGRAM_API_URL": telegram.base_url},
               "zalo": {"NHACVIEC_ZALO_TOKEN": ZALO_TOKEN, "NHACVIEC_ZALO_API_URL": zalo.base_url}}[platform]
        code, out, err = await finish(await start(database, **env, NHACVIEC_TELEGRAM_WEBHOOK_SECRET=TELEGRAM_SECRET,
                                                  NHACVIEC_ZALO_WEBHOOK_SECRET=ZALO_SECRET))
        assert telegram.status_counts.get(401, 0) + zalo.status_counts.get(401, 0) >= 1  # the platform refused it
    assert code == 1
    # What was loaded (one line each), then the refusal in one line: no traceback, no token.
    assert (out + err).splitlines()[-1] == line and err.splitlines() == [line]
    assert all(text.startswith(("Cơ sở dữ liệu: ", "Kế hoạch ", "Đã áp dụng ", "Sắp xếp tổ chức "))
               for text in out.splitlines()), out
    assert_no_secret(out + err, *SECRETS)


@pytest.mark.parametrize("down", ["zalo", "telegram"])
async def test_an_unreachable_api_is_one_line_and_the_other_channel_keeps_working(database, down):
    async with FakeTelegram() as telegram, FakeZalo() as zalo:
        nowhere = f"http://127.0.0.1:{closed_port()}"
        process = await start(
            database, NHACVIEC_TELEGRAM_TOKEN=telegram.token, NHACVIEC_ZALO_TOKEN=zalo.token,
            NHACVIEC_TELEGRAM_API_URL=f"{nowhere}/bot" if down == "telegram" else telegram.base_url,
            NHACVIEC_ZALO_API_URL=nowhere if down == "zalo" else zalo.base_url)
        try:
            if down == "zalo":
                telegram.message(321, "/trogiup")
                (answer,) = await telegram.wait_sent(1, within=60)
            else:
                zalo.text("u321", "/trogiup")
                (answer,) = await zalo.wait_sent(1, "u321", within=60)
            assert "/start" in answer.text
            await asyncio.sleep(6)  # past the first retry (5 s): still trying, not saying it again
            assert process.returncode is None  # the process keeps running
        finally:
            process.send_signal(signal.SIGTERM)
            code, out, err = await finish(process)
    assert code == 0, err
    assert "Traceback" not in out + err and " ERROR " not in err, err
    name = "Zalo" if down == "zalo" else "Telegram"
    said = [line for line in err.splitlines() if f"{name}: " in line]
    assert len(said) == 1 and f"{name}: API unreachable" in said[0], err
    assert_no_secret(out + err, telegram.token, zalo.token)

