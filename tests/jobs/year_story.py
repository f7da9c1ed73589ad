"""A year as it happens in chat, for the tests of the yearly data, the draft and the export.

Sở Công Thương reports 2025, then 2026 twice (the second version after the deadline, with an obstacle and a
proposal); Sở Y tế reports 2026 only; Sở Xây dựng never reports. The coordinator accepts every report (/tiepnhan)
before drafting. Everything goes through the bot as people
type it (tests/handlers/dialog.py), so the draft is made from what a real conversation stores.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")
SCT_2026 = "Đã hỗ trợ 6 doanh nghiệp áp dụng 5S, Kaizen; 2 doanh nghiệp được chứng nhận ISO 9001:2015"
SCT_OBSTACLE = "thiếu chuyên gia tư vấn năng suất tại tỉnh"
SCT_PROPOSAL = "đề nghị Bộ KH&CN mở lớp đào tạo chuyên gia năng suất"
SYT_2026 = "Hai bệnh viện áp dụng công cụ Lean"
DRAFTED = datetime(2027, 1, 5, 9, 0, tzinfo=VN)  # when the coordinator drafts the 2026 report


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=VN)


async def tell(who, text: str, period: str | None = None) -> str:
    """A one-line report; when the bot asks which period, the one named."""
    answer = await who.say(text)
    if period is not None and "Chọn nhiệm vụ" in answer:
        answer = await who.press(period)
    assert "Đã ghi nhận" in answer, answer
    return answer


async def file_year(person, invite, clock) -> None:
    sct = person("200", "Trần Thị Bình")
    await sct.say(f"/start {await invite('SCT')}")
    syt = person("201", "Võ Văn Yên")
    await syt.say(f"/start {await invite('SYT')}")
    clock.now = at("2025-12-10 09:00")
    await tell(sct, "/bc IV.2.a xong dn=5 Hỗ trợ 5 doanh nghiệp")
    clock.now = at("2026-12-10 09:00")
    await tell(sct, "/bc IV.2.a 60% dn=4 Đã hỗ trợ 4 doanh nghiệp áp dụng 5S, Kaizen")
    clock.now = at("2026-12-15 10:00")
    await tell(syt, f"/bc IV.2.a 50% dn=2 {SYT_2026}", "năm 2026")
    clock.now = at("2026-12-18 15:00")  # after the deadline (16/12/2026): the second version is late
    await tell(sct, f"/bc IV.2.a 80% dn=6 {SCT_2026} vướng mắc: {SCT_OBSTACLE} đề xuất: {SCT_PROPOSAL}", "năm 2026")
    clock.now = DRAFTED
    coordinator = person("300", "Lê Văn Cường")
    await coordinator.say(f"/start {await invite(None, 'coordinator')}")
    for command in ("/tiepnhan SCT IV.2.a năm 2025", "/tiepnhan SCT IV.2.a năm 2026", "/tiepnhan SYT IV.2.a 2026"):
        assert "Đã tiếp nhận" in await coordinator.say(command), coordinator.text
