"""The 2025 reorganisation: loading it, owners either side of each event, history kept, bad files refused."""

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from models.obligations import obligations
from models.planfiles.load_plan import load_plan
from models.planfiles.load_reorg import load_reorg
from models.planfiles.reorg_file import read_reorg
from models.planfiles.source import SourceError
from models.registry import current_of, unit_history, units_at
from models.status import snapshot
from models.store.tables import Assignment, Plan, Task, Unit, UnitEvent
from plans import DEFAULT_REORG
from tests.models.test_planload import snapshot as all_rows

FOLLOWED_FROM = date(2025, 1, 2)  # the plan is followed from the start of 2025 in these tests


@pytest.fixture
async def early_plan(sessions, shipped_plan) -> Plan:
    async with sessions() as session:
        await load_plan(session, shipped_plan, actor="test", today=FOLLOWED_FROM)
    async with sessions() as session:
        return (await session.exec(select(Plan))).one()


@pytest.fixture
async def reorganised(sessions, early_plan) -> Plan:
    async with sessions() as session:
        await load_reorg(session, read_reorg(DEFAULT_REORG), actor="test")
    return early_plan


async def owners(session, plan: Plan, task_code: str, due_from: date, due_to: date, as_of: date) -> set[str]:
    task_id = (await session.exec(select(Task.id).where(Task.code == task_code))).one()
    return {o.unit_code for o in await obligations(session, [plan.id], due_from=due_from, due_to=due_to, as_of=as_of,
                                                   task_ids=[task_id])}


async def test_shipped_reorganisation_checks_and_loads(sessions, early_plan):
    loaded = read_reorg(DEFAULT_REORG)
    async with sessions() as session:
        result = await load_reorg(session, loaded, actor="test")
    moved = {c.key for c in result.changes if c.action == "move"}
    assert "IV.5.a (lead)" in moved and "IV.3 (lead)" in moved and "IV.8.a (lead)" in moved
    async with sessions() as session:
        units = {u.code: u for u in (await session.exec(select(Unit))).all()}
        assert units["STTTT"].valid_to == date(2025, 2, 28) and units["STTTT"].successor_id == units["SKHCN"].id
        assert units["UBND-LH"].valid_to == date(2025, 6, 30)
        assert units["UBND-LH"].successor_id == units["UBND-CAPXA"].id
        assert units["CTK"].name == "Thống kê tỉnh Vĩnh Long" and units["CTK"].valid_to is None
        assert len((await session.exec(select(UnitEvent))).all()) == 14


async def test_reminders_and_status_name_old_owners_in_june_and_new_ones_in_august(sessions, reorganised):
    plan = reorganised
    async with sessions() as session:
        # The annual 2025 report (due in December) is owed by whoever holds the task on the day asked.
        june = await owners(session, plan, "IV.8.a", date(2025, 12, 1), date(2025, 12, 31), date(2025, 6, 1))
        august = await owners(session, plan, "IV.8.a", date(2025, 12, 1), date(2025, 12, 31), date(2025, 8, 1))
        assert "UBND-LH" in june and len(june) == 8
        assert august == {"UBND-CAPXA"}
        assert await owners(session, plan, "IV.5.a", date(2025, 12, 1), date(2025, 12, 31),
                            date(2025, 2, 1)) == {"STTTT"}
        assert await owners(session, plan, "IV.5.a", date(2025, 12, 1), date(2025, 12, 31),
                            date(2025, 8, 1)) == {"SVHTTDL"}
        assert await owners(session, plan, "IV.3", date(2025, 12, 1), date(2025, 12, 31),
                            date(2025, 8, 1)) == {"STC"}
        # Status (the same queries the reminder tick uses) at either date.
        lh = (await session.exec(select(Unit).where(Unit.code == "UBND-LH"))).one()
        capxa = (await session.exec(select(Unit).where(Unit.code == "UBND-CAPXA"))).one()
        before = await snapshot(session, [plan], date(2025, 6, 1), values=False)
        after = await snapshot(session, [plan], date(2025, 8, 1), values=False)
        assert any(i.obligation.unit_id == lh.id for i in before.current)
        assert not any(i.obligation.unit_id == capxa.id for i in before.current)
        assert not any(i.obligation.unit_id == lh.id for i in after.current)
        assert {i.obligation.task_code for i in after.current if i.obligation.unit_id == capxa.id} >= {"IV.8.a"}


