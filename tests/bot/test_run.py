"""`nhacviec run` as a process: with no token it keeps serving (web view, tick, /healthz, /metrics) until
SIGTERM; with a token the channel and the web view run together; start-up output is a few lines."""

from __future__ import annotations

import asyncio
import re
import socket

import aiohttp
import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.bot.running import RunningBot, free_port, nhacviec
from tests.bot.web.conftest import CSRF
from tests.fakes.telegram_api import FakeTelegram


def _value(text: str, series: str) -> float:
    line = next(line for line in text.splitlines() if line.startswith(series + " "))
    return float(line.rsplit(" ", 1)[1])


async def _healthy(http: aiohttp.ClientSession, base: str, within: float = 30.0) -> dict:
    """/healthz once the tick has run: 200 and every check "ok"."""
    body: dict = {}
    for _ in range(int(within / 0.1)):
        async with http.get(f"{base}/healthz") as answer:
            body = await answer.json()
            if answer.status == 200 and body.get("tick") == "ok":
                return body
        await asyncio.sleep(0.1)
    raise AssertionError(f"not healthy: {body}")


async def test_run_without_a_token_serves_until_sigterm(db_url, tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {"NHACVIEC_DATABASE_URL": db_url, "NHACVIEC_LISTEN": f"127.0.0.1:{port}", "NHACVIEC_TICK_SECONDS": "5"}
    bot = RunningBot(env, tmp_path)
    try:
        look = await bot.line("Trang theo dõi:")
        assert look == f"Trang theo dõi: {base} — đăng nhập bằng `nhacviec web-link --as coordinator`"
        assert bot.lines[0].startswith("Cơ sở dữ liệu: ")
        assert bot.lines[1] == "Kế hoạch VL-3064-2023: đã nạp, 27 đơn vị, 25 nhiệm vụ."
        assert re.fullmatch(r"Đã áp dụng VL-2025: \d+ thay đổi — xem `nhacviec plan show`.*", bot.lines[2])
        assert "NHACVIEC_TELEGRAM_TOKEN" in bot.lines[3] and "nhacviec chat --as focal:SCT" in bot.lines[3]
        assert len(bot.lines) == 5, bot.lines  # a few lines, not every change of the reorganisation
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            assert await _healthy(http, base) == {"database": "ok", "tick": "ok"}
            link = (await nhacviec("web-link", "--as", "coordinator", env=env)).strip()
            assert link.startswith(f"{base}/web/login/")
            async with http.get(link) as page:
                assert page.status == 200
                csrf = CSRF.search(await page.text())
            assert csrf is not None
            async with http.post(link, data={"csrf": csrf[1]}) as overview:  # 303 to the overview, followed
                assert overview.status == 200 and str(overview.url) == f"{base}/web/"
                assert "Tình hình thực hiện kế hoạch" in await overview.text()
            async with http.get(f"{base}/metrics") as scraped:
                assert _value(await scraped.text(), "nhacviec_tick_seconds_count") >= 1
        assert await bot.stop() == 0
        again = RunningBot(env, tmp_path)
        try:
            await again.line("Trang theo dõi:")
            assert "Kế hoạch VL-3064-2023: đã nạp, không có thay đổi." in again.lines
            assert "Sắp xếp tổ chức VL-2025: đã áp dụng trước đó, không có thay đổi." in again.lines
            assert await again.stop() == 0
        finally:
            again.kill()
    finally:
        bot.kill()


async def test_run_with_a_token_runs_the_channel_and_the_web_view_together(db_url, tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    async with FakeTelegram() as fake:
        env = {"NHACVIEC_DATABASE_URL": db_url, "NHACVIEC_LISTEN": f"127.0.0.1:{port}",
               "NHACVIEC_TELEGRAM_TOKEN": fake.token, "NHACVIEC_TELEGRAM_API_URL": fake.base_url}
        bot = RunningBot(env, tmp_path)
        try:
            await bot.line("Trang theo dõi:")
            assert not any("NHACVIEC_TELEGRAM_TOKEN" in line for line in bot.lines)  # a channel runs
            fake.message(501, "/start")
            (answer,) = await fake.wait_sent(1, chat_id=501, within=30)
            assert "mã mời" in answer.text
            async with aiohttp.ClientSession() as http:
                assert (await _healthy(http, base))["database"] == "ok"
                async with http.get(f"{base}/metrics") as scraped:
                    text = await scraped.text()
            # The message was counted by the process that answered it.
            assert _value(text, 'nhacviec_updates_total{channel="telegram",outcome="ok"}') == 1
            assert _value(text, 'nhacviec_handler_seconds_count{channel="telegram"}') == 1
            assert await bot.stop() == 0
        finally:
            bot.kill()
    assert fake.token not in bot.log.read_text()  # the token never reaches the log


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_listener_already_taken_is_one_line(db_url):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(app, ["run"], env={"NHACVIEC_DATABASE_URL": db_url,
                                                      "NHACVIEC_LISTEN": f"127.0.0.1:{port}"})
    assert result.exit_code == 1, result.output
    assert f"Không mở được 127.0.0.1:{port}" in result.output and "NHACVIEC_LISTEN" in result.output
    assert "Traceback" not in result.output
