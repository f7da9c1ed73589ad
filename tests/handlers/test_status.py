"""Status queries for coordinators, leaders and focal points."""

from datetime import timedelta

from tests.handlers.dialog import verify_dialog


async def test_overall_status_counts_reports_and_lists_obstacles(coordinator, focal, person, invite):
    await focal.say("/bc IV.2.a vướng mắc chưa được bố trí kinh phí")
    health = person("210", "Đỗ Văn Giang")
    await health.say(f"/start {await invite('SYT')}")
    await health.say("/bc IV.2.a xong dn=2")
    answer = await coordinator.say("/tinhhinh")
    assert "📊 Tình hình thực hiện kế hoạch KH 3064 – Năng suất" in answer
    assert "■ Báo cáo hằng năm, năm 2025 — hạn Thứ Ba, 16/12/2025 (còn 11 ngày làm việc)" in answer
    # 37 annual reports owed: every lead of a yearly task, not the Đài, the Báo and the associations, whose
    # tasks are followed without being chased (`report_by: none`).
    assert "Đã báo cáo 2/37 · Hoàn thành 1 · Gặp vướng mắc 1" in answer
    assert "⚠️ Vướng mắc cần xử lý:\n• SCT · IV.2.a: chưa được bố trí kinh phí" in answer
    assert "Chưa báo cáo kỳ đang mở:" in answer and "SKHCN" in answer


async def test_status_of_a_unit_and_of_a_task(coordinator, focal):
    await focal.say("/bc IV.2.a 60% dn=3 tập huấn")
    answer = await coordinator.say("/tinhhinh so cong thuong")
    assert "🏢 Sở Công Thương (SCT)" in answer
    assert "🔵 Đang thực hiện 60% · dn=3 · “tập huấn” (01/12/2025, bản 1, mới)" in answer
    answer = await coordinator.say("/tinhhinh IV.2.a")
    assert "📌 IV.2.a" in answer and "Chủ trì: SCT, SNNPTNT" in answer
    assert "• SCT · năm 2025: 🔵 Đang thực hiện 60%" in answer and "• SYT · năm 2025: ⭕ chưa báo cáo" in answer


async def test_focal_sees_only_their_own_unit(focal):
    assert "🏢 Sở Công Thương (SCT)" in await focal.say("/tinhhinh")
    assert "chỉ xem được tình hình của đơn vị mình" in await focal.say("/tinhhinh Sở Y tế")
    answer = await focal.say("/tinhhinh IV.2.a")
    assert "• SCT · năm 2025" in answer and "• SYT" not in answer  # the lead list itself is public


async def test_overdue_and_missing_lists(leader, focal, clock):
    await focal.say("/bc IV.2.a xong dn=1")
    answer = await leader.say("/chuabaocao")
    # 36 annual reports, SKHCN's mid-term review, the statistics office's two assessments, the TFP computation,
    # SKHCN's consolidated mid-term report (TH: in 2025 it is the year's consolidated report, `skip_years`)
    assert "Chưa báo cáo kỳ đang mở: 41" in answer
    assert "■ Tổ chức sơ kết thực hiện Kế hoạch năm 2025 — tổ chức ngày" in answer
    assert "• SCT" not in answer and "• SYT: IV.2.a" in answer
    assert "Không có báo cáo nào quá hạn" in await leader.say("/quahan")
    clock.now += timedelta(days=17)  # Thursday 18/12/2025, two working days after the deadline
    answer = await leader.say("/quahan")
    assert "⏰ Quá hạn chưa báo cáo: 37 báo cáo của 19 đơn vị" in answer  # 36 annual + SKHCN's review
    assert "• IV.2.a · năm 2025 — hạn Thứ Ba, 16/12/2025 (quá hạn từ 17/12/2025)" in answer


async def test_help_lists_exactly_what_each_role_may_do(person, focal, coordinator, leader):
    stranger = person("777")
    await verify_dialog(stranger, [("/trogiup", ["chưa đăng ký", "/start", "/trogiup"])])
    assert "/baocao" not in stranger.text and "/tinhhinh" not in stranger.text
    assert "/baocao" in await focal.say("/trogiup") and "/moi" not in focal.text and "/quahan" not in focal.text
    answer = await coordinator.say("/help")
    assert all(c in answer for c in ("/baocao", "/bc", "/tinhhinh", "/quahan", "/chuabaocao", "/moi"))
    answer = await leader.say("/trogiup")
    assert "/tinhhinh" in answer and "/quahan" in answer and "/baocao" not in answer and "/moi" not in answer
