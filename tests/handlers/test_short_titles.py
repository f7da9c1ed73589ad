"""Titles are the decision's words in full (plan show, workbook, draft); where a chat message is tight — the
greeting's task list, a unit's open periods (and the task choice of /baocao) — the plan file's short title is used."""

from __future__ import annotations

SHORT = "Triển khai Kế hoạch lồng ghép với chương trình, kế hoạch của ngành"  # IV.2.a's short_title
FULL = "Triển khai thực hiện Kế hoạch này lồng ghép với các chương trình, kế hoạch thuộc chức năng nhiệm vụ"


async def test_tight_messages_use_the_short_title(person, invite, coordinator):
    sct = person("200", "Trần Thị Bình")
    greeting = await sct.say(f"/start {await invite('SCT')}")
    assert f"• IV.2.a — {SHORT}" in greeting and FULL not in greeting
    status = await coordinator.say("/tinhhinh SCT")
    assert f"  {SHORT}\n" in status and FULL not in status
    task = await coordinator.say("/tinhhinh IV.2.a")
    assert FULL in task  # the task's own page keeps the decision's words
