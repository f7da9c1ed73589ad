from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from models.planfiles.load_plan import load_plan
from models.store.tables import Plan

VN = ZoneInfo("Asia/Ho_Chi_Minh")
ADMIN = "telegram:900"


@pytest.fixture
async def focal(person, invite):
    """A registered focal point of Sở Công Thương."""
    someone = person("200", "Trần Thị Bình")
    await someone.say(f"/start {await invite('SCT')}")
    return someone


@pytest.fixture
async def coordinator(person, invite):
    someone = person("300", "Lê Văn Cường")
    await someone.say(f"/start {await invite(None, 'coordinator')}")
    return someone


@pytest.fixture
async def leader(person, invite):
    someone = person("400", "Phạm Thị Dung")
    await someone.say(f"/start {await invite(None, 'leader')}")
    return someone


async def followed_since(sessions, shipped_plan, day: date) -> Plan:
    """The shipped plan, followed since `day` (e.g. November 2024, so that the 2024 round is history owed)."""
    async with sessions() as session:
        await load_plan(session, shipped_plan, actor="test", today=day)
    async with sessions() as session:
        return (await session.exec(select(Plan))).one()
