"""/web in chat: who gets which link, and that the link signs in to the web view (served for real)."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.config import load_settings
from handlers.core import HandlerConfig
from models.store.tables import Unit, WebLink
from tests.bot.web.conftest import CSRF, serve
from tests.conftest import dispatcher
from tests.handlers.dialog import Person

PUBLIC = "https://nhacviec.example.gov.vn"
LINK = re.compile(re.escape(PUBLIC) + r"(/web/login/[A-Za-z0-9_-]{43})")


@pytest.fixture
async def web_bot(sessions, plan, clock):
    """The chat side with the web view's address known, as the composition root builds it."""
    config = HandlerConfig(admins=("telegram:900",), tz=ZoneInfo("Asia/Ho_Chi_Minh"), web_url=PUBLIC)
    return await dispatcher(sessions, config, clock)


@pytest.fixture
def someone(web_bot, clock):
    def make(user_id: str, name: str = "Nguyễn Văn An", **kwargs) -> Person:
        return Person(web_bot, clock, user_id=user_id, name=name, **kwargs)
    return make


@pytest.fixture
async def client(sessions, plan, clock):
    async for served in serve(sessions, load_settings(), clock, check_tick=False):
        yield served


async def registered(person: Person, code: str) -> Person:
    await person.say(f"/start {code}")
    return person


async def sign_in(client, answer: str) -> str:
    """Open the link from the bot's answer and press the button, as a person does; where it lands."""
    found = LINK.search(answer)
    assert found is not None, answer
    page = await client.get(found[1])
    assert page.status == 200
    csrf = CSRF.search(await page.text())
    assert csrf is not None
    pressed = await client.post(found[1], data={"csrf": csrf[1]}, allow_redirects=False)
    assert pressed.status == 303
    return pressed.headers["Location"]


async def unit_id(sessions, code: str) -> int:
    async with sessions() as session:
        return (await session.exec(select(Unit.id).where(Unit.code == code))).one()


@pytest.mark.parametrize("role", ["coordinator", "leader"])
async def test_coordinators_and_leaders_get_a_link_to_the_whole_province(someone, invite, client, sessions, role):
    person = await registered(someone("300"), await invite(None, role))
    answer = await person.say("/web")
    assert "Đường dẫn đăng nhập trang theo dõi (toàn tỉnh):" in answer and "15 phút" in answer
    assert "NHACVIEC_PUBLIC_URL" not in answer  # a public address: no warning
    (reply,) = person.last
    assert reply.link_preview is False  # a chat app must not fetch it for a preview
    assert await sign_in(client, answer) == "/web/"
    overview = await client.get("/web/")
    assert overview.status == 200 and "Tình hình thực hiện kế hoạch" in await overview.text()
    syt = await client.get(f"/web/unit/{await unit_id(sessions, 'SYT')}")
    assert syt.status == 200
    async with sessions() as session:
        link = (await session.exec(select(WebLink))).one()
    assert (link.role, link.unit_id, link.created_by) == (role, None, "telegram:300") and link.member_id


async def test_an_admin_gets_a_province_link(someone, client):
    admin = someone("900", "Quản trị")
    answer = await admin.say("/web")
    assert await sign_in(client, answer) == "/web/"
    assert (await client.get("/web/")).status == 200


async def test_a_focal_point_gets_a_link_limited_to_its_unit(someone, invite, client, sessions):
    focal = await registered(someone("200", "Trần Thị Bình"), await invite("SCT"))
    answer = await focal.say("/web")
    assert "Đường dẫn đăng nhập trang theo dõi của đơn vị:" in answer
    sct, syt = await unit_id(sessions, "SCT"), await unit_id(sessions, "SYT")
    assert await sign_in(client, answer) == f"/web/unit/{sct}"
    own = await client.get(f"/web/unit/{sct}")
    assert own.status == 200 and "Sở Công Thương" in await own.text()
    other = await client.get(f"/web/unit/{syt}")
    assert other.status == 403 and "Sở Y tế" not in await other.text()
    overview = await client.get("/web/", allow_redirects=False)
    assert overview.status == 303 and overview.headers["Location"] == f"/web/unit/{sct}"


async def test_a_focal_point_of_two_units_gets_one_link_for_each(someone, invite, sessions):
    focal = await registered(someone("201"), await invite("SCT"))
    await focal.say(f"/start {await invite('SYT')}")
    answer = await focal.say("/web")
    assert "Sở Công Thương: " + PUBLIC in answer and "Sở Y tế: " + PUBLIC in answer
    async with sessions() as session:
        links = (await session.exec(select(WebLink).order_by(WebLink.id))).all()
    assert sorted(link.unit_id for link in links) == sorted([await unit_id(sessions, "SCT"),
                                                             await unit_id(sessions, "SYT")])


async def test_each_link_is_used_once(someone, invite, client):
    person = await registered(someone("300"), await invite(None, "coordinator"))
    answer = await person.say("/web")
    await sign_in(client, answer)
    client.session.cookie_jar.clear()
    again = await client.get(LINK.search(answer)[1])
    assert again.status == 410
    assert LINK.search(await person.say("/web"))[1] != LINK.search(answer)[1]  # a new one each time


async def test_strangers_are_refused_and_groups_are_told_to_write_privately(someone, invite):
    stranger = someone("666", "Người lạ")
    assert "chưa đăng ký" in await stranger.say("/web") and PUBLIC not in stranger.text
    member = await registered(someone("300"), await invite(None, "coordinator"))
    in_group = Person(member.bot, member.clock, user_id="300", chat_type="group", chat_id="-100")
    answer = await in_group.say("/web")
    assert "chỉ dùng trong tin nhắn riêng" in answer and PUBLIC not in answer


async def test_a_link_to_the_listener_itself_says_it_opens_on_the_server_only(sessions, plan, clock, invite):
    config = HandlerConfig(tz=ZoneInfo("Asia/Ho_Chi_Minh"), web_url="http://127.0.0.1:8080")
    person = await registered(Person(await dispatcher(sessions, config, clock), clock, user_id="300"),
                              await invite(None, "leader"))
    answer = await person.say("/web")
    assert "http://127.0.0.1:8080/web/login/" in answer and "NHACVIEC_PUBLIC_URL" in answer


async def test_without_a_web_view_it_says_so(person, invite):
    leader = person("400")
    await leader.say(f"/start {await invite(None, 'leader')}")
    assert "chưa được bật" in await leader.say("/web")
