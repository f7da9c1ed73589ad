"""Jobs across plans: one reminder per person per moment with every plan's items grouped by plan, the
preview and the digest cover every plan followed, and a retired plan stops being chased."""

from datetime import UTC, datetime

from sqlmodel import func, select

from jobs.preview import preview
from jobs.runner import DigestReplies
from jobs.tick import tick
from models.plans import retire_plan
from models.store.tables import Report
from tests.jobs.conftest import at
from tests.outbox import deliveries, text_of
from tests.sheets import cells

# Wednesday 09/12/2026, five working days before Wednesday 16/12/2026: the Vĩnh Long 2026 annual report and
# the example plan's fourth quarter (cut-off 14/12, due two working days later) are both due that day.
FIVE_DAYS_BEFORE = "2026-12-09 08:00"


async def test_one_reminder_per_person_with_both_plans_grouped(sessions, config, register, second_plan):
    await register("focal", "SCT", user_id="200", name="Trần Thị Bình")
    async with sessions() as session:
        result = await tick(session, config, at(FIVE_DAYS_BEFORE))
    (message,) = [q for q in result.queued if q.kind == "reminder"]
    assert len(message.actions) == 3  # two plans, one message
    (row,) = await deliveries(sessions, "reminder")
    text = await text_of(sessions, row, at(FIVE_DAYS_BEFORE).date())
    coming = text.split("Sắp đến hạn — đề nghị gửi báo cáo trước hạn:")[1].split("Quá hạn — chưa gửi:")
    assert "▸ KH 3064 – Năng suất\n• IV.2.a · năm 2026" in coming[0]
    assert "▸ KH ví dụ – Chuyển đổi số\n• II.3 · quý IV/2026" in coming[0]
    # The third quarter, still unreported, is listed as overdue under its plan too.
    assert "▸ KH ví dụ – Chuyển đổi số\n• II.3 · quý III/2026" in coming[1]


async def test_preview_covers_both_plans(sessions, config, register, second_plan):
    await register("focal", "SCT", user_id="200", name="Trần Thị Bình")
    async with sessions() as session:
        planned = await preview(session, config, at("2026-12-16 08:00"))
    (message,) = [m for m in planned.messages if m.recipient == "Trần Thị Bình"]
    assert "▸ KH 3064 – Năng suất" in message.text and "▸ KH ví dụ – Chuyển đổi số" in message.text
    assert "Hạn: Thứ Tư, 16/12/2026 (hôm nay)" in message.text


async def test_digest_has_a_section_per_plan_and_leaves_out_a_plan_with_nothing_to_say(sessions, config,
                                                                                       second_plan):
    digests = DigestReplies(sessions, config)
    # Monday 08/12/2025: the example plan has no open period yet, nothing overdue, nothing reported.
    early = await digests(at("2025-12-08 07:30"), "vi")
    assert early[0].text.startswith("📰 Bản tin tuần — kế hoạch KH 3064 – Năng suất")
    assert "Chuyển đổi số" not in early[0].text
    assert [r.attachment.filename for r in early[1:]] == ["nhacviec-VL-3064-2023-2025-12-08.png",
                                                          "nhacviec-2025-12-08.xlsx"]
    later = await digests(at("2026-12-14 07:30"), "vi")
    text = later[0].text
    assert text.startswith("📰 Bản tin tuần — 2 kế hoạch — 07:30 14/12/2026")
    mine, theirs = text.split("━━ KH 3064 – Năng suất ━━")
    assert "━━ KH ví dụ – Chuyển đổi số ━━" in mine and "quý IV/2026" in mine
    # Targets are the plan's own: each section has its own DN_HO_TRO.
    assert "Lượt doanh nghiệp được hỗ trợ chuyển đổi số" in mine and "chuyển đổi số" not in theirs
    assert "Báo cáo hằng năm, năm 2026" in theirs and "năm 2026" not in mine
    assert len([r for r in later if r.attachment and r.attachment.filename.endswith(".png")]) == 2
    (table,) = [r.attachment for r in later if r.attachment and r.attachment.filename.endswith(".xlsx")]
    sheet = cells(table.content, "Tình hình")
    assert sheet.title[1] == "Kế hoạch: KH ví dụ – Chuyển đổi số; KH 3064 – Năng suất"
    assert {row[sheet.column("Kế hoạch")] for row in sheet.rows} == {"KH 3064 – Năng suất", "KH ví dụ – Chuyển đổi số"}


async def test_a_retired_plan_is_not_chased_and_keeps_its_reports(sessions, config, register, second_plan,
                                                                  person, invite, clock):
    clock.now = at("2026-03-10 09:00")
    sct = person("200", "Trần Thị Bình")
    await sct.say(f"/start {await invite('SCT')}")
    assert "✅ Đã ghi nhận báo cáo II.3 · quý I/2026" in await sct.say("/bc II.3 xong dn=2")
    async with sessions() as session:
        await retire_plan(session, "VD-CDS-2026", now=datetime(2026, 4, 1, tzinfo=UTC), actor="test")
    async with sessions() as session:
        await tick(session, config, at(FIVE_DAYS_BEFORE))
    (row,) = await deliveries(sessions, "reminder")
    text = await text_of(sessions, row, at(FIVE_DAYS_BEFORE).date())
    assert "IV.2.a · Báo cáo hằng năm, năm 2026" in text and "II.3" not in text and "Chuyển đổi số" not in text
    digest = (await DigestReplies(sessions, config)(at("2026-12-14 07:30"), "vi"))[0].text
    assert "Chuyển đổi số" not in digest
    async with sessions() as session:  # the report sent under the retired plan is kept
        assert (await session.exec(select(func.count()).select_from(Report))).one() == 1
    clock.now = at("2026-12-09 09:00")
    assert "II.3" not in await sct.say("/baocao")  # the chat follows the retirement too
