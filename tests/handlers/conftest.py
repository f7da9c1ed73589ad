from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.app import ROUTERS
from handlers.app import Handlers
from handlers.core import HandlerConfig
from tests.handlers.dialog import Person

VN = ZoneInfo("Asia/Ho_Chi_Minh")
ADMIN = "telegram:900"


@pytest.fixture
def bot(sessions, plan, clock) -> Handlers:
    config = HandlerConfig(admins=(ADMIN,), tz=VN, bot_username="nhacviec_test_bot")
    return Handlers(sessions, config, ROUTERS, clock)


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
