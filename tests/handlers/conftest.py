from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.app import ROUTERS
from handlers.app import Handlers
from handlers.core import HandlerConfig
from models.people import create_invite
from models.tables import Unit
from tests.handlers.dialog import Clock, Person

VN = ZoneInfo("Asia/Ho_Chi_Minh")
ADMIN = "telegram:900"


@pytest.fixture
def clock() -> Clock:
    # Monday 01/12/2025, 09:00 in Vĩnh Long: the 2025 annual reports are due on Tuesday 16/12/2025.
    return Clock(datetime(2025, 12, 1, 9, 0, tzinfo=VN))


@pytest.fixture
def bot(sessions, plan, clock) -> Handlers:
    config = HandlerConfig(admins=(ADMIN,), tz=VN, bot_username="nhacviec_test_bot")
    return Handlers(sessions, config, ROUTERS, clock)


@pytest.fixture
def invite(sessions, plan, clock):
    async def make(unit_code: str | None, role: str = "focal", days: int = 14) -> str:
        async with sessions() as session:
            unit_id = None
            if unit_code:
                unit_id = (await session.exec(select(Unit.id).where(Unit.code == unit_code))).one()
            _invite, code = await create_invite(session, role=role, unit_id=unit_id, created_by="test",
                                                now=clock(), days=days)
            await session.commit()
            return code
    return make


@pytest.fixture
def person(bot, clock):
    def make(user_id: str = "100", name: str = "Nguyễn Văn An", **kwargs) -> Person:
        return Person(bot, clock, user_id=user_id, name=name, **kwargs)
    return make


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
