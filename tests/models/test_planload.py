"""Loading a plan into the database: complete, idempotent, in place, and never half-written."""

from datetime import date
from pathlib import Path

from sqlalchemy import text
from sqlmodel import SQLModel, func, select

from models.planfiles.changes import summarise
from models.planfiles.load_plan import load_plan
from models.planfiles.plan_file import read_plan
from models.store.tables import Assignment, Period, Plan, Schedule, Task, Unit, UnitAlias
from plans import DEFAULT_PLAN

TODAY = date(2025, 11, 3)  # the day the bot is "installed" in these tests


async def snapshot(session) -> dict[str, list[tuple]]:
    """Every row of every table, to prove that a second load writes nothing."""
    result = {}
    connection = await session.connection()
    for table in SQLModel.metadata.sorted_tables:
        rows = (await connection.execute(text(f'SELECT * FROM "{table.name}" ORDER BY 1'))).all()
        result[table.name] = [tuple(r) for r in rows]
    return result


async def count(session, model, *where) -> int:
    return (await session.exec(select(func.count()).select_from(model).where(*where))).one()


async def test_shipped_plan_loads_completely(sessions, shipped_plan):
    async with sessions() as session:
        result = await load_plan(session, shipped_plan, actor="test", today=TODAY)
    counts = summarise(result.changes)
    assert counts["unit"] == {"add": 27} and counts["task"] == {"add": 25} and counts["schedule"] == {"add": 20}
    async with sessions() as session:
        plan = (await session.exec(select(Plan))).one()
        assert plan.coordinator_code == "SKHCN" and plan.track_from == TODAY
        assert await count(session, Unit) == 27
        # Every lead named in the file is an assignment: SKHCN 11, 9 Sở × 2, KH&ĐT 1, Tài chính 2,
        # TT&TT 1, Đài and Báo 2, Thống kê 1, 3 associations × 2, 8 district committees × 3; III.2: 18.
        assert await count(session, Assignment, Assignment.role == "lead") == 84
        annual = (await session.exec(select(Schedule).where(Schedule.code == "hang-nam"))).one()
        keys = (await session.exec(select(Period.key).where(Period.schedule_id == annual.id)
                                   .order_by(Period.key))).all()
        # 2030 is asked earlier, before the final conference (schedule hang-nam-2030): `skip_years: [2030]`.
        assert keys == [str(y) for y in range(2024, 2030)]
        # People type "so khcn": the folded alias leads to the unit.
        skhcn = (await session.exec(select(UnitAlias.unit_id).where(UnitAlias.norm == "sokhcn"))).one()
        assert skhcn == (await session.exec(select(Unit.id).where(Unit.code == "SKHCN"))).one()


async def test_loading_twice_changes_nothing(sessions, shipped_plan):
    async with sessions() as session:
        await load_plan(session, shipped_plan, actor="test", today=TODAY)
    async with sessions() as session:
        before = await snapshot(session)
    async with sessions() as session:
        again = await load_plan(session, shipped_plan, actor="test", today=TODAY)
    assert again.changes == []
    async with sessions() as session:
        assert await snapshot(session) == before


async def test_changed_file_updates_in_place_and_retires_what_is_gone(sessions, tmp_path: Path):
    original = DEFAULT_PLAN.read_text(encoding="utf-8")
    async with sessions() as session:
        await load_plan(session, read_plan(DEFAULT_PLAN), actor="test", today=TODAY)
        task_id = (await session.exec(select(Task.id).where(Task.code == "IV.7.b"))).one()
    changed = (original
               .replace('title: "Tăng cường công tác hợp tác trong, ngoài nước"',
                        'title: "Tăng cường hợp tác trong và ngoài nước"')
               .replace("    due: {after_cutoff: 2}", "    due: \"12-18\"")
               .replace("  - code: IV.7.b\n", "  - code: IV.7.x\n"))
    path = tmp_path / "changed.yaml"
    path.write_text(changed, encoding="utf-8")
    async with sessions() as session:
        result = await load_plan(session, read_plan(path), actor="test", today=TODAY)
    by_key = {(c.entity, c.action, c.key): c for c in result.changes}
    assert by_key[("task", "update", "II.5")].fields["title"][1] == "Tăng cường hợp tác trong và ngoài nước"
    assert ("task", "retire", "IV.7.b") in by_key and ("task", "add", "IV.7.x") in by_key
    assert by_key[("schedule", "update", "hang-nam")].fields["due_month_day"] == (None, "12-18")
    assert by_key[("period", "update", "hang-nam 2025")].fields["due"][1].isoformat() == "2025-12-18"
    async with sessions() as session:
        old = await session.get(Task, task_id)
        assert old is not None and old.active is False  # kept for history, no longer followed
        assert await count(session, Task, Task.active) == 25


async def test_dry_run_reports_but_writes_nothing(sessions, shipped_plan):
    async with sessions() as session:
        before = await snapshot(session)
    async with sessions() as session:
        result = await load_plan(session, shipped_plan, actor="test", dry_run=True, today=TODAY)
    assert result.dry_run and summarise(result.changes)["unit"] == {"add": 27}
    async with sessions() as session:
        assert await snapshot(session) == before


async def test_calendar_override_moves_a_deadline(sessions, tmp_path: Path):
    # A deadline counted in working days after the cut-off moves when a day off is added.
    original = DEFAULT_PLAN.read_text(encoding="utf-8")
    async with sessions() as session:
        await load_plan(session, read_plan(DEFAULT_PLAN), actor="test", today=TODAY)
    changed = original.replace("  days_off:\n", "  days_off:\n    - 2025-12-15\n")
    path = tmp_path / "extra-day-off.yaml"
    path.write_text(changed, encoding="utf-8")
    async with sessions() as session:
        result = await load_plan(session, read_plan(path), actor="test", today=TODAY)
    due = {c.key: c.fields["due"] for c in result.changes if c.entity == "period"}
    assert due["hang-nam 2025"][1].isoformat() == "2025-12-17"


async def test_deadlines_are_followed_from_the_first_load_unless_the_file_says(sessions, tmp_path: Path):
    async with sessions() as session:
        await load_plan(session, read_plan(DEFAULT_PLAN), actor="test", today=TODAY)
    async with sessions() as session:  # a later reload keeps the original start
        assert (await load_plan(session, read_plan(DEFAULT_PLAN), actor="test", today=date(2026, 5, 1))).changes == []
        assert (await session.exec(select(Plan.track_from))).one() == TODAY
    path = tmp_path / "explicit.yaml"
    path.write_text(DEFAULT_PLAN.read_text(encoding="utf-8").replace(
        "  issued: 2023-12-29\n", "  issued: 2023-12-29\n  track_from: 2024-01-01\n"), encoding="utf-8")
    async with sessions() as session:
        await load_plan(session, read_plan(path), actor="test", today=TODAY)
        assert (await session.exec(select(Plan.track_from))).one() == date(2024, 1, 1)
