"""The weekly digest as a leader reads it: reporting rates, overdue units by name with their periods and
nothing cut silently, obstacles by task, and targets counted by the year their data ends in."""

import asyncio
from decimal import Decimal

from jobs import digest
from jobs.runner import DigestReplies
from tests.jobs.conftest import VN, at


async def people_of(person, invite, *units: str) -> dict:
    found = {}
    for index, unit in enumerate(units):
        found[unit] = person(f"8{index}", f"Đầu mối {unit}")
        await found[unit].say(f"/start {await invite(unit)}")
    return found


async def test_digest_counts_and_targets(sessions, plan, person, invite, clock):
    people = await people_of(person, invite, "SCT", "SYT", "CTK")
    clock.now = at("2025-12-10 09:00")
    await people["SCT"].say("/bc IV.2.a xong dn=4 Hỗ trợ 4 doanh nghiệp")
    await people["SYT"].say("/bc IV.2.a 50% dn=2 vướng mắc: thiếu chuyên gia tư vấn")
    clock.now = at("2026-01-19 09:00")
    answer = await people["CTK"].say("/bc IV.6 xong nsld=8,1 số liệu ước tính năm 2025")
    # IV.6 has two open periods (the 2025 annual and the 2021–2025 five-year assessment): the bot asks.
    assert "giai đoạn 2021–2025" in answer
    assert "Đã ghi nhận" in await people["CTK"].press("năm 2025")
    async with sessions() as session:
        text = digest.text(await digest.build(session, plan, at("2025-12-15 07:30"), VN))
    assert "• Báo cáo hằng năm, năm 2025 — hạn Thứ Ba, 16/12/2025 (còn 1 ngày làm việc): 2/37 (5%)" in text
    assert "✅ Hoàn thành trong tuần:\n• Sở Công Thương · IV.2.a" in text
    # Obstacles by task: the task once, then each unit with its period.
    assert "⚠️ Vướng mắc đang mở (1):\n■ IV.2.a — " in text
    assert "\n  • Sở Y tế (năm 2025): thiếu chuyên gia tư vấn" in text
    # The 2025 milestone is still to come on 15/12/2025: the figure so far, no verdict.
    assert "mốc 2025 ≥ 30 lượt: đến nay 6 lượt (20%); mốc 2030 ≥ 40 lượt: đến nay 6 lượt (15%)" in text
    assert "SYT" not in text and "DN_HO_TRO" not in text and "VL-3064-2023" not in text  # names, not codes


async def test_a_milestone_counts_only_reports_whose_window_ends_by_its_year(sessions, plan, person, invite, clock):
    people = await people_of(person, invite, "SCT", "SYT")
    clock.now = at("2025-12-10 09:00")  # the 2025 round: data 15/12/2024–14/12/2025
    await people["SCT"].say("/bc IV.2.a xong dn=4")
    await people["SYT"].say("/bc IV.2.a 50% dn=2")
    clock.now = at("2026-12-10 09:00")  # the 2026 round, due 16/12/2026: data up to 14/12/2026
    await people["SCT"].say("/bc IV.2.a xong dn=7")
    async with sessions() as session:
        data = await digest.build(session, plan, at("2027-01-04 07:30"), VN)
    text = digest.text(data)
    # 2025 is over: reached or not, with its final figure; the 2026 round counts toward 2030 only.
    assert "mốc 2025 ≥ 30 lượt: 6 lượt (20%) — chưa đạt; mốc 2030 ≥ 40 lượt: đến nay 13 lượt (33%)" in text
    dn = next(t for t in data.targets if t.code == "DN_HO_TRO")
    assert dn.by_year == {2025: Decimal(6), 2026: Decimal(7)}


async def test_an_average_growth_target_is_the_compound_average_of_the_years(sessions, plan, person, invite, clock):
    people = await people_of(person, invite, "CTK")
    for moment, rate, period in (("2027-01-11 09:00", "7", "năm 2026"), ("2028-01-10 09:00", "10", "năm 2027")):
        clock.now = at(moment)
        answer = await people["CTK"].say(f"/bc IV.6 xong nsld={rate}")
        if "Đã ghi nhận" not in answer:
            answer = await people["CTK"].press(period)
        assert "Đã ghi nhận" in answer
    async with sessions() as session:
        text = digest.text(await digest.build(session, plan, at("2028-01-17 07:30"), VN))
    # ((1,07 × 1,10)^(1/2) − 1) = 8,49%: not the latest figure (10) nor the plain mean (8,5).
    assert "mốc 2030 > 8,3 %/năm: bình quân 2026–2028: 8,49 %/năm (2 năm có số liệu)" in text
    assert "mốc 2025 ≥ 8,3 %/năm: chưa có số liệu" in text


async def test_the_overdue_list_says_how_many_units_it_leaves_out(sessions, plan):
    async with sessions() as session:
        data = await digest.build(session, plan, at("2027-01-25 07:30"), VN)
    text = digest.text(data)
    units = {item.obligation.unit_id for item in data.overdue}
    assert len(units) > digest.OVERDUE_UNITS
    assert f"⏰ Quá hạn chưa báo cáo: {len(data.overdue)} báo cáo của {len(units)} đơn vị" in text
    section = text.split("⏰ Quá hạn chưa báo cáo")[1].split("\n\n")[0].splitlines()[1:]
    assert len([line for line in section if line.startswith("• ")]) == digest.OVERDUE_UNITS
    assert section[-1] == f"… và {len(units) - digest.OVERDUE_UNITS} đơn vị khác (gõ /quahan để xem đủ)"
    # Each overdue report names its period; a long list per unit says how many more.
    assert "• Sở Khoa học và Công nghệ: IV.1.e (Tổ chức sơ kết thực hiện Kế hoạch năm 2025), II.1 (năm 2025), " \
           "II.2 (năm 2025)" in text
    skhcn = next(line for line in section if line.startswith("• Sở Khoa học và Công nghệ:"))
    listed = skhcn.count("), ") + 1
    owed = sum(1 for i in data.overdue if i.obligation.unit_code == "SKHCN")
    assert skhcn.endswith(f"và {owed - listed} báo cáo khác")


async def test_the_digest_is_drawn_off_the_event_loop(sessions, plan, config):
    """While the chart and the workbook are made, the loop keeps turning (the chats and the other sends go
    on); on the loop, it would not turn once until both were done."""
    replies = DigestReplies(sessions, config)
    task = asyncio.create_task(replies(at("2025-12-15 07:30"), "vi"))
    turns = 0
    while not task.done():
        await asyncio.sleep(0)
        turns += 1
    made = await task
    assert [r.attachment.filename for r in made if r.attachment] == ["nhacviec-VL-3064-2023-2025-12-15.png",
                                                                     "nhacviec-2025-12-15.xlsx"]
    assert turns > 20, turns
