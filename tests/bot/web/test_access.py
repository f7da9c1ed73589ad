"""Who sees what: one-time links, sessions, a focal point's one unit, CSRF, security headers."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from models.store.tables import AuditLog, WebLink, WebSession
from models.web_access import create_link, hash_token
from tests.bot.web.conftest import PRIVATE_NAMES

SECURITY = {
    "Content-Security-Policy": "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
                               "frame-ancestors 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


async def _pages(web) -> list[str]:
    sct = await web.unit_id("SCT")
    return ["/web/", "/web/?nam=2025", f"/web/unit/{sct}", "/web/task/1", "/web/plan/1/workbook.xlsx"]


async def test_no_page_shows_data_without_a_session(web, person, invite):
    focal = person("101", "Trần Thị Bình")
    await focal.say(f"/start {await invite('SCT')}")
    await focal.say("/bc IV.2.a vướng mắc chưa được bố trí kinh phí")
    for path in await _pages(web):
        answer = await web.client.get(path, allow_redirects=False)
        body = await answer.text()
        assert answer.status == 401, path
        assert "Cần đăng nhập" in body and "/web" in body
        assert not any(name in body for name in PRIVATE_NAMES), path
    # A cookie that is not a live session is no session.
    web.client.session.cookie_jar.update_cookies({"nhacviec_session": "forged"})
    assert (await web.client.get("/web/")).status == 401


async def test_opening_a_link_shows_a_confirmation_and_only_the_button_signs_in(web):
    path = await web.link("leader")
    for _ in range(3):  # a chat app's preview, then the person: the link still works
        page = await web.client.get(path)
        assert page.status == 200 and "Tiếp tục" in await page.text() and "lãnh đạo" in await page.text()
    assert (await web.client.get("/web/")).status == 401
    async with web.sessions() as session:
        assert (await session.exec(select(WebSession))).all() == []
    csrf = (await web.csrf(path))
    answer = await web.client.post(path, data={"csrf": csrf}, allow_redirects=False)
    assert answer.status == 303 and answer.headers["Location"] == "/web/"
    cookie = answer.cookies["nhacviec_session"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/web"
    assert int(cookie["max-age"]) == 8 * 3600 and not cookie["secure"]  # no https public URL in tests
    overview = await web.client.get("/web/")
    assert overview.status == 200 and "Tình hình thực hiện kế hoạch" in await overview.text()
    async with web.sessions() as session:
        row = (await session.exec(select(WebSession))).one()
        assert row.token_hash == hash_token(cookie.value) and cookie.value not in row.token_hash  # stored hashed
        assert (await session.exec(select(AuditLog).where(AuditLog.action == "web.signin"))).one()


async def test_a_reused_link_is_refused(web):
    path = await web.link()
    csrf = await web.csrf(path)
    assert (await web.client.post(path, data={"csrf": csrf}, allow_redirects=False)).status == 303
    web.client.session.cookie_jar.clear()
    again = await web.client.get(path)
    assert again.status == 410 and "Đường dẫn đã được dùng" in await again.text()
    # A second press, with a valid double-submit pair, is refused too.
    web.client.session.cookie_jar.update_cookies({"nhacviec_csrf": "t0ken"})
    pressed = await web.client.post(path, data={"csrf": "t0ken"}, allow_redirects=False)
    assert pressed.status == 410 and "nhacviec_session" not in pressed.cookies


async def test_an_expired_link_is_refused(web):
    path = await web.link("coordinator")
    csrf = await web.csrf(path)
    web.clock.now += timedelta(minutes=15, seconds=1)
    page = await web.client.get(path)
    assert page.status == 410 and "Đường dẫn đã hết hạn" in await page.text()
    pressed = await web.client.post(path, data={"csrf": csrf}, allow_redirects=False)
    assert pressed.status == 410 and "nhacviec_session" not in pressed.cookies
    assert (await web.client.get("/web/")).status == 401


async def test_an_unknown_link_is_refused(web):
    page = await web.client.get("/web/login/not-a-real-token")
    assert page.status == 403 and "Đường dẫn không hợp lệ" in await page.text()


async def test_links_are_stored_hashed(web):
    path = await web.link()
    token = path.rsplit("/", 1)[1]
    async with web.sessions() as session:
        link = (await session.exec(select(WebLink))).one()
    assert link.token_hash == hash_token(token) and token not in link.token_hash
    assert link.expires_at - link.created_at == timedelta(minutes=15)


async def test_a_session_ends_after_eight_hours(web):
    await web.sign_in()
    web.clock.now += timedelta(hours=8, seconds=1)
    assert (await web.client.get("/web/")).status == 401


async def test_a_focal_point_sees_only_its_unit(web):
    sct, syt = await web.unit_id("SCT"), await web.unit_id("SYT")
    assert await web.sign_in("focal", "SCT") == f"/web/unit/{sct}"
    overview = await web.client.get("/web/", allow_redirects=False)
    assert overview.status == 303 and overview.headers["Location"] == f"/web/unit/{sct}"
    own = await web.client.get(f"/web/unit/{sct}")
    assert own.status == 200 and "Sở Công Thương" in await own.text()
    other = await web.client.get(f"/web/unit/{syt}")
    assert other.status == 403 and "Sở Y tế" not in await other.text()
    workbook = await web.client.get("/web/plan/1/workbook.xlsx")  # the province's data
    assert workbook.status == 403 and workbook.headers["Content-Type"].startswith("text/html")


async def test_a_focal_point_sees_its_own_line_of_a_shared_task_and_no_other_task(web):
    from models.store.tables import Task

    async with web.sessions() as session:
        shared = (await session.exec(select(Task.id).where(Task.code == "IV.2.a"))).one()
        foreign = (await session.exec(select(Task.id).where(Task.code == "IV.8.a"))).one()
    await web.sign_in("focal", "SCT")
    page = await web.client.get(f"/web/task/{shared}")
    body = await page.text()
    assert page.status == 200 and "Chủ trì:" in body and ">SCT</a> · năm 2025" in body and ">SYT</a> · năm" not in body
    assert (await web.client.get(f"/web/task/{foreign}")).status == 403


@pytest.mark.parametrize("token", [None, "", "wrong"])
async def test_csrf_is_enforced_on_the_confirmation(web, token):
    path = await web.link()
    await web.csrf(path)  # the page sets the double-submit cookie
    data = {} if token is None else {"csrf": token}
    answer = await web.client.post(path, data=data, allow_redirects=False)
    assert answer.status == 403 and "Yêu cầu không hợp lệ" in await answer.text()
    assert "nhacviec_session" not in answer.cookies
    assert (await web.client.get(path)).status == 200  # the link was not used up


async def test_csrf_without_the_cookie_is_refused(web):
    path = await web.link()
    token = await web.csrf(path)
    web.client.session.cookie_jar.clear()  # a cross-site form carries no cookie of ours
    assert (await web.client.post(path, data={"csrf": token}, allow_redirects=False)).status == 403


@pytest.mark.parametrize("token", [None, "wrong"])
async def test_csrf_is_enforced_on_sign_out(web, token):
    await web.sign_in()
    data = {} if token is None else {"csrf": token}
    assert (await web.client.post("/web/logout", data=data)).status == 403
    assert (await web.client.get("/web/")).status == 200  # still signed in


async def test_sign_out_ends_the_session(web):
    await web.sign_in()
    cookie = web.client.session.cookie_jar.filter_cookies(web.client.make_url("/web/"))["nhacviec_session"].value
    answer = await web.client.post("/web/logout", data={"csrf": await web.csrf()})
    assert answer.status == 200 and "Đã đăng xuất" in await answer.text()
    assert (await web.client.get("/web/")).status == 401
    web.client.session.cookie_jar.update_cookies({"nhacviec_session": cookie})  # a copied cookie is dead too
    assert (await web.client.get("/web/")).status == 401


async def test_security_headers_on_every_response(web):
    link = await web.link()
    answers = [await web.client.get(path, allow_redirects=False) for path in
               ("/web/", link, "/web/static/style.css", "/web/nowhere", "/healthz", "/metrics", "/", "/nowhere")]
    answers.append(await web.client.post("/web/logout", data={}))
    await web.sign_in()
    answers += [await web.client.get(path, allow_redirects=False) for path in
                ("/web/", "/web/unit/1", "/web/task/1", "/web/plan/1/workbook.xlsx")]
    for answer in answers:
        for name, value in SECURITY.items():
            assert answer.headers.get(name) == value, (answer.url, name)
    pages = [a for a in answers if a.headers.get("Content-Type", "").startswith("text/html")]
    for answer in pages:
        body = await answer.text()
        assert "<script" not in body and " style=" not in body and "http://" not in body.replace(
            'xmlns="http://www.w3.org/2000/svg"', "")


async def test_english_pages_for_an_english_link(web):
    path = await web.link("leader", locale="en")
    page = await web.client.get(path)
    assert "Continue" in await page.text() and 'lang="en"' in await page.text()
    await web.client.post(path, data={"csrf": await web.csrf(path)})
    overview = await (await web.client.get("/web/")).text()
    assert "Sign out" in overview and "Open reporting periods" in overview and "Đăng xuất" not in overview


async def test_a_session_ends_when_the_role_is_taken_away(web, person, invite):
    from models.store.tables import GrantStatus, Member, RoleGrant, Unit

    focal = person("101", "Trần Thị Bình")
    await focal.say(f"/start {await invite('SCT')}")
    async with web.sessions() as session:
        member_id = (await session.exec(select(Member.id).where(Member.display_name == "Trần Thị Bình"))).one()
        sct = (await session.exec(select(Unit.id).where(Unit.code == "SCT"))).one()
        token = await create_link(session, role="focal", unit_id=sct, member_id=member_id, now=web.clock(),
                                  created_by="test")
        await session.commit()
    path = f"/web/login/{token}"
    await web.client.post(path, data={"csrf": await web.csrf(path)})
    page = await web.client.get(f"/web/unit/{sct}")
    assert page.status == 200 and "Trần Thị Bình · SCT" in await page.text()  # who is signed in, in the header
    async with web.sessions() as session:
        grant = (await session.exec(select(RoleGrant).where(RoleGrant.member_id == member_id))).one()
        grant.status = GrantStatus.revoked
        await session.commit()
    assert (await web.client.get(f"/web/unit/{sct}")).status == 401


async def test_what_people_typed_is_escaped(web, person, invite):
    focal = person("101", "Trần Thị Bình")
    await focal.say(f"/start {await invite('SCT')}")
    await focal.say('/bc IV.2.a vướng mắc <script>alert("x")</script> & <b>kinh phí</b>')
    await web.sign_in()
    html = await (await web.client.get("/web/")).text()
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;kinh phí&lt;/b&gt;" in html


async def test_the_session_cookie_is_secure_behind_https(sessions, plan, clock, monkeypatch):
    from bot.config import load_settings
    from tests.bot.web.conftest import Web, serve

    monkeypatch.setenv("NHACVIEC_PUBLIC_URL", "https://nhacviec.example.gov.vn")
    settings = load_settings()
    async for client in serve(sessions, settings, clock, check_tick=False):
        web = Web(client, sessions, clock, settings)
        path = await web.link()
        page = await client.get(path)
        assert page.cookies["nhacviec_csrf"]["secure"]
        csrf = re.search(r'name="csrf" value="([^"]+)"', await page.text())
        assert csrf is not None
        client.session.cookie_jar.update_cookies({"nhacviec_csrf": csrf[1]})  # an http test client keeps no Secure
        answer = await client.post(path, data={"csrf": csrf[1]}, allow_redirects=False)
        assert answer.status == 303 and answer.cookies["nhacviec_session"]["secure"]
