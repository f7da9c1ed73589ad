"""Who owes which report when is cached per process (models/obligation_cache.py): the cached answer is the
database's, and a change made anywhere (a plan load, an extension or exemption, in this process or another)
is seen by the very next message."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event
from sqlmodel import select

from handlers.core import HandlerConfig
from models.obligation_cache import ObligationCache
from models.status import Item, Snapshot, snapshot
from models.store import revisions
from models.store.tables import Plan, Unit
from tests.conftest import dispatcher
from tests.handlers.conftest import VN
from tests.handlers.dialog import Person


def _shape(state: Snapshot) -> dict[str, list[tuple]]:
    def row(i: Item) -> tuple:
        o = i.obligation
        return (o.assignment_id, o.period_id, o.unit_id, o.due, o.original_due, o.exemption, o.unit_name,
                i.report.id if i.report else None, tuple(sorted(i.values.items())))
    return {"current": [row(i) for i in state.current], "recent": [row(i) for i in state.recent],
            "overdue": [row(i) for i in state.overdue]}


async def test_the_cached_snapshot_is_the_databases(sessions, coordinator, focal, clock):
    # A report, a returned one, an extension and exemptions: each changes what a unit owes.
    assert "Đã ghi nhận" in await focal.say("/bc IV.2.a 80% dn=5 Đã hỗ trợ 5 doanh nghiệp")
    assert "Đã trả lại" in await coordinator.say("/tralai SCT IV.2.a thiếu danh sách doanh nghiệp")
    assert "Đã gia hạn" in await coordinator.say("/giahan SYT IV.2.a 31/12/2025 chờ số liệu")
    assert "Đã miễn nộp" in await coordinator.say("/miennop SGDDT IV.2.a năm 2025 đã gộp vào báo cáo khác")
    assert "không phải nộp" in await coordinator.say("/miennop SXD IV.2.a từ nay không còn phụ trách")
    cache = ObligationCache()
    statements: list[str] = []
    engine = sessions.kw["bind"].sync_engine
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    async with sessions() as session:
        plans = list((await session.exec(select(Plan))).all())
        units = list((await session.exec(select(Unit))).all())
        at = cache.at(await revisions.read(session))
        today = clock().date()
        for day in (today, today + timedelta(days=20), today + timedelta(days=200)):
            for unit in units:
                for twice in range(2):  # the second answer comes from the cache
                    statements.clear()
                    cached = await snapshot(session, plans, day, unit_ids=[unit.id], cached=at)
                    if twice:  # the obligations were not asked of the database again: their reports only
                        assert not [s for s in statements if "FROM period" in s], statements
                    assert _shape(cached) == _shape(await snapshot(session, plans, day, unit_ids=[unit.id])), (
                        unit.code, day)
            everyone = await snapshot(session, plans, day, cached=at)
            assert _shape(everyone) == _shape(await snapshot(session, plans, day))
            assert everyone.overdue or everyone.current  # the comparison compared something


async def test_an_extension_made_by_another_bot_process_is_seen_by_the_next_message(sessions, clock, focal,
                                                                                      coordinator):
    assert "📝 SCT · IV.2.a · hạn Thứ Ba, 16/12/2025" in await focal.say("/baocao")  # the unit's items, cached
    await focal.say("/huy")
    # A second bot on the same database (PostgreSQL runs several): its own caches, its own coordinator's message.
    other = Person(await dispatcher(sessions, HandlerConfig(tz=VN), clock), clock, user_id=coordinator.user_id)
    assert "Đã gia hạn" in await other.say("/giahan SCT IV.2.a 31/12/2025 chờ số liệu")
    assert "📝 SCT · IV.2.a · hạn Thứ Tư, 31/12/2025" in await focal.say("/baocao")
