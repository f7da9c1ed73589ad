"""Who owes which report when: the schedule the reminders will follow."""

from datetime import date

from models.obligations import obligations, obligations_touching, plan_calendar


async def test_annual_report_2025_of_each_unit(session, plan):
    found = await obligations(session, [plan.id], due_from=date(2025, 12, 1), due_to=date(2025, 12, 31))
    annual = [o for o in found if o.schedule_code == "hang-nam"]
    assert {o.period_key for o in annual} == {"2025"}
    # Every lead of a yearly task reports; support units do not; tasks followed but not chased
    # (`report_by: none`: IV.5.b for the Đài and the Báo, IV.7.a/b for the three associations) owe nothing.
    # 65 leads, less IV.2.b (9 Sở) and IV.8.c (8 districts), one-off reviews, and IV.1.d, IV.1.e, IV.6; less 8.
    assert len(annual) == 65 - 9 - 8 - 3 - 8
    assert not {"DPTTH", "BVL", "HHDN", "HDNT", "LMHTX"} & {o.unit_code for o in annual}
    skhcn = sorted(o.task_code for o in annual if o.unit_code == "SKHCN")
    assert skhcn == ["II.1", "II.2", "II.3", "II.4", "II.5", "IV.1.a", "IV.1.b", "IV.1.c"]
    first = annual[0]
    assert first.due == date(2025, 12, 16)  # cut-off Sunday 14/12, +2 working days
    calendar = await plan_calendar(session, plan.id)
    assert [(s.offset, s.day) for s in first.steps(calendar)] == [
        (-5, date(2025, 12, 9)), (-2, date(2025, 12, 12)), (0, date(2025, 12, 16)),
        (1, date(2025, 12, 17)), (3, date(2025, 12, 19))]


async def test_statistics_deadline_in_january_2026_uses_the_plan_calendar(session, plan):
    found = await obligations(session, [plan.id], due_from=date(2026, 1, 1), due_to=date(2026, 1, 31))
    (stats,) = [o for o in found if o.schedule_code == "thong-ke-hang-nam"]
    assert (stats.unit_code, stats.period_key, stats.due) == ("CTK", "2025", date(2026, 1, 20))
    calendar = await plan_calendar(session, plan.id)
    assert not calendar.is_working_day(date(2026, 1, 2)) and calendar.is_working_day(date(2026, 1, 10))
    # Five working days back from Tuesday 20/01 → 13/01; the worked Saturday 10/01 is one of them for -7.
    assert stats.steps(calendar)[0].day == date(2026, 1, 13)
    assert calendar.step_date(date(2026, 1, 20), -7) == date(2026, 1, 10)


async def test_a_range_catches_reminders_of_deadlines_outside_it(session, plan):
    # 9–12/12/2025 holds reminders, but no deadline.
    calendar = await plan_calendar(session, plan.id)
    found = await obligations_touching(session, [plan.id], date(2025, 12, 9), date(2025, 12, 12), calendar)
    assert found and all(o.due > date(2025, 12, 12) for o in found)


async def test_obligations_come_by_deadline_plan_schedule_period_unit_task(session, plan):
    # The order lists, reminders and status are written in; sorted in Python (models/obligations.py), the same
    # on both databases: by code point, so "IV.10" would come before "IV.2" as it does in SQLite.
    found = await obligations(session, [plan.id], due_from=date(2025, 1, 1), due_to=date(2030, 12, 31))
    keys = [(o.due, o.plan_code, o.schedule_code, o.period_key, o.unit_code, o.task_code) for o in found]
    assert len(keys) > 100 and len({o.due for o in found}) > 5  # many deadlines, units and tasks to order
    assert keys == sorted(keys)
