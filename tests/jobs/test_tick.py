"""Reminders are derived, claimed once, grouped per person, caught up sensibly after downtime, and stop
once reported."""

from datetime import timedelta

from sqlmodel import select

from jobs.preview import preview
from jobs.tick import digest_moments, due_now, tick
from models.outbox import unclaimed
from models.planfiles.load_reorg import load_reorg
from models.planfiles.reorg_file import read_reorg
from models.store.tables import ClaimStatus, Conversation, Delivery
from models.wording import short
from tests.jobs.conftest import VN, at
from tests.outbox import claims, deliveries, text_of


async def run(session_factory, config, moment: str):
    async with session_factory() as session:
        return await tick(session, config, at(moment))


def kinds(result, kind: str):
    return [q for q in result.queued if q.kind == kind]


async def test_reminder_steps_at_eight_in_the_morning(sessions, config, register):
    await register("focal", "SCT", user_id="200", name="Trần Thị Bình")
    # The 2025 annual report of SCT (IV.2.a) is due Tuesday 16/12/2025; steps -5, -2, 0 → 09/12, 12/12, 16/12.
    assert (await run(sessions, config, "2025-12-09 07:59")).queued == []
    result = await run(sessions, config, "2025-12-09 08:00")
    (message,) = kinds(result, "reminder")
    ((action,),) = [message.actions]
    assert (action.item.step, action.recipient.chat_id) == (-5, "200")
    (row,) = await deliveries(sessions, "reminder")
    text = await text_of(sessions, row, at("2025-12-09 08:00").date())
    assert "⏰ Đề nghị Sở Công Thương gửi báo cáo IV.2.a · Báo cáo hằng năm, năm 2025 trước Thứ Ba, 16/12/2025 " \
           "(còn 5 ngày làm việc)." in text
    assert "Hạn: Thứ Ba, 16/12/2025 (còn 5 ngày làm việc)" in text and "hạn Thứ" not in text
    assert "Kế hoạch: KH 3064 – Năng suất" in text  # a unit may owe reports under several plans
    assert "ví dụ: 80% dn=5 ghi chú ngắn" in text  # IV.2.a carries the indicator dn
    # Claimed once: a second tick, or a tick an hour later, claims nothing new.
    assert (await run(sessions, config, "2025-12-09 08:00")).queued == []
    assert (await run(sessions, config, "2025-12-09 09:00")).queued == []
    assert [c.step for c in await claims(sessions, "reminder")] == [-5]
    result = await run(sessions, config, "2025-12-16 08:00")
    # The two steps since: -2 missed (the bot was off), 0 sent; -2 is recorded as stale, not sent late.
    by_step = {c.step: c for c in await claims(sessions, "reminder")}
    assert by_step[-2].status == ClaimStatus.stale and "thay bằng lần nhắc +0" in by_step[-2].reason
    assert by_step[-2].delivery_id is None
    (message,) = kinds(result, "reminder")
    row = (await deliveries(sessions, "reminder"))[-1]
    assert "Hôm nay là hạn: đề nghị Sở Công Thương gửi báo cáo IV.2.a" in await text_of(
        sessions, row, at("2025-12-16 08:00").date())


async def test_everything_due_for_one_person_is_one_message(sessions, config, register):
    await register("focal", "SKHCN", user_id="210", name="Sở KH&CN")
    result = await run(sessions, config, "2025-12-09 08:00")
    (message,) = kinds(result, "reminder")
    assert len(message.actions) > 1  # SKHCN leads several tasks due on 16/12/2025
    (row,) = await deliveries(sessions, "reminder")
    text = await text_of(sessions, row, at("2025-12-09 08:00").date())
    count = len(message.actions)
    assert f"⏰ Nhắc việc: Sở Khoa học và Công nghệ có {count} báo cáo cần gửi." in text
    assert "Sắp đến hạn — đề nghị gửi báo cáo trước hạn:" in text and text.count("• ") == count
    assert "Bấm “Báo cáo ngay” để chọn nhiệm vụ" in text
    assert len(await claims(sessions, "reminder")) == count  # claims stay per item


async def test_downtime_across_the_eight_oclock_step(sessions, config, register):
    await register("focal", "SCT", user_id="200")
    await run(sessions, config, "2025-12-09 08:00")
    # Down from 07:00 to 10:00 on Friday 12/12 (step -2 at 08:00): sent on restart.
    result = await run(sessions, config, "2025-12-12 10:00")
    assert [a.item.step for q in kinds(result, "reminder") for a in q.actions] == [-2]


async def test_before_steps_are_not_sent_after_the_deadline(sessions, config, register):
    await register("focal", "SCT", user_id="200")
    # The bot was off from before the first reminder until the morning after the deadline (07:00, before
    # the +1 step): nothing is sent, every "before" step is recorded as stale.
    result = await run(sessions, config, "2025-12-17 07:00")
    assert kinds(result, "reminder") == []
    assert {(c.step, c.status) for c in await claims(sessions, "reminder")} == {
        (-5, "stale"), (-2, "stale"), (0, "stale")}
    assert all("đã qua hạn" in c.reason or "thay bằng" in c.reason for c in await claims(sessions, "reminder"))
    result = await run(sessions, config, "2025-12-17 08:00")
    (message,) = kinds(result, "reminder")
    assert message.actions[0].item.step == 1
    row = (await deliveries(sessions, "reminder"))[-1]
    text = await text_of(sessions, row, at("2025-12-17 08:00").date())
    assert "⚠️ Quá hạn: Sở Công Thương chưa gửi báo cáo IV.2.a" in text and "(quá hạn từ 17/12/2025)" in text