async def test_a_period_that_closed_before_the_merger_stays_with_the_old_unit(sessions, reorganised):
    plan = reorganised
    async with sessions() as session:
        # Any deadline before 01/03/2025 belongs to the unit of that day, asked later or not.
        found = await obligations(session, [plan.id], due_from=FOLLOWED_FROM, due_to=date(2025, 2, 28),
                                  as_of=date(2025, 8, 1))
        codes = {o.unit_code for o in found}
        assert "SNNMT" not in codes and "UBND-CAPXA" not in codes


async def test_registry_as_of_a_date_and_history(sessions, reorganised):
    async with sessions() as session:
        june = {u.code for u in await units_at(session, date(2025, 6, 1))}
        august = {u.code for u in await units_at(session, date(2025, 8, 1))}
        assert {"SKHCN", "SNV", "SNNMT", "UBND-LH"} <= june and "STTTT" not in june and "UBND-CAPXA" not in june
        assert {"UBND-CAPXA", "SNV"} <= august and "UBND-LH" not in august
        assert len(august) == 27 - 5 - 8 + 3
        units = {u.id: u for u in (await session.exec(select(Unit))).all()}
        sttt = next(u for u in units.values() if u.code == "STTTT")
        assert current_of(units, sttt, date(2025, 8, 1)).code == "SKHCN"
        assert current_of(units, sttt, date(2025, 2, 1)).code == "STTTT"
        skhcn = next(u for u in units.values() if u.code == "SKHCN")
        history = await unit_history(session, skhcn)
        assert [(e.day, e.kind, e.unit.code) for e in history] == [(date(2025, 3, 1), "merge", "STTTT")]
        assert history[0].detail["tasks"] and "NQ 207" in history[0].source


async def test_loading_twice_changes_nothing_and_reloading_the_plan_keeps_the_reorganisation(
        sessions, reorganised, shipped_plan):
    async with sessions() as session:
        before = await all_rows(session)
    async with sessions() as session:
        again = await load_reorg(session, read_reorg(DEFAULT_REORG), actor="test")
    assert again.changes == []
    async with sessions() as session:
        plan_again = await load_plan(session, shipped_plan, actor="test", today=FOLLOWED_FROM)
    assert plan_again.changes == []
    async with sessions() as session:
        after = await all_rows(session)
    assert {k: v for k, v in after.items() if k != "auditlog"} == {k: v for k, v in before.items() if k != "auditlog"}


async def test_dry_run_lists_every_owner_change_and_writes_nothing(sessions, early_plan):
    async with sessions() as session:
        before = await all_rows(session)
    async with sessions() as session:
        result = await load_reorg(session, read_reorg(DEFAULT_REORG), actor="test", dry_run=True)
    assert result.dry_run
    moves = [c for c in result.changes if c.action == "move"]
    # Every lead or support part of a merged or retired unit: at least the district committees' 4 tasks × 8.
    assert sum(1 for c in moves if c.fields["owner"][1] == "UBND-CAPXA") == 32
    async with sessions() as session:
        assert await all_rows(session) == before


def write(tmp_path: Path, events: str, units: str = "") -> Path:
    path = tmp_path / "reorg.yaml"
    path.write_text("reorganisation: {code: T, plan: VL-3064-2023, title: thử}\n" + units + "events:\n" + events,
                    encoding="utf-8")
    return path


