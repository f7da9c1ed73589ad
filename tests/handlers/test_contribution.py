"""A support unit's contribution: recorded, shown beside the lead's report, never counted as it, never chased
(issue 14 §4). Sở Công Thương supports IV.1.a, which Sở KH&CN leads."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import select

from jobs.tick import TickConfig, tick
from models.store.tables import Assignment, ChannelAccount, Claim, Contribution, Report, Task, Unit

VN = ZoneInfo("Asia/Ho_Chi_Minh")


async def test_a_support_unit_contributes_beside_the_leads_report(focal, coordinator, person, invite, sessions):
    answer = await focal.say("/bc IV.1.a 80% Đã phối hợp rà soát 12 doanh nghiệp")
    assert "🤝 Đã ghi nhận đóng góp của SCT (đơn vị phối hợp) cho nhiệm vụ IV.1.a · năm 2025: Đang thực hiện 80%" \
        in answer
    assert "đây không phải báo cáo thay đơn vị chủ trì" in answer and "(SKHCN)" in answer
    async with sessions() as session:
        assert (await session.exec(select(Report))).all() == []  # not the lead's report
        (row,) = (await session.exec(select(Contribution))).all()
    assert (row.status, row.percent, row.note) == ("in_progress", 80, "Đã phối hợp rà soát 12 doanh nghiệp")
    beside = "↳ Đóng góp của SCT (phối hợp): Đang thực hiện 80% “Đã phối hợp rà soát 12 doanh nghiệp”"
    task_view = await coordinator.say("/tinhhinh IV.1.a")
    assert "SKHCN · năm 2025: ⭕ chưa báo cáo" in task_view and beside in task_view
    assert "SKHCN: " in await coordinator.say("/chuabaocao") and "IV.1.a" in coordinator.text  # still owed
    lead = person("500", "Võ Thị Hoa")
    await lead.say(f"/start {await invite('SKHCN')}")
    assert beside in await lead.say("/tinhhinh")  # the lead unit sees it with its own item
    await lead.say("/bc IV.1.a 100%")
    assert beside in await coordinator.say("/tinhhinh IV.1.a")
    # A task the unit neither leads nor supports is still refused.
    assert "không thuộc đơn vị anh/chị phụ trách" in await focal.say("/bc II.3 80%")
    assert "cần tình trạng hoặc phần trăm" in await focal.say("/bc IV.1.a có tham gia")


async def test_a_contribution_is_never_chased(focal, sessions):
    await focal.say("/bc IV.1.a 50%")
    async with sessions() as session:
        await tick(session, TickConfig(tz=VN, channels=frozenset({"telegram"})), datetime(2025, 12, 16, 8, 0,
                                                                                           tzinfo=VN))
        keys = [c.key for c in (await session.exec(select(Claim))).all()]
        account = (await session.exec(select(ChannelAccount).where(ChannelAccount.external_id == focal.user_id))
                   ).one()
        iv1a = (await session.exec(select(Assignment.id).join(Task, Task.id == Assignment.task_id)
                                   .join(Unit, Unit.id == Assignment.unit_id)
                                   .where(Task.code == "IV.1.a", Unit.code == "SCT"))).all()
    mine = [k for k in keys if k.endswith(f":m{account.member_id}")]
    # SCT's focal point is reminded of its own IV.2.a, never of IV.1.a.
    assert mine and not [k for k in mine if any(f"reminder:{a}:" in k for a in iv1a)]
