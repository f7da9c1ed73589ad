"""`nhacviec review accept|return UNIT TASK [--period P] [--comment TEXT] [--undo]`: the operator's review."""

from __future__ import annotations

from functools import partial

from sqlmodel import select

from models.store.tables import AuditLog, Delivery, Report
from tests.bot.prepared import nhacviec_beside

TELEGRAM = {"NHACVIEC_TELEGRAM_TOKEN": "123456:test-token"}  # a channel configured: the comment can be queued
nhacviec = partial(nhacviec_beside, env=TELEGRAM)


async def review_of(sessions) -> tuple[str, str, str]:
    async with sessions() as session:
        report = (await session.exec(select(Report))).one()
        return report.review, report.reviewed_by, report.review_comment


async def test_the_cli_accepts_returns_and_undoes(db_url, sessions, person, invite):
    focal = person("200", "Trần Thị Bình")
    await focal.say(f"/start {await invite('SCT')}")
    await focal.say("/bc IV.2.a 60% tập huấn")

    result = await nhacviec("review", "accept", "SCT", "IV.2.a", "--period", "2025", db_url=db_url)
    assert result.exit_code == 0, result.output
    assert "Đã tiếp nhận báo cáo IV.2.a · năm 2025 · SCT (bản 1)." in result.output
    assert await review_of(sessions) == ("accepted", "cli", "")
    result = await nhacviec("review", "accept", "SCT", "IV.2.a", "--undo", db_url=db_url)
    assert "trở lại “mới”" in result.output and await review_of(sessions) == ("new", "", "")

    result = await nhacviec("review", "return", "SCT", "IV.2.a", db_url=db_url)
    assert result.exit_code == 2 and "--comment" in result.output
    result = await nhacviec("review", "return", "SCT", "IV.2.a", "--comment", "Thiếu số liệu", db_url=db_url)
    assert result.exit_code == 0, result.output
    assert "Đã trả lại báo cáo IV.2.a · năm 2025 · SCT (bản 1)" in result.output
    assert await review_of(sessions) == ("returned", "cli", "Thiếu số liệu")
    result = await nhacviec("review", "return", "SCT", "IV.2.a", "--comment", "Lần nữa", db_url=db_url)
    assert result.exit_code == 2 and "đã ở trạng thái “trả lại”" in result.output
    assert "trả lại: Thiếu số liệu" in await focal.say("/tinhhinh")
    result = await nhacviec("review", "accept", "SCT", "IV.2.a", "--undo", db_url=db_url)
    assert result.exit_code == 2 and "không có gì để hủy" in result.output
    result = await nhacviec("review", "return", "SCT", "IV.2.a", "--undo", db_url=db_url)
    assert result.exit_code == 0 and await review_of(sessions) == ("new", "", "")

    result = await nhacviec("review", "accept", "SCT", "IV.2.a", "--period", "quý 9/2025", db_url=db_url)
    assert result.exit_code == 2 and "Không đọc được kỳ" in result.output
    result = await nhacviec("review", "accept", "SYT", "IV.2.a", db_url=db_url)
    assert result.exit_code == 2 and "Chưa có báo cáo IV.2.a nào của Sở Y tế" in result.output
    async with sessions() as session:
        actions = (await session.exec(select(AuditLog.action).where(AuditLog.actor == "cli")
                                      .order_by(AuditLog.id))).all()
        assert actions == ["report.accept", "report.review_undo", "report.return", "report.review_undo"]
        (delivery,) = (await session.exec(select(Delivery).where(Delivery.kind == "returned"))).all()
        assert delivery.chat_id == focal.chat_id