@pytest.mark.parametrize(("events", "units", "expected"), [
    ("  - {date: 2025-03-01, merge: [STTTT], into: SKHCM, source: x}\n", "",
     "đơn vị nhận 'SKHCM' không có"),
    ("  - {date: 2025-03-01, merge: [STTTT], into: SKHCN, source: x}\n"
     "  - {date: 2025-04-01, merge: [SKHCN], into: STTTT, source: x}\n", "",
     "vòng kế thừa: SKHCN → STTTT → SKHCN"),
    ("  - {date: 2025-03-01, merge: [STTTT], into: SKHCN, source: x}\n"
     "  - {date: 2025-05-01, retire: STTTT, tasks_to: SCT, source: x}\n", "",
     "đã không còn hoạt động"),
    ("  - {date: 2025-03-01, merge: [SCT], into: SKHCN, source: x}\n"
     "  - {date: 2025-03-01, merge: [SKHCN], into: SCT, source: x}\n", "",
     "vòng kế thừa"),
    ("  - {date: 2031-03-01, merge: [STTTT], into: SKHCN, source: x}\n", "",
     "nằm ngoài thời gian kế hoạch"),
    ("  - {date: 2025-03-01, merge: [STTTT], into: SKHCN, source: x}\n"
     "  - {date: 2025-03-01, rename: STTTT, name: Mới, source: x}\n", "",
     "đã có một sự kiện cùng ngày"),
    ("  - {date: 2025-03-01, split: STTTT, tasks: {IV.3: SCT}, source: x}\n", "",
     "không phụ trách nhiệm vụ IV.3"),
    ("  - {date: 2025-03-01, split: SCT, tasks: {IV.2.a: decision}, source: x}\n", "",
     "sẽ không còn đơn vị chủ trì"),
    ("  - {date: 2025-03-01, split: STTTT, tasks: {IV.9: SCT}, source: x}\n", "",
     "nhiệm vụ 'IV.9' không có"),
    # Sở TT&TT alone leads IV.5.a: merged into the coordinator with no `tasks:` for it, IV.5.a would have no lead.
    ("  - {date: 2025-03-01, merge: [STTTT], into: SKHCN, source: x}\n", "",
     "nhiệm vụ IV.5.a (VL-3064-2023) không còn đơn vị chủ trì từ ngày 2025-03-01"),
    ("  - {date: 2025-03-01, retire: SKHDT, tasks_to: SNEW, source: x}\n",
     "units:\n  - {code: SNEW, name: Sở Mới, valid_from: 2025-06-01, source: x}\n",
     "không hoạt động vào ngày"),
])
async def test_bad_files_are_refused_with_the_place_and_nothing_is_written(sessions, early_plan, tmp_path, events,
                                                                          units, expected):
    path = write(tmp_path, events, units)
    async with sessions() as session:
        before = await all_rows(session)
    with pytest.raises(SourceError) as error:
        async with sessions() as session:
            await load_reorg(session, read_reorg(path), actor="test")
    message = str(error.value)
    assert expected in message and "reorg.yaml" in message and "events" in message
    async with sessions() as session:
        assert await all_rows(session) == before


async def test_a_split_moves_one_task_and_leaves_the_unit_in_place(sessions, early_plan, tmp_path):
    path = write(tmp_path, "  - {date: 2025-03-01, split: SCT, tasks: {IV.2.a: SNEW}, source: x}\n",
                 "units:\n  - {code: SNEW, name: Sở Mới, valid_from: 2025-03-01, source: x}\n")
    async with sessions() as session:
        await load_reorg(session, read_reorg(path), actor="test")
    async with sessions() as session:
        plan = early_plan
        assert await owners(session, plan, "IV.2.a", date(2025, 12, 1), date(2025, 12, 31),
                            date(2025, 8, 1)) >= {"SNEW"}
        assert "SCT" not in await owners(session, plan, "IV.2.a", date(2025, 12, 1), date(2025, 12, 31),
                                         date(2025, 8, 1))
        sct = (await session.exec(select(Unit).where(Unit.code == "SCT"))).one()
        assert sct.valid_to is None
        assert (await session.exec(select(Assignment).where(Assignment.unit_id == sct.id,
                                                            Assignment.valid_to.is_(None)))).first() is not None


async def test_retiring_to_a_decision_list_is_allowed_and_recorded(sessions, early_plan, tmp_path):
    path = write(tmp_path, "  - {date: 2025-07-01, retire: UBND-LH, tasks_to: decision, source: x}\n")
    async with sessions() as session:
        result = await load_reorg(session, read_reorg(path), actor="test")
    assert {c.key for c in result.changes if c.action == "retire"} == {
        "III.2: UBND-LH → decision", "IV.8.a: UBND-LH → decision", "IV.8.b: UBND-LH → decision",
        "IV.8.c: UBND-LH → decision"}
    async with sessions() as session:
        event = (await session.exec(select(UnitEvent))).one()
        assert sorted(event.detail["decision"]) == ["III.2", "IV.8.a", "IV.8.b", "IV.8.c"]


