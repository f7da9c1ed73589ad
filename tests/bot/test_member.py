"""`nhacviec member list` and `nhacviec member forget` (Nghị định 13/2023/NĐ-CP): a person's data goes,
their unit's reports stay."""

from __future__ import annotations

import re

from sqlmodel import func, select

from bot.config import load_settings
from bot.root import ROUTERS
from handlers.core import HandlerConfig
from handlers.dispatcher import Dispatcher
from models.store.tables import (
    Assignment,
    AuditLog,
    ChannelAccount,
    Conversation,
    Evidence,
    GrantStatus,
    Member,
    Report,
    RoleGrant,
    Unit,
    WebSession,
)
from models.web_access import create_link, redeem_link
from tests.bot.prepared import nhacviec_beside
from tests.handlers.dialog import Person

nhacviec = nhacviec_beside


async def registered_focal_point_with_a_report(person, invite, sessions, clock):
    an = person("100", "Nguyễn Văn An")
    await an.say(f"/start {await invite('SCT')}")
    assert "Đã ghi nhận" in await an.say("/bc IV.2.a 80% dn=5 Đã hỗ trợ 5 doanh nghiệp")
    await an.say("/baocao")  # a guided report left half-way: a draft in the database
    async with sessions() as session:
        member_id = (await session.exec(select(ChannelAccount.member_id).where(
            ChannelAccount.external_id == "100"))).one()
        unit_id = (await session.exec(select(Unit.id).where(Unit.code == "SCT"))).one()
        token = await create_link(session, role="focal", unit_id=unit_id, member_id=member_id, now=clock(),
                                  created_by="telegram:100")
        await redeem_link(session, token, now=clock(), actor="web:127.0.0.1")
        await session.commit()
    return an, member_id


async def test_forget_removes_the_person_and_keeps_the_units_reports(db_url, sessions, person, invite, clock):
    an, member_id = await registered_focal_point_with_a_report(person, invite, sessions, clock)
    listed = await nhacviec("member", "list", db_url=db_url)
    assert re.search(rf"(?m)^{member_id}\s+Nguyễn Văn An\s+đầu mối SCT\s+telegram:100$", listed.output), listed.output

    result = await nhacviec("member", "forget", "telegram:100", "--yes", db_url=db_url)
    assert result.exit_code == 0, result.output
    assert f"Thành viên #{member_id}: Nguyễn Văn An" in result.output  # shown before it goes
    assert f"nay là “Người dùng đã xóa #{member_id}”" in result.output and "Giữ lại 1 báo cáo" in result.output

    async with sessions() as session:
        member = await session.get(Member, member_id)
        assert member.display_name == f"Người dùng đã xóa #{member_id}"
        assert (await session.exec(select(ChannelAccount).where(ChannelAccount.member_id == member_id))).all() == []
        assert {g.status for g in (await session.exec(select(RoleGrant).where(
            RoleGrant.member_id == member_id))).all()} == {GrantStatus.revoked}
        assert (await session.exec(select(Conversation).where(Conversation.user_id == "100"))).all() == []
        assert all(s.ended_at is not None for s in (await session.exec(select(WebSession))).all())
        # The report stays, the unit's, still pointing at the (anonymised) member who sent it.
        report, unit = (await session.exec(select(Report, Unit).join(Assignment, Assignment.id == Report.assignment_id)
                                           .join(Unit, Unit.id == Assignment.unit_id))).one()
        assert (report.member_id, unit.code, report.percent) == (member_id, "SCT", 80)
        # The platform id is gone from the audit trail too; the deletion itself is audited, without the name.
        assert (await session.exec(select(func.count()).select_from(AuditLog).where(
            AuditLog.actor == "telegram:100"))).one() == 0
        assert (await session.exec(select(func.count()).select_from(AuditLog).where(
            AuditLog.actor == f"member:{member_id}"))).one() >= 2
        forgotten = (await session.exec(select(AuditLog).where(AuditLog.action == "member.forget"))).one()
        assert (forgotten.actor, forgotten.entity_id) == ("cli", str(member_id))
        assert "Nguyễn" not in str(forgotten.detail)

    # Writing from that account again: a stranger, who needs a new invite.
    assert "chưa đăng ký" in await an.say("/bc IV.2.a 90%")
    coordinator = person("300", "Lê Văn Cường")
    await coordinator.say(f"/start {await invite(None, 'coordinator')}")
    status = await coordinator.say("/tinhhinh SCT")
    assert "80%" in status and "Nguyễn Văn An" not in status
    assert "Nguyễn Văn An" not in (await nhacviec("member", "list", db_url=db_url)).output
    again = await nhacviec("member", "forget", str(member_id), db_url=db_url)
    assert again.exit_code == 0 and "đã được xóa trước đây" in again.output


async def test_forget_asks_first_and_names_what_it_cannot_find(db_url, sessions, person, invite, clock):
    _an, member_id = await registered_focal_point_with_a_report(person, invite, sessions, clock)
    declined = await nhacviec("member", "forget", str(member_id), db_url=db_url, input="n\n")
    assert declined.exit_code == 2 and "Chưa xóa gì." in declined.output
    async with sessions() as session:
        assert (await session.get(Member, member_id)).display_name == "Nguyễn Văn An"
    unknown = await nhacviec("member", "forget", "zalo:nobody", "--yes", db_url=db_url)
    assert unknown.exit_code == 2 and "Không có thành viên “zalo:nobody”" in unknown.output


async def test_forget_drops_draft_attachments_and_their_files(db_url, sessions, clock, invite, tmp_path,
                                                                monkeypatch):
    """A file sent before any report is a draft: forgetting the person deletes it, row and bytes, unless
    someone else sent the same file; files on reports stay with the reports."""
    monkeypatch.chdir(tmp_path)  # with PostgreSQL the files folder is `files/` in the working directory
    files = load_settings(database_url=db_url).evidence_dir()
    bot = Dispatcher(sessions, HandlerConfig(tz=clock.now.tzinfo, files_dir=files), ROUTERS, clock)
    an, binh = Person(bot, clock, user_id="100"), Person(bot, clock, user_id="101")
    for someone in (an, binh):
        await someone.say(f"/start {await invite('SCT')}")
    await an.send_file("nhap.pdf", b"%PDF only An's draft")
    await an.send_file("chung.pdf", b"%PDF the same for both")
    await binh.send_file("chung.pdf", b"%PDF the same for both")
    assert len([p for p in files.rglob("*") if p.is_file()]) == 2
    result = await nhacviec("member", "forget", "telegram:100", "--yes", db_url=db_url)
    assert result.exit_code == 0 and "2 bản nháp" in result.output, result.output
    async with sessions() as session:
        assert [e.name for e in (await session.exec(select(Evidence))).all()] == ["chung.pdf"]  # Bình's
    assert [p.read_bytes() for p in files.rglob("*") if p.is_file()] == [b"%PDF the same for both"]
