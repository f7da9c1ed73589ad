"""After the 2025 reorganisation: old names lead to the new units, history shows under the successor,
and a merged unit's focal point is asked once whether they carry on."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from handlers.core import HandlerConfig
from handlers.dispatcher import Dispatcher
from jobs import digest, workbook
from jobs.compose import Composer
from jobs.runner import DigestReplies
from jobs.tick import TickConfig, tick
from models.obligations import obligations
from models.planfiles.load_reorg import load_reorg
from models.planfiles.reorg_file import read_reorg
from models.store.tables import Assignment, ChannelAccount, Invite, Plan, Report, RoleGrant, Unit
from plans import DEFAULT_REORG
from tests.conftest import dispatcher
from tests.handlers.conftest import followed_since
from tests.outbox import claims, deliveries
from tests.sheets import cells

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
async def plan(sessions, shipped_plan) -> Plan:
    """Followed since November 2024, so that the 2024 round is part of the history."""
    return await followed_since(sessions, shipped_plan, date(2024, 11, 1))


@pytest.fixture
async def bot(sessions, plan, clock) -> Dispatcher:
    # The reorganisation is loaded mid-dialog here: the next message sees it (the catalog revision moved).
    return await dispatcher(sessions, HandlerConfig(admins=("telegram:900",), tz=VN), clock)


@pytest.fixture
def reorganise(sessions):
    async def run() -> None:
        async with sessions() as session:
            await load_reorg(session, read_reorg(DEFAULT_REORG), actor="test")
    return run


@pytest.fixture
async def press_officer(person, invite, clock, reorganise):
    """A focal point of Sở TT&TT who reported in December 2024, before the merger."""
    clock.now = datetime(2024, 12, 10, 9, 0, tzinfo=VN)
    someone = person("500", "Võ Thị Hạnh")
    await someone.say(f"/start {await invite('STTTT')}")
    assert "Đã ghi nhận báo cáo" in await someone.say("/bc IV.5.a 50% phóng sự truyền hình")
    await reorganise()
    clock.now = datetime(2025, 8, 1, 9, 0, tzinfo=VN)  # Friday, after both 2025 events
    return someone


async def test_old_names_lead_to_the_successor_and_say_so(press_officer, coordinator):
    # A unit that has ended, named: its own history, saying who carries its work now (issue 15 §12).
    answer = await coordinator.say("/tinhhinh Sở TT&TT")
    assert answer.startswith("🏢 Sở Thông tin và Truyền thông (STTTT)\n"
                             "Sở Thông tin và Truyền thông đã hợp nhất vào Sở Khoa học và Công nghệ từ 01/03/2025.")
    assert "• IV.2.a · năm 2024 — hạn" in answer and "Đầu mối: Võ Thị Hạnh" in answer
    # Its 2024 IV.2.a is a report "gửi về Sở KH&CN": not one Sở KH&CN owes itself (§9, §12).
    answer = await coordinator.say("/tinhhinh SKHCN")
    assert "🏢 Sở Khoa học và Công nghệ (SKHCN)" in answer and "IV.2.a" not in answer
    assert "Đầu mối: Võ Thị Hạnh (chờ xác nhận)" in answer
    answer = await coordinator.say("/nhacnho UBND huyện Long Hồ")
    assert "UBND huyện Long Hồ đã kết thúc hoạt động từ 01/07/2025; nhiệm vụ chuyển về UBND các xã, phường." in answer
    assert "UBND các xã, phường chưa có đầu mối đăng ký" in answer
    answer = await coordinator.say("/tinhhinh Sở Nông nghiệp")
    assert "(SNNPTNT)" in answer and "đã hợp nhất vào Sở Nông nghiệp và Môi trường" in answer


async def test_a_retired_district_shows_its_own_history_and_the_communes_theirs(press_officer, coordinator):
    """Issue 15 §12: the districts' 2024 debts are their own, not lumped under "UBND các xã, phường";
    §13: the retirement closed them, with the reason, so they are no longer overdue."""
    answer = await coordinator.say("/tinhhinh Long Hồ")
    assert answer.startswith("🏢 UBND huyện Long Hồ (UBND-LH)\nUBND huyện Long Hồ đã kết thúc hoạt động từ "
                             "01/07/2025; nhiệm vụ chuyển về UBND các xã, phường.")
    assert "Quá hạn" not in answer
    closed = answer.split("Không còn phải nộp:")[1]
    assert "• IV.8.a · năm 2024 — đơn vị đã giải thể từ 01/07/2025" in closed and "trước đây" not in closed
    assert closed.count("• IV.8.a · năm 2024") == 1  # Long Hồ's own, not the eight districts'
    answer = await coordinator.say("/tinhhinh UBND các xã, phường")
    assert answer.startswith("🏢 UBND các xã, phường (UBND-CAPXA)")
    assert "năm 2024" not in answer and "trước đây" not in answer
    # What it took over is marked with where it came from.
    assert "• IV.8.a · năm 2025 — hạn" in answer
    assert "(nhận từ UBND-TPVL, UBND-TXBM, UBND-LH, UBND-MT, UBND-VLI, UBND-TB, UBND-TO, UBND-BT)" in answer


async def test_a_merged_department_s_debts_are_inherited_marked_with_their_origin(press_officer, coordinator):
    answer = await coordinator.say("/tinhhinh SNNMT")
    assert answer.startswith("🏢 Sở Nông nghiệp và Môi trường (SNNMT)")
    # Sở NN&PTNT's unreported 2024 report: the merged department reports on IV.2.a, so it carries it.
    assert "• IV.2.a · năm 2024 — hạn Thứ Ba, 17/12/2024 (quá hạn từ 18/12/2024) " \
           "(trước đây: Sở Nông nghiệp và Phát triển nông thôn)" in answer
    assert "(nhận từ Sở Nông nghiệp và Phát triển nông thôn)" in answer  # its 2025 reports, on tasks it took over


async def test_before_the_merger_the_old_unit_is_itself(person, invite, clock, coordinator, reorganise):
    await reorganise()
    clock.now = datetime(2025, 2, 3, 9, 0, tzinfo=VN)
    answer = await coordinator.say("/tinhhinh Sở TT&TT")
    assert "🏢 Sở Thông tin và Truyền thông (STTTT)" in answer and "hợp nhất" not in answer
    clock.now = datetime(2025, 6, 2, 9, 0, tzinfo=VN)
    answer = await coordinator.say("/tinhhinh Long Hồ")
    assert "🏢 UBND huyện Long Hồ (UBND-LH)" in answer and "kết thúc" not in answer
    assert "IV.8.a · năm 2025" in answer


async def test_the_report_filed_before_stays_with_the_old_unit(press_officer, sessions):
    async with sessions() as session:
        report = (await session.exec(select(Report))).one()
        unit_id = (await session.exec(select(Assignment.unit_id).where(Assignment.id == report.assignment_id))).one()
        assert (await session.get(Unit, unit_id)).code == "STTTT"
        assert report.raw_text.endswith("phóng sự truyền hình")


async def test_focal_point_is_asked_once_and_confirms(press_officer, coordinator, sessions, clock, plan):
    config = TickConfig(tz=VN, channels=frozenset({"telegram"}))
    async with sessions() as session:
        queued = [q for q in (await tick(session, config, clock())).queued if q.kind == "succession"]
    (asked,) = queued
    assert asked.recipient.chat_id == "500"
    (row,) = await deliveries(sessions, "succession")
    composer = Composer(sessions=sessions, digest=DigestReplies(sessions, config))
    (question,) = await composer(row.model_dump(), clock().date())
    assert "Từ 01/03/2025, Sở Thông tin và Truyền thông đã hợp nhất vào Sở Khoa học và Công nghệ." in question.text
    assert [o.label for o in question.options] == ["Có, tôi tiếp tục", "Không, người khác phụ trách"]
    async with sessions() as session:  # asked once: the next tick does not ask again
        assert not [q for q in (await tick(session, config, clock())).queued if q.kind == "succession"]
    assert len(await claims(sessions, "succession")) == 1
    yes = question.options[0].value
    assert "dành cho người khác" in await coordinator.press_value(yes)  # someone else's question
    assert "Anh/chị có tiếp tục làm đầu mối báo cáo cho Sở Khoa học và Công nghệ không?" in \
        await press_officer.say("/xacnhan")
    answer = await press_officer.press("Có, tôi tiếp tục")
    assert "Đã xác nhận: anh/chị là đầu mối báo cáo của Sở Khoa học và Công nghệ." in answer
    assert "đã xác nhận trước đó" in await press_officer.press_value(yes)
    assert "không có phân công nào đang chờ" in await press_officer.say("/xacnhan")
    answer = await coordinator.say("/tinhhinh SKHCN")
    assert "Đầu mối: Võ Thị Hạnh" in answer and "chờ xác nhận" not in answer
    assert "🏢 Sở Khoa học và Công nghệ (SKHCN)" in await press_officer.say("/tinhhinh SKHCN")
    async with sessions() as session:
        assert "chưa xác nhận" not in digest.text(await digest.build(session, plan, clock(), VN))


async def test_declining_keeps_history_and_points_to_who_invites(press_officer, sessions):
    await press_officer.say("/xacnhan")
    answer = await press_officer.press("Không")
    assert "không làm đầu mối của Sở Khoa học và Công nghệ" in answer and "mã mời" in answer
    async with sessions() as session:
        statuses = {g.status for g in (await session.exec(select(RoleGrant))).all()}
    assert "revoked" in statuses and "active" in statuses  # the old unit's grant (and its history) remains
    assert "chỉ xem được tình hình của đơn vị mình" in await press_officer.say("/tinhhinh SKHCN")


async def test_digest_names_the_old_unit_and_its_successor(press_officer, sessions, clock, plan, monkeypatch):
    async with sessions() as session:
        data = await digest.build(session, plan, clock(), VN, contributions=True)
    monkeypatch.setattr(digest, "OVERDUE_UNITS", 30)  # 24 units are overdue: list them all
    text = digest.text(data)
    assert "• Sở Thông tin và Truyền thông (nay: Sở Khoa học và Công nghệ): IV.2.a (" in text
    # The focal point has not answered yet: the coordinator reads it in the digest.
    assert "🕓 Đầu mối chưa xác nhận sau sắp xếp (1):\n• Võ Thị Hạnh: Sở Thông tin và Truyền thông → " \
           "Sở Khoa học và Công nghệ" in text
    sheet = cells(workbook.render(data))
    names = {row[sheet.column("Đơn vị")] for row in sheet.where(**{"Mã đơn vị": "STTTT"})}
    assert names == {"Sở Thông tin và Truyền thông (nay: Sở Khoa học và Công nghệ)"}


# --- invites made before the reorganisation, redeemed after it ---------------------------------


async def grants_of(sessions, user_id: str) -> list[tuple[str, str]]:
    async with sessions() as session:
        return [(code, status) for code, status in (await session.exec(
            select(Unit.code, RoleGrant.status).join(RoleGrant, RoleGrant.unit_id == Unit.id)
            .join(ChannelAccount, ChannelAccount.member_id == RoleGrant.member_id)
            .where(ChannelAccount.external_id == user_id))).all()]


async def test_an_invite_for_a_merged_unit_registers_for_its_successor_and_says_so(person, invite, clock, reorganise,
                                                                                   sessions):
    clock.now = datetime(2025, 2, 25, 9, 0, tzinfo=VN)
    code = await invite("STTTT")  # made before the merger, valid 14 days
    await reorganise()
    clock.now = datetime(2025, 3, 3, 9, 0, tzinfo=VN)
    newcomer = person("510", "Đặng Văn Long")
    answer = await newcomer.say(f"/start {code}")
    assert answer.startswith(
        "Mã mời được tạo cho Sở Thông tin và Truyền thông; đơn vị này đã hợp nhất vào Sở Khoa học và Công nghệ "
        "từ 01/03/2025, nên anh/chị được đăng ký làm đầu mối của Sở Khoa học và Công nghệ.")
    assert "Anh/chị đã được đăng ký là đầu mối — Sở Khoa học và Công nghệ." in answer
    assert await grants_of(sessions, "510") == [("SKHCN", "active")]  # reminded for the unit that exists
    assert "🏢 Sở Khoa học và Công nghệ (SKHCN)" in await newcomer.say("/tinhhinh")


async def test_an_invite_for_a_retired_district_registers_for_the_communes(person, invite, clock, reorganise, sessions):
    clock.now = datetime(2025, 6, 25, 9, 0, tzinfo=VN)
    code = await invite("UBND-LH")
    await reorganise()
    clock.now = datetime(2025, 7, 2, 9, 0, tzinfo=VN)
    answer = await person("511", "Lê Thị Mai").say(f"/start {code}")
    assert answer.startswith(
        "Mã mời được tạo cho UBND huyện Long Hồ; đơn vị này đã kết thúc hoạt động từ 01/07/2025, nhiệm vụ chuyển về "
        "UBND các xã, phường, nên anh/chị được đăng ký làm đầu mối của UBND các xã, phường.")
    assert await grants_of(sessions, "511") == [("UBND-CAPXA", "active")]


async def test_an_invite_for_a_unit_ended_without_successor_is_refused_naming_what_happened(
        person, invite, clock, sessions, tmp_path):
    clock.now = datetime(2025, 6, 25, 9, 0, tzinfo=VN)
    code = await invite("UBND-LH")
    path = tmp_path / "reorg.yaml"  # the district's tasks go to the coordinators' decision: no successor
    path.write_text("reorganisation: {code: T, plan: VL-3064-2023, title: thử}\nevents:\n"
                    "  - {date: 2025-07-01, retire: UBND-LH, tasks_to: decision, source: x}\n", encoding="utf-8")
    async with sessions() as session:
        await load_reorg(session, read_reorg(path), actor="test")
    clock.now = datetime(2025, 7, 2, 9, 0, tzinfo=VN)
    someone = person("512", "Trương Văn Hoà")
    for _attempt in range(6):  # a real code, not a guess: asking again is not throttled
        answer = await someone.say(f"/start {code}")
        assert answer == (
            "Mã mời được tạo cho UBND huyện Long Hồ; đơn vị này đã kết thúc hoạt động từ 01/07/2025 và không có đơn "
            "vị nào tiếp nhận, nên mã không dùng được nữa. Vui lòng liên hệ Sở Khoa học và Công nghệ để được cấp mã "
            "mời cho đơn vị anh/chị đang công tác.")
    assert await grants_of(sessions, "512") == []
    async with sessions() as session:
        assert (await session.exec(select(Invite.used_at))).one() is None  # not spent


# --- names are effective-dated (issue 15 §10) -----------------------------------------------------------


async def test_the_statistics_office_is_greeted_by_the_name_it_had_that_day(person, invite, clock, reorganise):
    await reorganise()  # loaded ahead: the rename of 01/03/2025 must not reach back
    clock.now = datetime(2024, 1, 15, 9, 0, tzinfo=VN)
    january = await person("520", "Ngô Văn Toàn").say(f"/start {await invite('CTK')}")
    assert "Anh/chị đã được đăng ký là đầu mối — Cục Thống kê tỉnh Vĩnh Long." in january
    clock.now = datetime(2025, 3, 3, 9, 0, tzinfo=VN)
    march = await person("521", "Đỗ Thị Lan").say(f"/start {await invite('CTK')}")
    assert "Anh/chị đã được đăng ký là đầu mối — Thống kê tỉnh Vĩnh Long." in march and "Cục Thống kê" not in march


async def test_reminders_and_status_name_the_statistics_office_as_it_was_called_then(person, invite, clock, reorganise,
                                                                                    coordinator, sessions, plan):
    await reorganise()
    clock.now = datetime(2025, 1, 13, 9, 0, tzinfo=VN)  # the 2024 assessment (IV.6) is due 20/01/2025
    answer = await coordinator.say("/tinhhinh CTK")
    assert answer.startswith("🏢 Cục Thống kê tỉnh Vĩnh Long (CTK)")
    async with sessions() as session:
        found = await obligations(session, [plan.id], due_from=date(2025, 1, 20), due_to=date(2025, 1, 20),
                                  as_of=clock().date())
        assert {o.unit_name for o in found if o.unit_code == "CTK"} == {"Cục Thống kê tỉnh Vĩnh Long"}
    clock.now = datetime(2025, 6, 2, 9, 0, tzinfo=VN)
    answer = await coordinator.say("/tinhhinh Cục Thống kê")  # the old name still finds it
    assert answer.startswith("🏢 Thống kê tỉnh Vĩnh Long (CTK)")


# --- focal points are never stranded by a merger (issue 15 §11) ------------------------------------------


async def test_a_focal_point_registered_after_the_load_is_asked_on_the_merger_day(person, invite, clock, reorganise,
                                                                                   coordinator, sessions):
    await reorganise()  # the 2025 file is loaded first (as `nhacviec run` does) …
    clock.now = datetime(2025, 2, 10, 9, 0, tzinfo=VN)  # … and a focal point of Sở NN&PTNT registers afterwards
    farmer = person("530", "Huỳnh Văn Phúc")
    assert "đầu mối — Sở Nông nghiệp và Phát triển nông thôn" in await farmer.say(f"/start {await invite('SNNPTNT')}")
    config = TickConfig(tz=VN, channels=frozenset({"telegram"}))

    async def asked_at(moment: datetime) -> list:
        clock.now = moment
        async with sessions() as session:
            return [q for q in (await tick(session, config, clock())).queued if q.kind == "succession"]

    assert await asked_at(datetime(2025, 2, 28, 9, 0, tzinfo=VN)) == []  # not before the merger
    (question,) = await asked_at(datetime(2025, 3, 3, 9, 0, tzinfo=VN))  # Monday after Saturday 01/03/2025
    assert question.recipient.chat_id == "530"
    answer = await coordinator.say("/tinhhinh SNNMT")
    assert "Đầu mối: Huỳnh Văn Phúc (chờ xác nhận)" in answer
    assert "Sở Nông nghiệp và Phát triển nông thôn đã hợp nhất vào Sở Nông nghiệp và Môi trường" in \
        await farmer.say("/xacnhan")
    assert "Đã xác nhận: anh/chị là đầu mối báo cáo của Sở Nông nghiệp và Môi trường." in \
        await farmer.press("Có, tôi tiếp tục")
    assert await asked_at(datetime(2025, 3, 4, 9, 0, tzinfo=VN)) == []
    assert await grants_of(sessions, "530") == [("SNNPTNT", "active"), ("SNNMT", "active")]
    answer = await coordinator.say("/tinhhinh SNNMT")
    assert "Đầu mối: Huỳnh Văn Phúc" in answer and "chờ xác nhận" not in answer
