"""What people read, worded one way: leaders greeted as officials, focal points as anh/chị, the group
pointed to private messages, one spelling (hủy, hóa), and "vướng mắc:" wherever it stands in a line."""

import re
from pathlib import Path

from jobs import digest
from tests.handlers.dialog import Person
from tests.jobs.conftest import VN

ROOT = Path(__file__).resolve().parents[2]


async def test_a_leader_is_greeted_as_an_official_and_a_focal_point_as_anh_chi(person, invite):
    leader = person("400", "Phạm Thị Dung")
    answer = await leader.say(f"/start {await invite(None, 'leader')}")
    assert answer.startswith("Kính chào đồng chí Phạm Thị Dung!") and "Chào anh/chị" not in answer
    assert "lãnh đạo" in answer
    assert (await leader.say("/start")).startswith("Kính chào đồng chí Phạm Thị Dung!")
    focal = person("401", "Trần Thị Bình")
    assert (await focal.say(f"/start {await invite('SCT')}")).startswith("Chào anh/chị Trần Thị Bình!")


async def test_the_group_is_asked_to_use_private_messages(bot, clock):
    group = Person(bot, clock, user_id="500", chat_type="group", chat_id="-100900")
    assert await group.say("/start") == "Đề nghị đăng ký và báo cáo qua tin nhắn riêng với bot."


def test_one_spelling_for_huy_and_hoa_in_every_catalog_and_source():
    """The plan data writes "hủy", "hóa": so does every message (old-style tone marks, Vietnamese and English
    catalogs' Vietnamese text alike)."""
    new_style = re.compile(r"\w*(?:o[áàảãạ]|o[éèẻẽẹ]|u[ýỳỷỹỵ])(?!\w)", re.IGNORECASE)  # "hoá", not "hoạch"
    places = [*ROOT.glob("handlers/*.py"), *ROOT.glob("jobs/*.py"), *ROOT.glob("models/**/*.py"),
              *ROOT.glob("bot/**/*.py"), *ROOT.glob("locales/*/LC_MESSAGES/*.po"), *ROOT.glob("plans/**/*.yaml")]
    found = [(path.name, word) for path in places
             for word in new_style.findall(path.read_text(encoding="utf-8").replace("UỶ BAN", ""))
             if not word.lower().startswith("qu")]  # "quý": the u belongs to "qu"
    assert found == []
    assert "Hủy việc đang làm dở" in (ROOT / "locales/vi/LC_MESSAGES/nhacviec.po").read_text(encoding="utf-8")


async def test_an_obstacle_after_a_note_is_still_the_obstacle(focal, sessions, plan, clock):
    answer = await focal.say("/bc IV.2.a 80% dn=3 Đã tập huấn 2 lớp vướng mắc: thiếu kinh phí đề xuất: bổ sung vốn")
    assert "Đã ghi nhận" in answer
    assert "“Đã tập huấn 2 lớp”" in await focal.say("/tinhhinh")  # the note stops where the obstacle starts
    async with sessions() as session:
        text = digest.text(await digest.build(session, plan, clock(), VN))
    assert "⚠️ Vướng mắc đang mở (1):" in text
    assert "• Sở Công Thương (năm 2025): thiếu kinh phí — đề xuất: bổ sung vốn" in text


def test_roles_are_named_one_way():
    """đầu mối, điều phối, lãnh đạo: no "cán bộ theo dõi kế hoạch" for a coordinator anywhere."""
    catalog = (ROOT / "locales/vi/LC_MESSAGES/nhacviec.po").read_text(encoding="utf-8")
    assert "cán bộ theo dõi" not in catalog
