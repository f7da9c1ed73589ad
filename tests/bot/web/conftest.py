"""The web view served for real (aiohttp's TestServer over loopback) against the test database."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings, load_settings
from bot.web.app import mount
from bot.webhook import WebhookServer
from models.store.tables import Unit
from models.web_access import create_link
from tests.handlers.dialog import Clock

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
PRIVATE_NAMES = ("Sở Công Thương", "Sở Y tế", "SCT", "SKHCN")  # what a page without a session must not show


@dataclass
class Web:
    client: TestClient
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    settings: Settings

    async def unit_id(self, code: str) -> int:
        async with self.sessions() as session:
            return (await session.exec(select(Unit.id).where(Unit.code == code))).one()

    async def link(self, role: str = "coordinator", unit: str | None = None, *, locale: str = "vi") -> str:
        """The path of a fresh sign-in link."""
        unit_id = await self.unit_id(unit) if unit else None
        async with self.sessions() as session:
            token = await create_link(session, role=role, unit_id=unit_id, member_id=None, now=self.clock(),
                                      locale=locale, created_by="test")
            await session.commit()
        return f"/web/login/{token}"

    async def sign_in(self, role: str = "coordinator", unit: str | None = None, *, locale: str = "vi") -> str:
        """Open a link and press the button, as a person does; the page it lands on."""
        path = await self.link(role, unit, locale=locale)
        page = await self.client.get(path)
        assert page.status == 200, await page.text()
        csrf = CSRF.search(await page.text())
        assert csrf is not None
        answer = await self.client.post(path, data={"csrf": csrf.group(1)}, allow_redirects=False)
        assert answer.status == 303, await answer.text()
        return answer.headers["Location"]

    async def csrf(self, path: str = "/web/") -> str:
        """The CSRF token printed in the forms of a page (the sign-out button's)."""
        found = CSRF.search(await (await self.client.get(path)).text())
        assert found is not None
        return found.group(1)


async def serve(sessions, settings: Settings, clock, **options) -> AsyncIterator[TestClient]:
    server = WebhookServer("127.0.0.1:0")
    mount(server, sessions, settings, clock=clock, **options)
    client = TestClient(TestServer(server.app))
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()


@pytest.fixture
def web_settings() -> Settings:
    return load_settings()


@pytest.fixture
async def web(sessions, plan, clock, web_settings) -> AsyncIterator[Web]:
    async for client in serve(sessions, web_settings, clock, check_tick=False):
        yield Web(client, sessions, clock, web_settings)
