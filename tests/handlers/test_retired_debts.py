"""The 2024 reports the district committees never sent cannot be sent after the districts ended on 30/06/2025:
their end closes them, with the reason, through the exemption model (issue 15 §13). Shipped plan and
reorganisation file, plan plan since November 2024."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from handlers.core import HandlerConfig
from handlers.dispatcher import Dispatcher
from jobs.tick import TickConfig, due_now
from models.annual import State, entries
from models.planfiles.load_reorg import load_reorg
from models.planfiles.reorg_file import read_reorg
from models.status import snapshot
from models.store.tables import Plan, Unit
from plans import DEFAULT_REORG
from tests.conftest import dispatcher
from tests.handlers.conftest import followed_since

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DISTRICTS = {"UBND-TPVL", "UBND-TXBM", "UBND-LH", "UBND-MT", "UBND-VLI", "UBND-TB", "UBND-TO", "UBND-BT"}


@pytest.fixture
async def plan(sessions, shipped_plan) -> Plan:
    """Followed since November 2024 (the 2024 round is owed); each test loads its reorganisation file."""
    return await followed_since(sessions, shipped_plan, date(2024, 11, 1))


@pytest.fixture
async def bot(sessions, plan, clock) -> Dispatcher:
    return await dispatcher(sessions, HandlerConfig(admins=("telegram:900",), tz=VN), clock)


async def district_overdue(sessions, plan, day: date) -> list:
    async with sessions() as session:
        state = await snapshot(session, [plan], day, values=False)
    return [i.obligation for i in state.overdue if i.obligation.unit_code in DISTRICTS]


async def test_the_districts_2024_debts_are_closed_by_their_end(sessions, plan, person, invite, clock):
    async with sessions() as session:
        await load_reorg(session, read_reorg(DEFAULT_REORG), actor="test")
    before = await district_overdue(sessions, plan, date(2025, 6, 30))
    assert before and {o.window_end.year for o in before} >= {2024}  # owed while the districts exist
    assert await district_overdue(sessions, plan, date(2025, 7, 1)) == []
    assert await district_overdue(sessions, plan, date(2026, 12, 1)) == []  # … and never come back
    # The reminder tick no longer escalates them.
    async with sessions() as session:
        due = await due_now(session, TickConfig(tz=VN, channels=frozenset({"telegram"})),
                            datetime(2025, 7, 2, 8, 0, tzinfo=VN))
    assert not [a for a in due.actions if a.item and a.item.unit in DISTRICTS]
    # Visible with the reason: the year's entries (workbook) and the unit's status.
    async with sessions() as session:
        year = await entries(session, plan, 2024, date(2025, 7, 2))
    closed = [e for e in year if e.obligation.unit_code == "UBND-LH" and e.report is None]
    assert closed and {e.state for e in closed} == {State.exempt}
    assert {e.obligation.exemption for e in closed} == {"đơn vị đã giải thể từ 01/07/2025"}
    clock.now = datetime(2025, 7, 2, 9, 0, tzinfo=VN)
    leader = person("400", "Phạm Thị Dung")
    await leader.say(f"/start {await invite(None, 'leader')}")
    status = await leader.say("/tinhhinh Long Hồ")
    assert "Không còn phải nộp:" in status and "đơn vị đã giải thể từ 01/07/2025" in status
    assert "IV.8.a · năm 2024" in status
    overdue = await leader.say("/quahan")
    assert "UBND huyện" not in overdue


@pytest.fixture
def reorg_saying(tmp_path):
    """The shipped reorganisation file with `debts:` added to some of its events."""
    def make(debts_after: dict[str, str]):
        """`debts_after`: the lines of an event ("merge: [SKHDT] | into: STC") → its `debts`."""
        text = DEFAULT_REORG.read_text(encoding="utf-8")
        for anchor, debts in debts_after.items():
            anchor = anchor.replace(" | ", "\n    ") + "\n"
            assert anchor in text
            text = text.replace(anchor, f"{anchor}    debts: {debts}\n")
        path = tmp_path / "reorg.yaml"
        path.write_text(text, encoding="utf-8")
        return read_reorg(path)
    return make


async def test_a_merger_closes_the_debts_when_the_file_says_so(sessions, plan, reorg_saying):
    async with sessions() as session:
        await load_reorg(session, reorg_saying({"merge: [SKHDT] | into: STC": "close"}), actor="test")
    async with sessions() as session:
        skhdt = (await session.exec(select(Unit).where(Unit.code == "SKHDT"))).one()
        owed = (await snapshot(session, [plan], date(2025, 2, 28), values=False)).overdue
        assert [i for i in owed if i.obligation.unit_id == skhdt.id]  # the 2024 yearly report, before the merger
        after = (await snapshot(session, [plan], date(2025, 3, 2), values=False)).overdue
        assert not [i for i in after if i.obligation.unit_id == skhdt.id]
        year = await entries(session, plan, 2024, date(2025, 3, 2))
    reasons = {e.obligation.exemption for e in year if e.obligation.unit_id == skhdt.id and e.report is None}
    assert reasons == {"đơn vị đã hợp nhất từ 01/03/2025"}


async def test_debts_pass_to_the_successor_when_the_file_says_so(sessions, plan, reorg_saying, person, invite,
                                                                  clock):
    async with sessions() as session:
        await load_reorg(session, reorg_saying({"retire: UBND-LH | tasks_to: UBND-CAPXA": "successor"}), actor="test")
    async with sessions() as session:
        overdue = (await snapshot(session, [plan], date(2025, 7, 2), values=False)).overdue
    moved = sorted((i.obligation.unit_code, i.obligation.task_code, i.obligation.period_key) for i in overdue
                   if i.obligation.unit_code in {*DISTRICTS, "UBND-CAPXA"})
    # Long Hồ's 2024 reports are now the communes' to send; the other districts' are closed.
    assert moved and {unit for unit, _task, period in moved if period == "2024"} == {"UBND-CAPXA"}
    assert len([m for m in moved if m[2] == "2024"]) == 2  # IV.8.a, IV.8.b of Long Hồ only
    # The successor's focal point is reminded of them and reports them.
    async with sessions() as session:
        due = await due_now(session, TickConfig(tz=VN, channels=frozenset({"telegram"})),
                            datetime(2025, 7, 2, 8, 0, tzinfo=VN))
    assert not [a for a in due.actions if a.item and a.item.unit in DISTRICTS]
    clock.now = datetime(2025, 7, 2, 9, 0, tzinfo=VN)
    communes = person("600", "Đỗ Văn Em")
    await communes.say(f"/start {await invite('UBND-CAPXA')}")
    assert "IV.8.a · năm 2024" in await communes.say("/tinhhinh")
    await communes.say("/bc IV.8.a xong")
    answer = await communes.press("IV.8.a · năm 2024")
    assert "Đã ghi nhận báo cáo" in answer, answer
    async with sessions() as session:
        overdue = (await snapshot(session, [plan], date(2025, 7, 2), values=False)).overdue
    assert [(i.obligation.task_code, i.obligation.period_key) for i in overdue
            if i.obligation.unit_code == "UBND-CAPXA" and i.obligation.period_key == "2024"] == [("IV.8.b", "2024")]
