"""Units with duties but no reporting obligation (the Đài, the Báo, the three associations: `report_by: none`)
are followed — their status lists them and their tasks — but never asked, reminded or listed as missing."""

from __future__ import annotations

from datetime import timedelta

from jobs.tick import TickConfig, tick
from tests.jobs.conftest import VN, at


async def test_associations_are_shown_but_not_chased(coordinator, person, invite, clock):
    association = person("250", "Võ Thị Hạnh")
    await association.say(f"/start {await invite('HHDN')}")
    answer = await coordinator.say("/tinhhinh HHDN")
    assert "🏢 Hiệp hội Doanh nghiệp tỉnh Vĩnh Long (HHDN)" in answer and "Đầu mối: Võ Thị Hạnh" in answer
    assert "Nhiệm vụ được theo dõi, không hỏi báo cáo: IV.7.a, IV.7.b" in answer
    answer = await coordinator.say("/tinhhinh IV.7.a")
    assert "Chủ trì: HHDN, HDNT, LMHTX" in answer
    assert "Nhiệm vụ được theo dõi, không hỏi báo cáo: văn bản không yêu cầu các đơn vị này báo cáo." in answer
    assert "Nhiệm vụ được theo dõi, không hỏi báo cáo: IV.5.b" in await coordinator.say("/tinhhinh Báo Vĩnh Long")
    assert "HHDN" not in await coordinator.say("/chuabaocao")
    clock.now += timedelta(days=17)  # Thursday 18/12/2025, after the yearly deadline
    overdue = await coordinator.say("/quahan")
    # 20 units: the nine Sở, SKHCN, SKHDT, STC and the eight district committees — not the Đài, the Báo and the
    # three associations (25 with them).
    assert "⏰ Quá hạn chưa báo cáo: 38 báo cáo của 20 đơn vị" in overdue
    assert "HHDN" not in overdue and "Hiệp hội" not in overdue


async def test_no_reminder_goes_to_a_unit_that_is_not_asked(sessions, person, invite):
    association = person("250", "Võ Thị Hạnh")
    await association.say(f"/start {await invite('HHDN')}")
    sct = person("200", "Trần Thị Bình")
    await sct.say(f"/start {await invite('SCT')}")
    async with sessions() as session:
        result = await tick(session, TickConfig(tz=VN, channels=frozenset({"telegram"})), at("2025-12-09 08:00"))
    reminded = {q.recipient.chat_id for q in result.queued if q.kind == "reminder"}
    assert "200" in reminded and "250" not in reminded
