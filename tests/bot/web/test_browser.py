"""A real browser: headless Chromium signs in through a link, reads the overview on a phone and on a
desktop, and leaves screenshots in docs/images/ (the README shows the phone one)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from bot.web.app import mount
from bot.webhook import WebhookServer

CHROMIUM = Path("/usr/bin/chromium")
IMAGES = Path(__file__).resolve().parents[3] / "docs" / "images"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


def _browser_or_skip():
    if not CHROMIUM.exists():
        reason = f"no browser at {CHROMIUM} (apt-get install chromium)"
        print(f"SKIPPED: {reason}")
        pytest.skip(reason)
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        reason = "playwright is not installed (pip install -e '.[test]')"
        print(f"SKIPPED: {reason}")
        pytest.skip(reason)
    return async_playwright


async def test_a_leader_signs_in_and_reads_the_overview_on_a_phone_and_a_desktop(
        db_url, sessions, plan, clock, person, invite, web_settings, tmp_path):
    if not db_url.startswith("sqlite"):
        pytest.skip("the browser test runs once, on SQLite")
    async_playwright = _browser_or_skip()
    focal = person("101", "Trần Thị Bình")
    await focal.say(f"/start {await invite('SCT')}")
    await focal.say("/bc IV.2.a 60% dn=3 Đã tập huấn cho 3 doanh nghiệp")
    health = person("102", "Đỗ Văn Giang")
    await health.say(f"/start {await invite('SYT')}")
    await health.say("/bc IV.2.a vướng mắc chưa được bố trí kinh phí")

    server = WebhookServer("127.0.0.1:0")
    mount(server, sessions, web_settings, clock=clock, check_tick=False)
    await server.start()
    base = f"http://127.0.0.1:{server.port}"
    started = time.monotonic()
    try:
        async with async_playwright() as playwright:
            profile = tmp_path / "chromium-profile"  # a fresh --user-data-dir
            browser = await playwright.chromium.launch_persistent_context(
                str(profile), executable_path=str(CHROMIUM), headless=True, args=FLAGS,
                viewport={"width": 390, "height": 844}, device_scale_factor=1, locale="vi-VN")
            try:
                page = browser.pages[0] if browser.pages else await browser.new_page()
                page.on("console", lambda message: console.append(message.text))
                console: list[str] = []
                token = await _link(sessions, clock)
                await page.goto(f"{base}/web/login/{token}")
                assert await page.title() == "Đăng nhập — Nhắc việc"
                await page.get_by_role("button", name="Tiếp tục").click()
                await page.wait_for_url(f"{base}/web/")
                units = page.locator("#units-VL-3064-2023")
                sct = units.locator("tr", has_text="Sở Công Thương")
                assert await sct.locator("td").nth(1).inner_text() == "1"  # received
                obstacles = page.locator("section.plan li", has_text="chưa được bố trí kinh phí")
                assert "Gặp vướng mắc" in await obstacles.first.inner_text()
                assert "SYT" in await obstacles.first.inner_text()
                # Readable on a phone: the page does not scroll sideways; the chart fits the screen.
                assert await page.evaluate("document.documentElement.scrollWidth") <= 390
                chart = await page.locator("svg.chart").bounding_box()
                assert chart is not None and chart["width"] <= 390
                IMAGES.mkdir(parents=True, exist_ok=True)
                await page.screenshot(path=str(tmp_path / "phone.png"), full_page=False)
                await page.set_viewport_size({"width": 1366, "height": 900})
                await page.screenshot(path=str(tmp_path / "desktop.png"), full_page=False)
                await page.goto(f"{base}/web/unit/{await _unit_id(sessions, 'SCT')}")
                assert "Đang thực hiện 60%" in await page.locator("main").inner_text()
                assert "Đã tập huấn cho 3 doanh nghiệp" in await page.locator("main").inner_text()
                assert not [m for m in console if "Content Security Policy" in m]  # nothing the CSP had to block
            finally:
                await browser.close()
    finally:
        await server.stop()
    shutil.copy(tmp_path / "phone.png", IMAGES / "web-overview-phone.png")
    shutil.copy(tmp_path / "desktop.png", IMAGES / "web-overview-desktop.png")
    print(f"browser test: {time.monotonic() - started:.1f} s")


async def _link(sessions, clock) -> str:
    from models.web_access import create_link

    async with sessions() as session:
        token = await create_link(session, role="leader", unit_id=None, member_id=None, now=clock(),
                                  created_by="test")
        await session.commit()
    return token


async def _unit_id(sessions, code: str) -> int:
    from sqlmodel import select

    from models.store.tables import Unit

    async with sessions() as session:
        return (await session.exec(select(Unit.id).where(Unit.code == code))).one()
