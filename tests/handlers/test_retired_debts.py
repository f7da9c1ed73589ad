"""The 2024 reports the district committees never sent cannot be sent after the districts ended on 30/06/2025:
their end closes them, with the reason, through the exemption model (issue 15 §13). Shipped plan and
reorganisation file, plan followed since November 2024."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from handlers.core import HandlerConfig
from handlers.dispatcher import Dispatcher
from jobs.tick import TickConfig, due_now
from models.annual import State, entries
from models.planfiles.load_plan import load_plan
from models.planfiles.load_reorg import load_reorg
from models.planfiles.reorg_file import read_reorg
from models.status import snapshot
from models.store.tables import Plan, Unit
from plans import DEFAULT_REORG
from tests.conftest import dispatcher

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DISTRICTS = {"UBND-TPVL", "UBND-TXBM", "UBND-LH", "UBND-MT", "UBND-VLI", "UBND-TB", "UBND-TO", "UBND-BT"}


@pytest.fixture
async def plan(sessions, shipped_plan) -> Plan:
    """Followed since November 2024 (the 2024 round is owed), the 2025 reorganisation loaded."""
    async with sessions() as session:
        await load_plan(session, shipped_plan, actor="test", today=date(2024, 11, 1))
    async with sessions() as session:
        await load_reorg(session, read_reorg(DEFAULT_REORG), actor="test")
    async with sessions() as session:
        return (await session.exec(select(Plan))).one()


@pytest.fixture
async def bot(sessions, plan, clock) -> Dispatcher:
    return await dispatcher(sessions, HandlerConfig(admins=("telegram:900",), tz=VN, plan_recheck_seconds=0), clock)


async def district_overdue(sessions, plan, day: date) -> list:
    async with sessions() as session:
        state = await snapshot(session, [plan], day, values=False)
    return [i.obligation for i in state.overdue if i.obligation.unit_code in DISTRICTS]


async def test_the_districts_2024_debts_are_closed_by_their_end(sessions, plan, person, invite, clock):
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


async def test_a_merged_units_debts_are_closed_with_the_merger_date(sessions, plan):
    async with sessions() as session:
        state = await snapshot(session, [plan], date(2025, 2, 28), values=False)
        skhdt = (await session.exec(select(Unit).where(Unit.code == "SKHDT"))).one()
    owed = [i.obligation for i in state.overdue if i.obligation.unit_id == skhdt.id]
    assert owed  # the 2024 yearly report of Sở KH&ĐT, before the merger
    async with sessions() as session:
        year = await entries(session, plan, 2024, date(2025, 3, 2))
    reasons = {e.obligation.exemption for e in year if e.obligation.unit_id == skhdt.id and e.report is None}
    assert reasons == {"đơn vị đã hợp nhất từ 01/03/2025"}
