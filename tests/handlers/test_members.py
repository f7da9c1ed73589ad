"""/thanhvien (who uses the bot) and /thuhoi (taking a leaver's roles back)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlmodel import func, select

from handlers.core import ANYONE, HandlerConfig
from models.store.tables import (
    AuditLog,
    ChannelAccount,
    Conversation,
    Member,
    Report,
    RoleGrant,
    Unit,
    WebSession,
)
from models.web_access import create_link, redeem_link
from tests.conftest import dispatcher
from tests.handlers.dialog import Person
from tests.outbox import deliveries, text_of


async def member_id(sessions, user_id: str) -> int:
    async with sessions() as session:
        return (await session.exec(select(ChannelAccount.member_id).where(ChannelAccount.external_id == user_id))).one()


async def denied(sessions) -> int:
    async with sessions() as session:
        return (await session.exec(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "access.denied"))).one()


async def add_people(sessions, unit_codes: list[str], *, name: str = "Cán bộ", role: str = "focal") -> list[int]:
    """People put straight into the database (many of them, quickly): one per unit code given."""
    ids = []
    async with sessions() as session:
        units = {u.code: u.id for u in (await session.exec(select(Unit))).all()}
        for n, code in enumerate(unit_codes):
            member = Member(display_name=f"{name} {n + 1}")
            session.add(member)
            await session.flush()
            session.add(ChannelAccount(member_id=member.id, channel="telegram", external_id=f"7{member.id:04}",
                                       chat_id=f"7{member.id:04}"))
            session.add(RoleGrant(member_id=member.id, role=role, unit_id=units.get(code), granted_by="test"))
            ids.append(member.id)
        await session.commit()
    return ids


# --- /thanhvien ---------------------------------------------------------------------------------


async def test_coordinators_see_everyone_by_unit_with_role_channel_and_dates(coordinator, focal, person, invite,
                                                                            sessions):
    other = person("210", "Huỳnh Văn Giang", channel="zalo")
    await other.say(f"/start {await invite('SYT')}")
    bình, giang, cường = [await member_id(sessions, u) for u in ("200", "210", "300")]
    answer = await coordinator.say("/thanhvien")
    assert "👥 Người dùng bot: 3 người" in answer
    assert "■ Điều phối, lãnh đạo, quản trị" in answer
    assert f"• #{cường} Lê Văn Cường — điều phối · Telegram · từ 01/12/2025 · lần cuối " in answer
    assert f"■ Sở Công Thương (SCT)\n• #{bình} Trần Thị Bình — đầu mối · Telegram · từ 01/12/2025" in answer
    assert f"■ Sở Y tế (SYT)\n• #{giang} Huỳnh Văn Giang — đầu mối · Zalo" in answer
    assert "Chưa có đầu mối (" in answer and "SXD" in answer and "Mời bằng /moi <đơn vị> đầu mối." in answer
    unit = await coordinator.say("/thanhvien so y te")
    assert "👥 Sở Y tế: 1 người" in unit and "Huỳnh Văn Giang" in unit and "Trần Thị Bình" not in unit


async def test_a_focal_point_sees_its_own_unit_only(focal, coordinator, sessions, bot, clock):
    answer = await focal.say("/thanhvien")
    assert "👥 Sở Công Thương: 1 người" in answer and "Lê Văn Cường" not in answer
    assert "Sở Công Thương: 1 người" in await focal.say("/thanhvien SCT")
    before = await denied(sessions)
    assert "chỉ xem được người dùng của đơn vị mình" in await focal.say("/thanhvien SYT")
    assert await denied(sessions) == before + 1
    in_group = Person(bot, clock, user_id=focal.user_id, chat_type="group", chat_id="-100555")
    assert "nhắn riêng cho bot" in await in_group.say("/thanhvien")
    staff_in_group = Person(bot, clock, user_id=coordinator.user_id, chat_type="group", chat_id="-100555")
    assert "Trần Thị Bình" in await staff_in_group.say("/thanhvien")


async def test_unknown_and_ambiguous_units_are_answered(coordinator, sessions):
    assert "Không tìm thấy đơn vị “Sở Hư Cấu”. Ví dụ: /thanhvien SCT" in await coordinator.say("/thanhvien Sở Hư Cấu")
    assert "khớp với nhiều đơn vị" in await coordinator.say("/thanhvien UBND")
    assert "UBND huyện Vũng Liêm chưa có ai đăng ký. Tạo mã mời: /moi UBND-VLI đầu mối" in \
        await coordinator.press("UBND-VLI")


async def test_a_long_list_is_cut_and_says_how_to_see_the_rest(coordinator, sessions):
    await add_people(sessions, ["SCT"] * 30 + ["SYT"] * 20)
    answer = await coordinator.say("/thanhvien")
    assert "👥 Người dùng bot: 51 người" in answer
    assert answer.count("\n• #") == 40
    assert "… và 11 dòng khác. Gõ /thanhvien <đơn vị> để xem từng đơn vị." in answer
    assert (await coordinator.say("/thanhvien SYT")).count("\n• #") == 20  # one unit: everyone


# --- /thuhoi ------------------------------------------------------------------------------------


async def test_revoking_a_leaver_keeps_history_tells_them_and_drops_their_draft(coordinator, focal, sessions,
                                                                               clock):
    assert "Đã ghi nhận" in await focal.say("/bc IV.2.a 50% tập huấn")
    await focal.say("/baocao")  # a report begun, not finished
    bình = await member_id(sessions, focal.user_id)
    answer = await coordinator.say("/thuhoi tran thi binh")
    assert "Đã thu hồi quyền của Trần Thị Bình (đầu mối Sở Công Thương)" in answer
    assert "Đã bỏ bản báo cáo họ đang nhập dở." in answer and "Bot đã gửi thông báo cho họ." in answer
    assert "Sở Công Thương không còn đầu mối nào: mời người thay bằng /moi SCT đầu mối." in answer
    async with sessions() as session:
        grant = (await session.exec(select(RoleGrant).where(RoleGrant.member_id == bình))).one()
        assert grant.status == "revoked" and grant.revoked_at is not None  # the grant is kept, marked
        assert (await session.exec(select(func.count()).select_from(Report))).one() == 1
        assert (await session.exec(select(func.count()).select_from(Conversation))).one() == 0
        audit = (await session.exec(select(AuditLog).where(AuditLog.action == "member.revoke"))).one()
        assert audit.entity_id == str(bình) and audit.detail["roles"] == [["focal", "SCT"]]
    (told,) = await deliveries(sessions, "notice")
    assert told.chat_id == focal.chat_id
    assert "Quyền sử dụng bot của anh/chị (đầu mối Sở Công Thương) đã được thu hồi" in \
        await text_of(sessions, told, clock().date())
    assert f"Người dùng #{bình} không còn vai trò nào để thu hồi." in await coordinator.say(f"/thuhoi #{bình}")
    assert "Trần Thị Bình" not in await coordinator.say("/thanhvien")


async def test_help_says_how_to_replace_a_focal_point(coordinator):
    assert "Thay đầu mối: /moi cho người mới, rồi /thuhoi người cũ" in await coordinator.say("/trogiup")


async def test_a_revoked_member_can_do_nothing(coordinator, focal, sessions, bot, clock):
    bình = await member_id(sessions, focal.user_id)
    async with sessions() as session:  # signed in to the web view
        unit_id = (await session.exec(select(Unit.id).where(Unit.code == "SCT"))).one()
        await redeem_link(session, await create_link(session, role="focal", unit_id=unit_id, member_id=bình,
                                                     now=clock()), now=clock())
        await session.commit()
    await coordinator.say("/nhacnho SCT")  # a reminder waiting in the outbox for them
    await focal.say("/baocao")
    stale_choice = focal.last  # the draft's buttons, pressed again after the revocation below
    await coordinator.say(f"/thuhoi {bình}")
    async with sessions() as session:
        assert (await session.exec(select(WebSession.ended_at))).one() is not None
    assert [(d.kind, d.status) for d in await deliveries(sessions)] == [("nudge", "stale"), ("notice", "pending")]

    assert "chưa đăng ký" in await focal.say("Hoàn thành")  # the draft is gone: no step takes this
    focal.last = stale_choice
    assert "Lựa chọn đó đã hết hiệu lực" in await focal.press("Đang thực hiện")
    for command in bot.ordered:
        if ANYONE in command.roles:
            continue
        before = await denied(sessions)
        answer = await focal.say(f"/{command.name} SCT IV.2.a 80%")
        assert await denied(sessions) == before + 1, f"/{command.name} ran for a revoked member: {answer}"
        assert "chưa đăng ký sử dụng bot" in answer
    assert "cần mã mời" in await focal.say("/start")
    assert "Anh/chị chưa đăng ký" in await focal.say("/trogiup")
    async with sessions() as session:
        assert (await session.exec(select(func.count()).select_from(Report))).one() == 0


async def test_a_name_several_people_share_is_answered_with_a_choice(coordinator, person, invite, sessions):
    for user_id, unit in (("201", "SCT"), ("202", "SYT")):
        await person(user_id, f"Nguyễn Thị Bình {unit}").say(f"/start {await invite(unit)}")
    answer = await coordinator.say("/thuhoi Bình")
    assert "“Bình” khớp với 2 người; chọn người cần thu hồi quyền:" in answer
    assert [o.split(" — ")[1] for o in coordinator.options] == ["đầu mối SCT", "đầu mối SYT"]
    assert "Đã thu hồi quyền của Nguyễn Thị Bình SYT (đầu mối Sở Y tế)" in await coordinator.press("SYT")
    assert "Đã thu hồi quyền của Nguyễn Thị Bình SCT" in await coordinator.say("/thuhoi Bình")  # one is left


async def test_bad_revocations_are_refused_with_the_reason(coordinator, focal, leader, person, sessions):
    assert "Ghi người cần thu hồi quyền" in await coordinator.say("/thuhoi")
    assert "Không tìm thấy người dùng “Không Có Ai”. Gõ /thanhvien" in await coordinator.say("/thuhoi Không Có Ai")
    assert "Không tìm thấy người dùng “99999”" in await coordinator.say("/thuhoi 99999")
    assert "không tự thu hồi quyền của mình" in await coordinator.say("/thuhoi Lê Văn Cường")
    await person("900", "Quản trị").say("/trogiup")  # the configured administrator, known once they write
    assert "NHACVIEC_ADMINS" in await coordinator.say("/thuhoi Quản trị")
    for someone in (focal, leader):
        assert "dành cho cán bộ điều phối" in await someone.say("/thuhoi Lê Văn Cường")
    async with sessions() as session:
        assert (await session.exec(select(func.count()).select_from(RoleGrant).where(
            RoleGrant.status == "revoked"))).one() == 0


async def test_the_last_administrator_is_not_revoked(sessions, plan, clock, invite):
    bot = await dispatcher(sessions, HandlerConfig(admins=(), tz=ZoneInfo("Asia/Ho_Chi_Minh")), clock)
    coordinator = Person(bot, clock, user_id="300", name="Lê Văn Cường")
    await coordinator.say(f"/start {await invite(None, 'coordinator')}")
    (admin,) = await add_people(sessions, [""], name="Quản trị viên", role="admin")
    assert "quản trị viên cuối cùng" in await coordinator.say(f"/thuhoi {admin}")
    (second,) = await add_people(sessions, [""], name="Quản trị dự phòng", role="admin")
    assert "Đã thu hồi quyền của Quản trị viên 1 (quản trị viên)" in await coordinator.say(f"/thuhoi {admin}")
    assert "quản trị viên cuối cùng" in await coordinator.say(f"/thuhoi {second}")
