"""Days off: a deadline on a day off moves to the next working day everywhere (Bộ luật Dân sự 2015, Điều 148
khoản 5), or to the previous one when the plan says so; a weekly digest due on a day off goes out on the next
working day at the same time."""

from datetime import date

from sqlmodel import select

from jobs import digest, workbook
from jobs.preview import preview
from jobs.tick import tick
from models.planfiles.load_plan import load_plan
from models.planfiles.plan_file import read_plan
from models.store.tables import Period, Report, Schedule
from plans import DEFAULT_PLAN
from tests.conftest import INSTALLED
from tests.jobs.conftest import VN, at
from tests.outbox import deliveries, text_of
from tests.sheets import cells

# The statistics office's yearly assessment (IV.6, Cục Thống kê) is due 20/01: in 2029 a Saturday.
SATURDAY, MONDAY = date(2029, 1, 20), date(2029, 1, 22)


async def due_of(sessions, schedule: str, key: str) -> date:
    async with sessions() as session:
        return (await session.exec(select(Period.due).join(Schedule, Schedule.id == Period.schedule_id)
                                   .where(Schedule.code == schedule, Period.key == key))).one()


async def test_a_saturday_deadline_is_monday_for_reminders_reports_and_the_digest(sessions, plan, config, register,
                                                                                  person, invite, clock):
    assert await due_of(sessions, "thong-ke-hang-nam", "2028") == MONDAY
    await register("focal", "CTK", user_id="700", name="Đầu mối Cục Thống kê")
    # The reminder two working days before: Thursday 18/01 (Friday 19 is one), not Wednesday 17.
    async with sessions() as session:
        assert not [m for m in (await preview(session, config, at("2029-01-17 08:00"))).messages
                    if any(i.due == MONDAY and i.step == -2 for i in m.items)]
        (message,) = (await preview(session, config, at("2029-01-18 08:00"))).messages
    assert any(i.due == MONDAY and i.step == -2 for i in message.items)
    assert "Hạn: Thứ Hai, 22/01/2029 (còn 2 ngày làm việc)" in message.text
    assert "Thứ Bảy, 20/01/2029" not in message.text
    # Monday is the deadline: the day's reminder says so; no escalation yet.
    async with sessions() as session:
        await tick(session, config, at("2029-01-22 08:00"))
    row = (await deliveries(sessions, "reminder"))[-1]
    assert "Hạn: Thứ Hai, 22/01/2029 (hôm nay)" in await text_of(sessions, row, MONDAY)
    # A report sent that Monday is on time.
    focal = person("701", "Trần Văn Số")
    await focal.say(f"/start {await invite('CTK')}")
    clock.now = at("2029-01-22 16:00")
    answer = await focal.say("/bc IV.6 xong nsld=8,1 ước tính")
    if "Đã ghi nhận" not in answer:
        answer = await focal.press("năm 2028")
    assert "Đã ghi nhận" in answer and "nộp muộn" not in answer
    async with sessions() as session:
        (report,) = (await session.exec(select(Report).join(Period, Period.id == Report.period_id)
                                        .where(Period.due == MONDAY))).all()
        assert report.late is False
        # The digest and its workbook show Monday as the deadline.
        data = await digest.build(session, plan, at("2029-01-22 07:30"), VN)
    assert "năm 2028 — hạn Thứ Hai, 22/01/2029 (hôm nay)" in digest.text(data)
    sheet = cells(workbook.render(data))
    assert MONDAY in [row[sheet.column("Hạn")].date() for row in sheet.where(**{"Mã nhiệm vụ": "IV.6"})]


async def test_a_plan_may_move_deadlines_to_the_previous_working_day(sessions, tmp_path):
    text = DEFAULT_PLAN.read_text(encoding="utf-8").replace("on_day_off: next", "on_day_off: previous")
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    async with sessions() as session:
        await load_plan(session, read_plan(path), actor="test", today=INSTALLED)
    assert await due_of(sessions, "thong-ke-hang-nam", "2028") == date(2029, 1, 19)  # Friday


async def test_reloading_a_plan_moves_deadlines_stored_on_a_day_off(sessions, plan, shipped_plan):
    async with sessions() as session:  # as a database written before the rule would hold it
        period = (await session.exec(select(Period).join(Schedule, Schedule.id == Period.schedule_id).where(
            Schedule.code == "thong-ke-hang-nam", Period.key == "2028"))).one()
        period.due = SATURDAY
        await session.commit()
        result = await load_plan(session, shipped_plan, actor="test", today=INSTALLED)
    assert [c.key for c in result.changes if c.entity == "period"] == ["thong-ke-hang-nam 2028"]
    assert await due_of(sessions, "thong-ke-hang-nam", "2028") == MONDAY


async def test_no_weekly_digest_on_a_public_holiday(sessions, plan, config, register):
    await register("leader", user_id="400", name="Phó Chủ tịch")

    async def digests_at(moment: str) -> list[str]:
        async with sessions() as session:
            result = await tick(session, config, at(moment))
        return [q.kind for q in result.queued if q.kind == "digest"]

    # Monday 16/02/2026 is Tết (Giao thừa); the office reopens Monday 23/02: that day's digest, once.
    assert await digests_at("2026-02-16 07:30") == []
    assert await digests_at("2026-02-20 07:30") == []
    assert await digests_at("2026-02-23 07:29") == []
    assert await digests_at("2026-02-23 07:30") == ["digest"]
    # Monday 27/04/2026 is the day off in lieu of Giỗ Tổ Hùng Vương: Tuesday 28/04 at 07:30.
    assert await digests_at("2026-04-27 07:30") == []
    assert await digests_at("2026-04-28 07:29") == []
    assert await digests_at("2026-04-28 07:30") == ["digest"]
    moments = [r.payload["moment"][:16] for r in await deliveries(sessions, "digest")]
    assert moments == ["2026-02-23T07:30", "2026-04-28T07:30"]
