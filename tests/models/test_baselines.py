"""Earlier years' figures entered by hand: which years, what is refused, and how targets count them."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlmodel import select

from models.baselines import BaselineError, baselines_of, enter, years_open
from models.store.tables import AuditLog
from models.year_targets import milestones_on, target_figures

NOW = datetime(2025, 11, 20, 2, 0, tzinfo=UTC)


async def put(session, plan, code: str, year: int, value: str, source: str = "Niên giám thống kê 2024"):
    return await enter(session, plan, target_code=code, year=year, value=Decimal(value), source_note=source,
                       entered_by="test", member_id=None, now=NOW)


async def test_rates_entered_by_hand_make_the_average_with_the_reports(session, plan):
    assert list(years_open(plan)) == [2021, 2022, 2023, 2024]  # installed 03/11/2025
    for year, rate in ((2021, "5.0"), (2022, "7.0"), (2023, "6.0"), (2024, "8.0")):
        await put(session, plan, "nsld", year, rate)
    figures = {t.code: t for t in await target_figures(session, plan, 2025)}
    nsld = figures["NSLD"]
    assert nsld.by_hand == {y: "Niên giám thống kê 2024" for y in (2021, 2022, 2023, 2024)}
    (mid, _final) = milestones_on(nsld, 2025, 2021)
    assert mid.years_with_data == 4 and round(mid.value, 2) == Decimal("6.49")  # ((1.05·1.07·1.06·1.08)^¼ − 1)
    assert figures["DN_HO_TRO"].by_hand == {}
    assert [(t.code, b.year) for t, b in await baselines_of(session, plan)] == [("NSLD", y) for y in range(2021, 2025)]


async def test_entering_a_year_again_replaces_it_and_the_audit_log_keeps_both(session, plan):
    await put(session, plan, "DN_HO_TRO", 2022, "6", "Báo cáo 30/BC-SKHCN")
    entered = await put(session, plan, "DN_HO_TRO", 2022, "7", "Báo cáo 30/BC-SKHCN (đính chính)")
    assert entered.replaced == Decimal(6) and Decimal(entered.baseline.value) == Decimal(7)
    (dn,) = [t for t in await target_figures(session, plan, 2025) if t.code == "DN_HO_TRO"]
    assert dn.of(2022) == Decimal(7) and dn.counted[2022] == 0  # the province's figure, not a report
    log = (await session.exec(select(AuditLog).where(AuditLog.action == "target.baseline")
                              .order_by(AuditLog.id))).all()
    assert [(e.entity_id, e.detail["value"], e.detail["replaced"]) for e in log] == [
        ("DN_HO_TRO 2022", "6", None), ("DN_HO_TRO 2022", "7", "6")]


@pytest.mark.parametrize(("code", "year", "value", "source", "expected"), [
    ("DN_HO_TRO", 2025, "3", "x", "Chỉ nhập được số liệu các năm 2021–2024"),
    ("DN_HO_TRO", 2020, "3", "x", "Chỉ nhập được số liệu các năm 2021–2024"),
    ("DN_HO_TRO", 2021, "-3", "x", "số liệu một năm không âm"),
    ("DN_HO_TRO", 2021, "3", "   ", "Thiếu nguồn số liệu"),
    ("DN_HO_TRO", 2021, "3", "x" * 301, "Nguồn số liệu dài quá 300 ký tự"),
    ("KHONGCO", 2021, "3", "x", "không có mục tiêu “KHONGCO”"),
])
async def test_what_is_refused(session, plan, code, year, value, source, expected):
    with pytest.raises(BaselineError, match=expected):
        await put(session, plan, code, year, value, source)