async def test_reported_units_get_nothing_more(sessions, config, register, bot, clock, person, invite):
    focal = person("201", "Lê Thị Cúc")
    await focal.say(f"/start {await invite('SCT')}")
    clock.now = at("2025-12-10 09:00")
    await focal.say("/bc IV.2.a 80% dn=2")
    result = await run(sessions, config, "2025-12-12 08:00")
    assert kinds(result, "reminder") == []


async def test_escalation_from_the_second_overdue_step(sessions, config, register, group):
    await register("focal", "SCT", user_id="200")
    await register("coordinator", user_id="300", name="Cán bộ điều phối")
    await register("leader", user_id="400", name="Lãnh đạo")
    await group()
    result = await run(sessions, config, "2025-12-17 08:00")  # +1: the unit is reminded, nobody else
    assert {q.kind for q in result.queued} - {"digest"} == {"reminder"}
    result = await run(sessions, config, "2025-12-19 08:00")  # +3: the coordinator and the group are told
    escalations = kinds(result, "escalation")
    # One message per recipient (leaders only when configured), listing every overdue item.
    assert sorted(q.recipient.chat_id for q in escalations) == ["-100777", "300"]
    row = next(r for r in await deliveries(sessions, "escalation") if r.chat_id == "300")
    text = await text_of(sessions, row, at("2025-12-19 08:00").date())
    assert "🚨 Báo cáo quá hạn:" in text
    assert "■ Báo cáo hằng năm, năm 2025 — hạn Thứ Ba, 16/12/2025 (quá hạn từ 17/12/2025)" in text
    assert "■ Tổ chức sơ kết thực hiện Kế hoạch năm 2025" in text
    assert "• Sở Công Thương: IV.2.a" in text and "SCT —" not in text  # names, not codes
    assert "Chưa có đầu mối đăng ký (bot không nhắc được):" in text and "Sở Y tế" in text


async def test_weekly_digest_is_claimed_once_and_caught_up(sessions, config, register, group):
    await register("coordinator", user_id="300")
    await register("leader", user_id="400")
    await group()
    # Monday 15/12/2025 07:30 is a digest moment (30 7 * * mon).
    assert kinds(await run(sessions, config, "2025-12-15 07:29"), "digest") == []
    digests = kinds(await run(sessions, config, "2025-12-15 07:30"), "digest")
    assert {q.recipient.chat_id for q in digests} == {"300", "400", "-100777"}
    assert all(r.payload["moment"].startswith("2025-12-15T07:30") for r in await deliveries(sessions, "digest"))
    assert kinds(await run(sessions, config, "2025-12-16 09:00"), "digest") == []


async def test_digest_missed_during_downtime_is_sent_once(sessions, config, register):
    await register("leader", user_id="400")
    # Off from Sunday to Tuesday: Monday's digest goes out on Tuesday, once.
    assert len(kinds(await run(sessions, config, "2025-12-16 10:00"), "digest")) == 1
    assert [r.payload["moment"][:16] for r in await deliveries(sessions, "digest")] == ["2025-12-15T07:30"]


def test_digest_moments_follow_the_cron_expression():
    moments = digest_moments("30 7 * * mon", VN, at("2025-12-31 12:00"), at("2025-12-01 00:00"))
    assert [m.strftime("%d/%m %H:%M %a") for m in moments] == [
        "01/12 07:30 Mon", "08/12 07:30 Mon", "15/12 07:30 Mon", "22/12 07:30 Mon", "29/12 07:30 Mon"]
    assert moments[0].tzinfo is not None and moments[0].utcoffset().total_seconds() == 7 * 3600


async def test_preview_shows_messages_and_writes_nothing(sessions, config, register):
    await register("focal", "SCT", user_id="200", name="Trần Thị Bình")
    async with sessions() as session:
        planned = await preview(session, config, at("2025-12-12 08:00"))
    (message,) = planned.messages
    assert message.recipient == "Trần Thị Bình" and [i.step for i in message.items] == [-2]
    assert "Hạn: Thứ Ba, 16/12/2025 (còn 2 ngày làm việc)" in message.text
    assert [a.item.step for a in planned.skipped] == [-5]
    assert await deliveries(sessions) == [] and await claims(sessions) == []


