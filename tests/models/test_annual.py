"""The year's data: every obligation whose data window ends in the year, with its latest report, the year
before for comparison, and the targets year by year."""

from datetime import date
from decimal import Decimal

from models.annual import State, entries, report_year, year_data
from models.obligations import obligations
from models.year_targets import TargetFigures
from tests.jobs.year_story import DRAFTED, at, file_year, tell


def test_without_a_year_january_means_the_year_just_ended():
    assert report_year(date(2026, 1, 1)) == 2025
    assert report_year(date(2026, 1, 31)) == 2025
    assert report_year(date(2026, 2, 1)) == 2026
    assert report_year(date(2026, 12, 31)) == 2026


async def test_every_obligation_of_the_year_long_after_its_round(sessions, plan, person, invite, clock):
    await file_year(person, invite, clock)
    half_a_year_later = date(2027, 6, 30)  # far past "overdue or the last 30 days"
    async with sessions() as session:
        data = await year_data(session, plan, 2026, half_a_year_later)
        owed = [o for o in await obligations(session, [plan.id], due_from=date(2026, 1, 1), due_to=date(2027, 12, 31))
                if o.window_end.year == 2026]
    assert len(data.entries) == len(owed) > 40
    assert {e.obligation.window_end.year for e in data.entries} == {2026}
    by = {(e.obligation.unit_code, e.obligation.task_code): e for e in data.entries}
    sct = by[("SCT", "IV.2.a")]
    assert sct.state is State.late and sct.report is not None and sct.report.version == 2
    assert sct.values == {"dn": Decimal(6)} and sct.report.submitted_on == date(2026, 12, 18)
    assert by[("SYT", "IV.2.a")].state is State.on_time
    assert by[("SXD", "IV.2.a")].state is State.overdue and by[("SXD", "IV.2.a")].report is None
    # III.2: the 2027 budget is drawn up in 2026 (due 10/07/2026), so it is 2026 work
    assert by[("SCT", "III.2")].obligation.period_key == "2026-07-10"
    rate = data.rate
    assert (rate.reported, rate.late) == (2, 1) and rate.owed == len(owed)
    before = data.previous_rate
    assert before is not None and before.reported == 1 and before.late == 0  # SCT's 2025 report
    dn = next(t for t in data.targets if t.code == "DN_HO_TRO")
    assert dn.by_year == {2025: Decimal(5), 2026: Decimal(8)} and dn.so_far(2026, 2021) == 13


async def test_a_report_counts_toward_the_year_its_data_window_ends_in(sessions, plan, person, invite, clock):
    ctk = person("210", "Đầu mối Thống kê")
    await ctk.say(f"/start {await invite('CTK')}")
    clock.now = at("2026-01-15 09:00")  # the 2025 statistics (calendar year, due 20/01/2026), sent in 2026
    await tell(ctk, "/bc IV.6 xong nsld=8,1 số liệu năm 2025", "năm 2025")
    async with sessions() as session:
        in_2025 = await entries(session, plan, 2025, date(2026, 1, 15))
        in_2026 = await entries(session, plan, 2026, date(2026, 1, 15))
        data = await year_data(session, plan, 2025, date(2026, 1, 15))
    stats_2025 = [e for e in in_2025 if e.obligation.task_code == "IV.6"]
    assert {e.obligation.period_key: e.state for e in stats_2025} == {"2025": State.on_time,
                                                                      "2021-2025": State.not_due}
    assert all(e.report is None for e in in_2026 if e.obligation.task_code == "IV.6")
    nsld = next(t for t in data.targets if t.code == "NSLD")
    assert nsld.by_year == {2025: Decimal("8.1")}


async def test_deadlines_before_the_plan_was_followed_are_not_counted_as_missing(sessions, plan):
    async with sessions() as session:
        year = await entries(session, plan, 2025, DRAFTED.date())
    states = {e.obligation.schedule_code: e.state for e in year}
    assert states["so-ket-2025"] is State.not_followed  # due 31/10/2025; the bot was installed 03/11/2025
    assert states["hang-nam"] is State.overdue


def test_an_average_growth_is_the_compound_average_over_the_milestones_span():
    rates = TargetFigures(code="NSLD", name="Tốc độ tăng năng suất lao động", measure="%/năm",
                          aggregate="average_growth", milestones=((2025, Decimal("8.3"), ">="),
                                                                  (2030, Decimal("8.3"), ">")),
                          by_year={2024: Decimal(10), 2025: Decimal(6), 2026: Decimal(8), 2027: Decimal(10)})
    assert rates.span(2027, 2021) == (2026, 2027)  # the 2030 milestone counts from 2026
    assert round(rates.so_far(2027, 2021), 3) == round((Decimal("1.08") * Decimal("1.10")).sqrt() * 100 - 100, 3)
    assert rates.years_with_data(2027, 2021) == 2
    assert round(rates.so_far(2025, 2021), 3) == round((Decimal("1.10") * Decimal("1.06")).sqrt() * 100 - 100, 3)
    counted = TargetFigures(code="DN", name="Doanh nghiệp", measure="lượt", aggregate="sum",
                            milestones=((2030, Decimal(40), ">="),), by_year={2024: Decimal(3), 2026: Decimal(4)})
    assert counted.so_far(2026, 2021) == 7 and counted.so_far(2025, 2021) == 3
    assert counted.milestone_for(2026) == (2030, Decimal(40), ">=")
