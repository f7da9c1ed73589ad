"""The weekly digest's figures: reporting rates, obstacles, and progress toward the plan's targets."""

from jobs import digest
from tests.jobs.conftest import VN, at


async def test_digest_counts_and_targets(sessions, plan, person, invite, clock):
    people = {}
    for unit in ("SCT", "SYT", "CTK"):
        people[unit] = person(f"8{len(people)}", f"Đầu mối {unit}")
        await people[unit].say(f"/start {await invite(unit)}")
    clock.now = at("2025-12-10 09:00")
    await people["SCT"].say("/bc IV.2.a xong dn=4 Hỗ trợ 4 doanh nghiệp")
    await people["SYT"].say("/bc IV.2.a 50% dn=2 vướng mắc: thiếu chuyên gia tư vấn")
    clock.now = at("2026-01-19 09:00")
    answer = await people["CTK"].say("/bc IV.6 xong nsld=8,1 số liệu ước tính năm 2025")
    # IV.6 has two open periods (the 2025 annual and the 2021–2025 five-year assessment): the bot asks.
    assert "giai đoạn 2021–2025" in answer
    assert "Đã ghi nhận" in await people["CTK"].press("năm 2025")
    async with sessions() as session:
        data = await digest.build(session, plan, at("2025-12-15 07:30"), VN)
        text = digest.text(data)
    assert "• Báo cáo hằng năm, năm 2025 — hạn Thứ Ba, 16/12/2025 (còn 1 ngày làm việc): 2/37 (5%)" in text
    assert "• SYT · IV.2.a: thiếu chuyên gia tư vấn" in text
    assert "✅ Hoàn thành trong tuần:\n• SCT · IV.2.a" in text
    dn = next(t for t in data.targets if t.code == "DN_HO_TRO")
    assert dn.value == 6 and dn.value_for(2025) == 6
    assert "mốc 2025 ≥ 30: 20%; mốc 2030 ≥ 40: 15%" in text
    async with sessions() as session:  # the statistics office's figure is the latest, not a sum
        later = await digest.build(session, plan, at("2026-01-26 07:30"), VN, contributions=True)
    nsld = next(t for t in later.targets if t.code == "NSLD")
    assert float(nsld.value) == 8.1 and nsld.as_of.isoformat() == "2026-01-20"
    assert [c[:2] for c in next(t for t in later.targets if t.code == "DN_HO_TRO").contributions] == [
        ("SCT", "IV.2.a"), ("SYT", "IV.2.a")]
