from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

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