async def test_a_file_extended_after_loading_is_checked_and_applied_for_what_is_new(sessions, reorganised, tmp_path):
    shipped = DEFAULT_REORG.read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(shipped + "  - date: 2025-09-01\n    merge: [SYT]\n    into: SKHCM\n    source: x\n",
                   encoding="utf-8")
    async with sessions() as session:
        before = await all_rows(session)
    with pytest.raises(SourceError) as error:
        async with sessions() as session:
            await load_reorg(session, read_reorg(bad), actor="test")
    assert "đơn vị nhận 'SKHCM' không có" in str(error.value)
    async with sessions() as session:
        assert await all_rows(session) == before
    good = tmp_path / "good.yaml"
    good.write_text(shipped + "  - date: 2025-09-01\n    merge: [SYT]\n    into: SGDDT\n    source: x\n",
                    encoding="utf-8")
    async with sessions() as session:
        result = await load_reorg(session, read_reorg(good), actor="test")
    assert {c.key for c in result.changes if c.entity == "unit"} == {"SYT"}  # only the new event
    async with sessions() as session:
        syt = (await session.exec(select(Unit).where(Unit.code == "SYT"))).one()
        assert syt.valid_to == date(2025, 8, 31)


# --- nobody reports to himself, nobody supports his own lead (issue 15, point 9) -----------------------


async def parts(session, task_code: str, day: date) -> dict[str, set[str]]:
    task_id = (await session.exec(select(Task.id).where(Task.code == task_code))).one()
    found: dict[str, set[str]] = {"lead": set(), "support": set()}
    for assignment, code in (await session.exec(select(Assignment, Unit.code).join(Unit, Unit.id == Assignment.unit_id)
                                                .where(Assignment.task_id == task_id, Assignment.active))).all():
        if (assignment.valid_from is None or assignment.valid_from <= day) and \
                (assignment.valid_to is None or assignment.valid_to >= day):
            found[assignment.role].add(code)
    return found


async def test_the_coordinator_neither_reports_to_itself_nor_supports_its_own_lead(sessions, reorganised):
    march = date(2025, 3, 1)
    async with sessions() as session:
        for task in ("IV.2.a", "IV.2.b"):
            assert "SKHCN" not in (await parts(session, task, march))["lead"]
            assert "STTTT" in (await parts(session, task, date(2025, 2, 28)))["lead"]
        iv1a = await parts(session, "IV.1.a", march)
        assert iv1a["lead"] == {"SKHCN"} and "SKHCN" not in iv1a["support"]
        # Sở TT&TT's press work in II.4 follows the press function, as the plan's own rationale sends it.
        ii4 = await parts(session, "II.4", march)
        assert "SVHTTDL" in ii4["support"] and "SKHCN" not in ii4["support"] and "STTTT" not in ii4["support"]
        # Sở KH&ĐT led IV.3, which Sở Tài chính supported: the merged Sở Tài chính leads and no longer supports it.
        iv3 = await parts(session, "IV.3", march)
        assert iv3["lead"] == {"STC"} and iv3["support"] == {"SKHCN"}
        # No report of IV.2.a is owed by Sở KH&CN after the merger.
        assert "SKHCN" not in await owners(session, reorganised, "IV.2.a", date(2025, 12, 1), date(2025, 12, 31),
                                           date(2025, 8, 1))


async def test_the_dry_run_says_which_parts_are_dropped_and_why(sessions, early_plan):
    async with sessions() as session:
        result = await load_reorg(session, read_reorg(DEFAULT_REORG), actor="test", dry_run=True)
    dropped = {c.key: c.fields["reason"][1] for c in result.changes if "reason" in c.fields}
    assert dropped == {"IV.2.a: STTTT → SKHCN": "coordinator", "IV.2.b: STTTT → SKHCN": "coordinator",
                       "III.2: STTTT → SKHCN": "lead", "IV.1.a: STTTT → SKHCN": "lead",
                       "IV.1.b: STTTT → SKHCN": "lead", "IV.3: SKHDT → STC": "became_lead"}
    moved = {c.key: c.fields["owner"] for c in result.changes if c.action == "move"}
    assert moved["II.4 (support)"] == ("STTTT", "SVHTTDL") and moved["IV.5.a (lead)"] == ("STTTT", "SVHTTDL")
    assert not any(owner == ("STTTT", "SKHCN") for owner in moved.values())
