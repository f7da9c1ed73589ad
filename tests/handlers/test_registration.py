"""Registration by invite code, and /moi."""

from datetime import timedelta

from sqlmodel import func, select

from models.store.tables import AuditLog, ChannelAccount, Invite, Member, RoleGrant
from tests.handlers.dialog import verify_dialog


async def test_focal_point_registers_and_is_greeted_with_tasks_and_next_deadline(person, invite):
    code = await invite("SCT")
    an = person()
    await verify_dialog(an, [
        ("/start", "cần mã mời do Sở Khoa học và Công nghệ cấp"),
        (f"/start {code}", ["Chào anh/chị Nguyễn Văn An!", "đầu mối — Sở Công Thương", "IV.2.a",
                            "Hạn gần nhất: IV.2.a · năm 2025 — hạn Thứ Ba, 16/12/2025 (còn 11 ngày làm việc)",
                            "/baocao"]),
    ])
    assert an.menu is not None and [name for name, _ in an.menu] == [
        "start", "baocao", "bc", "tinhhinh", "web", "lienket", "kenh", "thanhvien", "rut", "trogiup", "ngonngu",
        "huy"]
    assert dict(an.menu)["baocao"] == "Báo cáo tiến độ, hướng dẫn từng bước"
    await verify_dialog(an, [("/start", "Anh/chị đang là: đầu mối.")])
    assert "Dữ liệu cá nhân" not in an.text  # said once, at registration


async def test_code_alone_lowercase_without_dashes_works(person, invite):
    code = await invite("SYT")
    someone = person("101")
    answer = await someone.say(code.replace("-", "").lower())
    assert "Sở Y tế" in answer


async def test_unknown_used_and_expired_codes_are_refused_politely(person, invite, clock, sessions):
    code = await invite("SCT")
    first, second = person("1"), person("2")
    await first.say(f"/start {code}")
    assert "đã được sử dụng" in await second.say(f"/start {code}")
    assert "không đúng" in await second.say("/start AAAA-BBBB-CCCC")
    old = await invite("SXD", days=1)
    clock.now += timedelta(days=2)
    assert "đã hết hạn" in await second.say(f"/start {old}")
    async with sessions() as session:
        rejected = (await session.exec(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "invite.rejected"))).one()
        assert rejected == 3
        assert (await session.exec(select(func.count()).select_from(ChannelAccount))).one() == 1


async def test_too_many_wrong_codes_are_throttled(person):
    guesser = person("666")
    for _ in range(5):
        assert "không đúng" in await guesser.say("/start AAAA-BBBB-CCCC")
    assert "nhiều lần" in await guesser.say("/start AAAA-BBBB-CCCD")


async def test_codes_are_stored_hashed(invite, sessions):
    code = await invite("SCT")
    async with sessions() as session:
        stored = (await session.exec(select(Invite))).one()
    assert code.replace("-", "") not in stored.code_hash and len(stored.code_hash) == 64


async def test_unregistered_person_is_told_who_to_ask(person, sessions):
    stranger = person("999")
    assert "liên hệ Sở Khoa học và Công nghệ" in await stranger.say("/baocao")
    assert "chưa đăng ký" in await stranger.say("xin chào")
    async with sessions() as session:
        assert (await session.exec(select(func.count()).select_from(Member))).one() == 0
        denied = (await session.exec(select(AuditLog).where(AuditLog.action == "access.denied"))).all()
        assert [d.entity_id for d in denied] == ["baocao"]


async def test_coordinator_creates_an_invite_a_focal_point_redeems_it(coordinator, person):
    answer = await coordinator.say("/moi so cong thuong dau moi")
    assert "Mã mời đầu mối — Sở Công Thương" in answer and "https://t.me/nhacviec_test_bot?start=" in answer
    code = answer.split("\n")[1]
    newcomer = person("555", "Võ Văn Em")
    assert "Sở Công Thương" in await newcomer.say(f"/start {code}")


async def test_ambiguous_unit_in_invite_gives_a_choice(coordinator):
    answer = await coordinator.say("/moi UBND")
    # the eight district committees, and the provincial committee's office
    assert "khớp với nhiều đơn vị" in answer and len(coordinator.options) == 9
    answer = await coordinator.press("UBND-VLI")
    assert "UBND huyện Vũng Liêm" in answer


async def test_only_staff_create_invites(focal, leader, sessions):
    for someone in (focal, leader):
        assert "dành cho cán bộ điều phối" in await someone.say("/moi SCT")
    async with sessions() as session:
        assert (await session.exec(select(func.count()).select_from(Invite))).one() == 2  # the fixtures' own


async def test_configured_admin_needs_no_invite(person, sessions):
    admin = person("900", "Quản trị")
    assert "Mã mời lãnh đạo" in await admin.say("/moi lãnh đạo")
    async with sessions() as session:
        assert (await session.exec(select(func.count()).select_from(RoleGrant))).one() == 0
