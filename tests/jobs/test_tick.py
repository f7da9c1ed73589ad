"""Reminders are derived, claimed once, caught up sensibly after downtime, and stop once reported."""

from sqlmodel import select

from jobs.tick import digest_moments, plan_actions, tick, unclaimed
from models.planfiles.load_reorg import load_reorg
from models.planfiles.reorg_file import read_reorg
from models.store.tables import Delivery
from tests.jobs.conftest import VN, at


async def run(session_factory, config, moment: str):
    async with session_factory() as session:
        return await tick(session, config, at(moment))


async def rows(sessions, kind: str | None = None) -> list[Delivery]:
    async with sessions() as session:
        query = select(Delivery).order_by(Delivery.id)
        if kind:
            query = query.where(Delivery.kind == kind)
        return list((await session.exec(query)).all())


async def test_reminder_steps_at_eight_in_the_morning(sessions, config, register):
    await register("focal", "SCT", user_id="200", name="Trần Thị Bình")
    # The 2025 annual report of SCT (IV.2.a) is due Tuesday 16/12/2025; steps -5, -2, 0 → 09/12, 12/12, 16/12.
    assert (await run(sessions, config, "2025-12-09 07:59")).claimed == []
    result = await run(sessions, config, "2025-12-09 08:00")
    (action,) = [a for a in result.claimed if a.kind == "reminder"]
    assert (action.step, action.status, action.recipient.chat_id) == (-5, "pending", "200")
    text = action.payload["text"]
    assert "⏰ Nhắc việc: Sở Công Thương chưa gửi báo cáo IV.2.a · Báo cáo hằng năm, năm 2025." in text
    assert "Hạn: hạn Thứ Ba, 16/12/2025 (còn 5 ngày làm việc)" in text
    assert action.payload["options"][0][1] == f"go:{action.assignment_id}:{action.period_id}"
    # Claimed once: a second tick, or a tick an hour later, claims nothing new.
    assert (await run(sessions, config, "2025-12-09 08:00")).claimed == []
    assert (await run(sessions, config, "2025-12-09 09:00")).claimed == []
    assert [r.step for r in await rows(sessions, "reminder")] == [-5]
    result = await run(sessions, config, "2025-12-16 08:00")
    # The two steps since: -2 missed (the bot was off), 0 sent; -2 is recorded as stale, not sent late.
    by_step = {a.step: a for a in result.claimed if a.kind == "reminder"}
    assert by_step[-2].status == "stale" and "superseded" in by_step[-2].reason
    assert by_step[0].status == "pending" and "Hôm nay là hạn báo cáo IV.2.a" in by_step[0].payload["text"]


async def test_downtime_across_the_eight_oclock_step(sessions, config, register):
    await register("focal", "SCT", user_id="200")
    await run(sessions, config, "2025-12-09 08:00")
    # Down from 07:00 to 10:00 on Friday 12/12 (step -2 at 08:00): sent on restart.
    result = await run(sessions, config, "2025-12-12 10:00")
    assert [(a.step, a.status) for a in result.claimed if a.kind == "reminder"] == [(-2, "pending")]


async def test_before_steps_are_not_sent_after_the_deadline(sessions, config, register):
    await register("focal", "SCT", user_id="200")
    # The bot was off from before the first reminder until the morning after the deadline (07:00, before
    # the +1 step): nothing is sent, every "before" step is recorded as stale.
    result = await run(sessions, config, "2025-12-17 07:00")
    assert {(a.step, a.status) for a in result.claimed if a.kind == "reminder"} == {
        (-5, "stale"), (-2, "stale"), (0, "stale")}
    assert all("deadline passed" in a.reason or "superseded" in a.reason for a in result.claimed)
    result = await run(sessions, config, "2025-12-17 08:00")
    (overdue,) = [a for a in result.claimed if a.kind == "reminder"]
    assert overdue.step == 1 and overdue.status == "pending" and "⚠️ Quá hạn" in overdue.payload["text"]


async def test_reported_units_get_nothing_more(sessions, config, register, bot, clock, person, invite):
    focal = person("201", "Lê Thị Cúc")
    await focal.say(f"/start {await invite('SCT')}")
    clock.now = at("2025-12-10 09:00")
    await focal.say("/bc IV.2.a 80% dn=2")
    result = await run(sessions, config, "2025-12-12 08:00")
    assert [a for a in result.claimed if a.kind == "reminder"] == []


