"""A conference is an event, not a report to write (issue 15 §6): its reminders ask the unit to hold it and
then to say it took place, with the minutes; the day is "Ngày tổ chức", not a deadline."""

from datetime import date, datetime

from jobs.messages import reminder
from jobs.preview import preview
from jobs.tick import TickConfig
from models.outbox import Item
from models.rules.workdays import WorkCalendar
from tests.handlers.conftest import VN


async def test_a_conference_is_reminded_as_a_meeting_to_hold_then_report(sessions, person, invite):
    coordinator_unit = person("500", "Ngô Văn Em")
    await coordinator_unit.say(f"/start {await invite('SKHCN')}")
    async with sessions() as session:
        planned = await preview(session, TickConfig(tz=VN, channels=frozenset({"telegram"})),
                                datetime(2025, 12, 8, 8, 0, tzinfo=VN))
    (message,) = [m for m in planned.messages if m.recipient == "Ngô Văn Em"]
    assert message.text.startswith("⏰ Tổ chức sơ kết thực hiện Kế hoạch năm 2025 (IV.1.e) của Sở Khoa học và Công "
                                   "nghệ: ngày Thứ Hai, 15/12/2025"), message.text
    assert "gửi biên bản" in message.text and "Ngày tổ chức: Thứ Hai, 15/12/2025" in message.text
    assert "Hạn:" not in message.text and "gửi báo cáo IV.1.e" not in message.text


def test_one_conference_alone_asks_to_hold_it_and_send_the_minutes():
    item = Item(assignment_id=1, period_id=1, step=-5, plan="KH 3064", task="IV.1.e", title="Tổ chức sơ kết",
                unit="SKHCN", unit_name="Sở Khoa học và Công nghệ", every="once", period="2025-12-15",
                schedule="Tổ chức sơ kết thực hiện Kế hoạch năm 2025", due=date(2025, 12, 15), event=True)
    calendar = WorkCalendar()
    before = reminder([item], date(2025, 12, 8), calendar, can_reply=True)
    assert before.startswith("⏰ Tổ chức sơ kết thực hiện Kế hoạch năm 2025 (IV.1.e) của Sở Khoa học và Công nghệ")
    assert "gửi biên bản" in before and "Ngày tổ chức: " in before and "Hạn:" not in before
    after = reminder([item], date(2025, 12, 17), calendar, can_reply=True)
    assert after.startswith("⚠️ Sở Khoa học và Công nghệ chưa báo cáo về Tổ chức sơ kết") and "biên bản" in after
    # Two items at once: the list says the meeting's day, not a deadline.
    other = Item(**{**item.__dict__, "assignment_id": 2, "task": "IV.2.b", "event": False})
    both = reminder([item, other], date(2025, 12, 8), calendar, can_reply=True)
    assert "Ngày tổ chức: " in both and "Hạn: " in both
    assert Item.from_json(item.to_json()) == item  # the outbox keeps it an event until it is sent


async def test_status_says_the_day_a_conference_is_held(person, invite):
    unit = person("500", "Ngô Văn Em")
    await unit.say(f"/start {await invite('SKHCN')}")
    answer = await unit.say("/tinhhinh")
    (line,) = [line for line in answer.splitlines() if "IV.1.e" in line]
    assert "tổ chức ngày Thứ Hai, 15/12/2025" in line and "hạn" not in line, answer