async def test_nothing_is_burnt_for_someone_no_channel_can_reach(sessions, config, register):
    await register("focal", "SCT", user_id="200", channel="zalo")  # Zalo not running: only Telegram is
    result = await run(sessions, config, "2025-12-09 08:00")
    assert kinds(result, "reminder") == [] and await claims(sessions) == []
    async with sessions() as session:
        due = await due_now(session, config, at("2025-12-12 08:00"))
        assert [i.step for items in due.blocked.values() for i in items] == [-2]
    # Zalo comes: the newest step goes, once.
    zalo = type(config)(tz=VN, channels=frozenset({"telegram", "zalo"}))
    result = await run(sessions, zalo, "2025-12-12 08:00")
    assert [a.item.step for q in kinds(result, "reminder") for a in q.actions if a.status == "claimed"] == [-2]


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
        return {q.recipient.chat_id for q in kinds(result, "reminder") for a in q.actions if a.item.task == "IV.8.a"}

    # Tuesday 09/12: the district committee still holds the task; its focal point is reminded.
    assert iv8a(await run(sessions, config, "2025-12-09 08:00")) == {"601"}
    # Tuesday 16/12, deadline day: the task is the communes' now.
    assert iv8a(await run(sessions, config, "2025-12-16 08:00")) == {"602"}


async def test_unclaimed_is_what_a_tick_would_take(sessions, config, register):
    await register("focal", "SCT", user_id="200")
    async with sessions() as session:
        due = await due_now(session, config, at("2025-12-09 08:00"))
        assert len(await unclaimed(session, due.actions)) == len(due.actions) == 1
    await run(sessions, config, "2025-12-09 08:00")
    async with sessions() as session:
        assert await unclaimed(session, due.actions) == []
        assert (await session.exec(select(Delivery))).one()


async def test_a_report_abandoned_half_way_is_not_kept_past_its_expiry(sessions, config, plan):
    """Data minimisation: a draft nobody can resume any more is removed by the next tick."""
    now = at("2025-12-09 08:00")
    async with sessions() as session:
        for user, expires in (("old", now - timedelta(minutes=1)), ("live", now + timedelta(hours=3))):
            session.add(Conversation(channel="telegram", chat_id=user, user_id=user, flow="report", step="task",
                                     data={"note": "ghi chú dở"}, updated_at=now, expires_at=expires))
        await session.commit()
    await run(sessions, config, "2025-12-09 08:00")
    async with sessions() as session:
        assert [c.user_id for c in (await session.exec(select(Conversation))).all()] == ["live"]


async def test_preview_lists_messages_one_line_each_and_says_why_in_vietnamese(sessions, config, register):
    from bot.cli.text import preview as listing

    await register("focal", "SKHCN", user_id="210", name="Võ Văn Khoa")
    await register("focal", "SCT", user_id="211", name="Trần Thị Bình", channel="zalo")  # Zalo is not running
    async with sessions() as session:
        planned = await preview(session, config, at("2025-12-12 08:00"))
    out = listing(planned, at("2025-12-12 08:00"), VN)
    lines = out.splitlines()
    heads = [line for line in lines if line.startswith("•")]
    assert len(heads) == len(planned.messages) == 2  # one line per message, not per item
    skhcn = next(line for line in heads if "→ Võ Văn Khoa" in line)
    assert skhcn.startswith("• Nhắc việc → Võ Văn Khoa (telegram): ") and "II.1 · năm 2025" in skhcn
    # Sở KH&CN's nine items of 16/12/2025 (the nine messages): one message, all nine on its line.
    assert len(next(m for m in planned.messages if m.recipient == "Võ Văn Khoa").items) == 9
    assert skhcn.split(": ", 1)[1].count(", ") + 1 == 9
    assert "• Nhắc việc → Trần Thị Bình: IV.2.a · năm 2025 — không gửi được: kênh zalo chưa chạy" in heads
    assert lines[0] == "Nếu bot chạy vào 08:00 12/12/2025, lần quét sẽ gửi 1 tin nhắn."
    # What the tick would take without sending, and why, in Vietnamese.
    assert "Bỏ qua, không gửi:" in lines
    reasons = lines[lines.index("Bỏ qua, không gửi:") + 1:]
    assert reasons and all(r.startswith("  - thay bằng lần nhắc -2 (") for r in reasons)
    assert not any(word in out for word in ("superseded", "reachable", "account", "channel"))


async def test_a_reminder_gives_an_example_from_the_tasks_own_indicators(sessions, config, register):
    await register("focal", "SKHDT", user_id="220", name="Đầu mối Sở KH&ĐT")  # IV.3 has no indicator
    await run(sessions, config, "2025-12-09 08:00")
    (row,) = await deliveries(sessions, "reminder")
    text = await text_of(sessions, row, at("2025-12-09 08:00").date())
    assert "ví dụ: 80% ghi chú ngắn" in text and "dn=" not in text
    assert text.startswith("⏰ Đề nghị Sở Kế hoạch và Đầu tư gửi báo cáo IV.3") and "chưa gửi" not in text
    # A long title is cut between words, never inside one ("kế hoạc…").
    title = "Chủ trì, phối hợp với Sở Khoa học và Công nghệ, Sở Tài chính tổng hợp, cân đối các nguồn lực"
    for limit in range(20, len(title)):
        cut = short(title, limit)
        words = [w.rstrip(",") for w in cut.removesuffix("…").split()]
        assert len(cut) <= limit and cut.endswith("…") and words == [w.rstrip(",") for w in title.split()[:len(words)]]
