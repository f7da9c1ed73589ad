"""`nhacviec members [UNIT]` and `nhacviec revoke MEMBER`: the operator's /thanhvien and /thuhoi."""

from __future__ import annotations

import re

from sqlmodel import select

from models.store.tables import AuditLog, ChannelAccount, RoleGrant
from tests.bot.test_member import nhacviec


async def registered_people(person, invite, sessions) -> dict[str, int]:
    for user_id, name, unit, role in (("200", "Trần Thị Bình", "SCT", "focal"),
                                      ("210", "Huỳnh Văn Giang", "SYT", "focal"),
                                      ("300", "Lê Văn Cường", None, "coordinator")):
        await person(user_id, name).say(f"/start {await invite(unit, role)}")
    async with sessions() as session:
        return {user_id: member_id for user_id, member_id in (await session.exec(
            select(ChannelAccount.external_id, ChannelAccount.member_id))).all()}


async def test_members_lists_everyone_or_one_unit(db_url, sessions, person, invite):
    ids = await registered_people(person, invite, sessions)
    listed = await nhacviec("members", db_url=db_url)
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert re.match(r"Đơn vị\s+Số\s+Tên\s+Vai trò\s+Kênh\s+Từ ngày\s+Lần cuối", lines[0])
    assert re.search(rf"(?m)^–\s+{ids['300']}\s+Lê Văn Cường\s+điều phối\s+telegram\s+01/12/2025", listed.output)
    assert re.search(rf"(?m)^SCT\s+{ids['200']}\s+Trần Thị Bình\s+đầu mối\s+telegram", listed.output)
    one = await nhacviec("members", "so y te", db_url=db_url)
    assert "Huỳnh Văn Giang" in one.output and "Trần Thị Bình" not in one.output
    unknown = await nhacviec("members", "Sở Hư Cấu", db_url=db_url)
    assert unknown.exit_code == 2 and "Chưa xác định được đơn vị “Sở Hư Cấu”" in unknown.output


async def test_revoke_takes_the_roles_and_keeps_the_record(db_url, sessions, person, invite):
    ids = await registered_people(person, invite, sessions)
    result = await nhacviec("revoke", "Trần Thị Bình", db_url=db_url)
    assert result.exit_code == 0, result.output
    assert "Đã thu hồi quyền của Trần Thị Bình (đầu mối Sở Công Thương); báo cáo được giữ." in result.output
    assert "Chưa báo được cho người này: kênh telegram chưa chạy." in result.output  # no token in this test
    assert "Sở Công Thương không còn đầu mối nào: tạo mã mời" in result.output
    async with sessions() as session:
        grant = (await session.exec(select(RoleGrant).where(RoleGrant.member_id == ids["200"]))).one()
        assert grant.status == "revoked"
        audit = (await session.exec(select(AuditLog).where(AuditLog.action == "member.revoke"))).one()
        assert audit.actor == "cli" and audit.entity_id == str(ids["200"])
    again = await nhacviec("revoke", str(ids["200"]), db_url=db_url)
    assert again.exit_code == 2 and "Không có ai đang dùng bot là" in again.output
    several = await nhacviec("revoke", "Văn", db_url=db_url)
    assert several.exit_code == 2 and "“Văn” khớp với nhiều người; ghi số của người cần thu hồi:" in several.output
    assert f"{ids['210']}  Huỳnh Văn Giang" in several.output and f"{ids['300']}  Lê Văn Cường" in several.output
    by_account = await nhacviec("revoke", "telegram:210", db_url=db_url)
    assert by_account.exit_code == 0 and "Huỳnh Văn Giang" in by_account.output
    nobody = await nhacviec("revoke", "Không Có Ai", db_url=db_url)
    assert nobody.exit_code == 2 and "Không có ai đang dùng bot là “Không Có Ai”" in nobody.output