async def test_escalation_from_the_second_overdue_step(sessions, config, register, group):
    await register("focal", "SCT", user_id="200")
    await register("coordinator", user_id="300", name="Cán bộ theo dõi")
    await register("leader", user_id="400", name="Lãnh đạo")
    await group()
    result = await run(sessions, config, "2025-12-17 08:00")  # +1: the unit is reminded, nobody else
    assert {a.kind for a in result.claimed if a.status == "pending"} - {"digest"} == {"reminder"}
    result = await run(sessions, config, "2025-12-19 08:00")  # +3: the coordinator and the group are told
    escalations = [a for a in result.claimed if a.kind == "escalation"]
    assert {a.recipient.chat_id for a in escalations} == {"300", "-100777"}  # leaders only when configured
    # Two rounds are at their second overdue step: the annual reports and SKHCN's mid-term review meeting.
    texts = sorted({a.payload["text"] for a in escalations})
    assert len(texts) == 2 and "🚨 Báo cáo quá hạn — Tổ chức sơ kết thực hiện Kế hoạch năm 2025" in texts[1]
    text = texts[0]
    assert "🚨 Báo cáo quá hạn — Báo cáo hằng năm, năm 2025" in text
    assert "• SCT — Sở Công Thương: IV.2.a" in text
    assert "Chưa có đầu mối đăng ký (bot không nhắc được):" in text and "SYT" in text


async def test_weekly_digest_is_claimed_once_and_caught_up(sessions, config, register, group):
    await register("coordinator", user_id="300")
    await register("leader", user_id="400")
    await group()
    # Monday 15/12/2025 07:30 is a digest moment (30 7 * * mon).
    assert [a for a in (await run(sessions, config, "2025-12-15 07:29")).claimed if a.kind == "digest"] == []
    digests = [a for a in (await run(sessions, config, "2025-12-15 07:30")).claimed if a.kind == "digest"]
    assert {a.recipient.chat_id for a in digests} == {"300", "400", "-100777"}
    assert all(a.payload["digest"].startswith("2025-12-15T07:30") for a in digests)
    assert [a for a in (await run(sessions, config, "2025-12-16 09:00")).claimed if a.kind == "digest"] == []


async def test_digest_missed_during_downtime_is_sent_once(sessions, config, register):
    await register("leader", user_id="400")
    # Off from Sunday to Tuesday: Monday's digest goes out on Tuesday, once.
    digests = [a for a in (await run(sessions, config, "2025-12-16 10:00")).claimed if a.kind == "digest"]
    assert [(a.status, a.payload["digest"][:16]) for a in digests] == [("pending", "2025-12-15T07:30")]


def test_digest_moments_follow_the_cron_expression():
    moments = digest_moments("30 7 * * mon", VN, at("2025-12-31 12:00"), at("2025-12-01 00:00"))
    assert [m.strftime("%d/%m %H:%M %a") for m in moments] == [
        "01/12 07:30 Mon", "08/12 07:30 Mon", "15/12 07:30 Mon", "22/12 07:30 Mon", "29/12 07:30 Mon"]
    assert moments[0].tzinfo is not None and moments[0].utcoffset().total_seconds() == 7 * 3600


async def test_preview_shows_what_would_be_claimed_and_writes_nothing(sessions, config, register):
    await register("focal", "SCT", user_id="200")
    async with sessions() as session:
        preview = await unclaimed(session, await plan_actions(session, config, at("2025-12-12 08:00")))
    assert {(a.step, a.status) for a in preview if a.kind == "reminder"} == {(-5, "stale"), (-2, "pending")}
    assert await rows(sessions) == []
    assert str(VN) == "Asia/Ho_Chi_Minh"


async def test_reminders_follow_the_owner_on_the_day_they_are_sent(sessions, config, register, tmp_path):
    # A district committee retires on Monday 15/12/2025, the day before the annual deadline (16/12).
    path = tmp_path / "reorg.yaml"
    path.write_text(
        "reorganisation: {code: T, plan: VL-3064-2023, title: thử}\n"
        "units:\n  - {code: UBND-CAPXA, name: \"UBND các xã, phường\", kind: ubnd, valid_from: 2025-12-15, source: x}\n"
        "events:\n  - {date: 2025-12-15, retire: UBND-LH, tasks_to: UBND-CAPXA, source: x}\n", encoding="utf-8")
    await register("focal", "UBND-LH", user_id="601")
    async with sessions() as session:
        await load_reorg(session, read_reorg(path), actor="test")
    await register("focal", "UBND-CAPXA", user_id="602")

    def iv8a(result) -> set[str]:
        return {a.recipient.chat_id for a in result.claimed if a.kind == "reminder" and a.status == "pending"
                and "IV.8.a" in a.payload["text"]}

    # Tuesday 09/12: the district committee still holds the task; its focal point is reminded.
    assert iv8a(await run(sessions, config, "2025-12-09 08:00")) == {"601"}
    # Tuesday 16/12, deadline day: the task is the communes' now.
    assert iv8a(await run(sessions, config, "2025-12-16 08:00")) == {"602"}
