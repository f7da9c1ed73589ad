"""Several plans in one province: units are the province's, each plan lists its own; a unit written
differently in two files, or two calendars that disagree, stop the load; reorganisations apply to every
plan; a retired plan leaves the lists it was in and keeps its history."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from models.catalog import load_catalog
from models.obligations import obligations
from models.planfiles.load_plan import load_plan
from models.planfiles.load_reorg import load_reorg
from models.planfiles.plan_file import read_plan
from models.planfiles.reorg_file import read_reorg
from models.planfiles.source import SourceError
from models.plans import AlreadyDone, followed_plans, retire_plan
from models.store.tables import Plan, PlanUnit, Target, Task, Unit
from plans import DEFAULT_REORG, EXAMPLE_PLAN
from tests.models.test_planload import snapshot as all_rows

INSTALLED = date(2025, 11, 3)


def variant(tmp_path: Path, old: str, new: str, name: str = "other.yaml") -> Path:
    """The example plan file with one piece of text replaced."""
    text = EXAMPLE_PLAN.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


async def owners(session, plan_code: str, task_code: str, day: date) -> set[str]:
    """Who owes the task's reports due in the plan's first two years, as of `day`."""
    task = (await session.exec(select(Task).join(Plan).where(Plan.code == plan_code, Task.code == task_code))).one()
    found = await obligations(session, [task.plan_id], due_from=date(2025, 1, 1), due_to=date(2027, 12, 31),
                              as_of=day, task_ids=[task.id])
    return {o.unit_code for o in found}


async def test_a_second_plan_shares_the_units_of_the_first(sessions, second_plan):
    async with sessions() as session:
        units = {u.code: u for u in (await session.exec(select(Unit))).all()}
        assert len(units) == 27  # SKHCN, SCT and SNNPTNT are the same rows, not three more
        listed = {(p, u) for p, u in (await session.exec(select(PlanUnit.plan_id, PlanUnit.unit_id))).all()}
        assert {u for p, u in listed if p == second_plan.id} == {units[c].id for c in ("SKHCN", "SCT", "SNNPTNT")}
        assert len([u for p, u in listed if p != second_plan.id]) == 27
        # Task codes and targets belong to their plan: two II.3 and two DN_HO_TRO.
        assert len((await session.exec(select(Task).where(Task.code == "II.3"))).all()) == 2
        assert len((await session.exec(select(Target).where(Target.code == "DN_HO_TRO"))).all()) == 2
        assert second_plan.short == "KH ví dụ – Chuyển đổi số"
        assert [p.code for p in await followed_plans(session)] == ["VD-CDS-2026", "VL-3064-2023"]
        catalog = await load_catalog(session)
        assert {t.plan_id for t in catalog.find_tasks("ii.3")} == {second_plan.id, next(
            p.id for p in catalog.plans.values() if p.code == "VL-3064-2023")}
        assert [p.code for p in catalog.find_plans("kh 3064")] == ["VL-3064-2023"]
        assert [p.code for p in catalog.find_plans("chuyển đổi số")] == ["VD-CDS-2026"]
        assert catalog.find_plans("số") == []  # one word is not a plan's name: it would catch units
        assert await owners(session, "VD-CDS-2026", "II.3", date(2026, 3, 1)) == {"SCT", "SKHCN"}  # report_by: all


async def test_a_unit_written_differently_fails_naming_both_files_and_writes_nothing(sessions, plan, tmp_path):
    path = variant(tmp_path, 'name: "Sở Công Thương"', 'name: "Sở Công thương tỉnh"')
    async with sessions() as session:
        before = await all_rows(session)
    with pytest.raises(SourceError) as error:
        async with sessions() as session:
            await load_plan(session, read_plan(path), actor="test", today=INSTALLED)
    message = str(error.value)
    assert "other.yaml" in message and "vinh-long-3064.yaml" in message
    assert "đơn vị SCT" in message and "“Sở Công Thương”" in message and "“Sở Công thương tỉnh”" in message
    async with sessions() as session:
        assert await all_rows(session) == before


async def test_aliases_add_up_but_one_name_cannot_point_to_two_units(sessions, second_plan, tmp_path):
    added = variant(tmp_path, 'aliases: ["Sở KH&CN"]', 'aliases: ["Sở KH&CN", "Sở Khoa học"]')
    async with sessions() as session:
        await load_plan(session, read_plan(added), actor="test", today=INSTALLED)
    async with sessions() as session:
        catalog = await load_catalog(session)
        assert [u.code for u in catalog.find_units("Sở Khoa học")] == ["SKHCN"]
    # "Sở Y tế" is SYT's name in the Vĩnh Long plan, which this file does not list.
    clash = variant(tmp_path, 'aliases: ["Sở KH&CN"]', 'aliases: ["Sở KH&CN", "Sở Y tế"]', "clash.yaml")
    with pytest.raises(SourceError) as error:
        async with sessions() as session:
            await load_plan(session, read_plan(clash), actor="test", today=INSTALLED)
    assert "tên gọi 'Sở Y tế' đã trỏ tới đơn vị SYT (trong một kế hoạch khác)" in str(error.value)


async def test_two_calendars_that_disagree_fail_naming_both(sessions, plan, tmp_path):
    path = variant(tmp_path, "schedules:\n", "calendar:\n  working_days:\n    - date: 2026-01-02\n"
                   "      note: thử\n\nschedules:\n")
    with pytest.raises(SourceError) as error:
        async with sessions() as session:
            await load_plan(session, read_plan(path), actor="test", today=INSTALLED)
    message = str(error.value)
    assert "ngày 02/01/2026 được tệp " in message and "vinh-long-3064.yaml ghi là ngày nghỉ" in message
    assert "other.yaml" in message


@pytest.mark.parametrize("reorg_first", [False, True], ids=["plans-then-reorg", "reorg-then-second-plan"])
async def test_a_merge_moves_the_tasks_of_every_plan(sessions, plan, reorg_first):
    """SNNPTNT leads IV.2.a (Vĩnh Long) and II.4 (the example); its merger into SNNMT on 01/03/2025 moves
    both, whether the second plan was loaded before the reorganisation or after it."""
    steps = [("reorg", DEFAULT_REORG), ("plan", EXAMPLE_PLAN)] if reorg_first else [
        ("plan", EXAMPLE_PLAN), ("reorg", DEFAULT_REORG)]
    for kind, path in steps:
        async with sessions() as session:
            if kind == "plan":
                await load_plan(session, read_plan(path), actor="test", today=INSTALLED)
            else:
                await load_reorg(session, read_reorg(path), actor="test")
    async with sessions() as session:
        assert "SNNMT" in await owners(session, "VL-3064-2023", "IV.2.a", date(2026, 3, 1))
        assert await owners(session, "VD-CDS-2026", "II.4", date(2026, 3, 1)) == {"SNNMT"}
        assert await owners(session, "VD-CDS-2026", "II.3", date(2026, 3, 1)) == {"SCT", "SKHCN"}
    # Loading the reorganisation or the plan again changes nothing.
    async with sessions() as session:
        assert (await load_reorg(session, read_reorg(DEFAULT_REORG), actor="test")).changes == []
    async with sessions() as session:
        before = await all_rows(session)
        await load_plan(session, read_plan(EXAMPLE_PLAN), actor="test", today=INSTALLED)
    async with sessions() as session:
        after = await all_rows(session)
    assert {k: v for k, v in after.items() if k != "auditlog"} == {k: v for k, v in before.items() if k != "auditlog"}


def reorg(tmp_path: Path, body: str, header: str = "reorganisation: {code: T, title: thử}\n") -> Path:
    path = tmp_path / "reorg.yaml"
    path.write_text(header + "events:\n" + body, encoding="utf-8")
    return path


async def test_a_task_key_two_plans_use_must_name_its_plan(sessions, second_plan, tmp_path):
    ambiguous = reorg(tmp_path, "  - {date: 2026-02-01, split: SKHCN, tasks: {II.3: SCT}, source: x}\n")
    with pytest.raises(SourceError) as error:
        async with sessions() as session:
            await load_reorg(session, read_reorg(ambiguous), actor="test")
    assert "nhiệm vụ 'II.3' có trong nhiều kế hoạch (" in str(error.value)
    assert "VD-CDS-2026" in str(error.value) and "VL-3064-2023" in str(error.value)
    qualified = reorg(tmp_path, "  - {date: 2026-02-01, split: SKHCN, tasks: {'VD-CDS-2026:II.3': SCT}, "
                                "source: x}\n")
    async with sessions() as session:
        await load_reorg(session, read_reorg(qualified), actor="test")
    async with sessions() as session:
        assert await owners(session, "VD-CDS-2026", "II.3", date(2026, 3, 1)) == {"SCT"}
        assert await owners(session, "VL-3064-2023", "II.3", date(2026, 3, 1)) == {"SKHCN"}  # the other plan's


async def test_a_retired_plan_leaves_the_lists_and_keeps_everything(sessions, second_plan):
    now = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
    async with sessions() as session:
        before = await all_rows(session)
        await retire_plan(session, "VD-CDS-2026", now=now, actor="test")
    async with sessions() as session:
        assert [p.code for p in await followed_plans(session)] == ["VL-3064-2023"]
        assert (await load_catalog(session)).find_tasks("II.3")[0].plan_id != second_plan.id
        after = await all_rows(session)
        for table in ("task", "assignment", "period", "report", "unit", "planunit"):
            assert after[table] == before[table], table
        with pytest.raises(AlreadyDone):
            await retire_plan(session, "VD-CDS-2026", now=now, actor="test")
    async with sessions() as session:
        await retire_plan(session, "VD-CDS-2026", now=now, actor="test", undo=True)
    async with sessions() as session:
        assert len(await followed_plans(session)) == 2
