"""Prepared statements (models/store/prepared.py) answer what SQLAlchemy's own execution answers, inside the
session's transaction, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col
from sqlmodel import select as orm_select

from models.obligations import FAR_FUTURE, obligations
from models.reports import ReportInput, submit_report
from models.status import with_reports
from models.store.prepared import Prepared
from models.store.tables import Indicator, KeyValue, Report, ReportValue

KV: Table = KeyValue.__table__  # type: ignore[attr-defined]
REPORT: Table = Report.__table__  # type: ignore[attr-defined]

AT = datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)
_PUT = Prepared(insert(KV).values(key=bindparam("k"), value=bindparam("v"), updated_at=bindparam("at")))
_GET = Prepared(select(KV.c.key, KV.c.value, KV.c.updated_at).where(KV.c.key.in_(bindparam("keys", expanding=True)))
                .order_by(KV.c.key))


async def test_rows_match_sqlalchemys_own_reading(session, plan):
    await _PUT.run(session, {"k": "a", "v": "1", "at": AT})
    await _PUT.run(session, {"k": "b", "v": "2", "at": AT})
    rows = await _GET.rows(session, {"keys": ["a", "b"]})
    expected = [tuple(row) for row in (await session.exec(select(KV.c.key, KV.c.value, KV.c.updated_at).where(
        KV.c.key.in_(["a", "b"])).order_by(KV.c.key))).all()]
    assert rows == expected == [("a", "1", AT), ("b", "2", AT)]  # an aware UTC datetime back, as the column gives
    # IN lists of other lengths are other statements, each answered right
    assert await _GET.rows(session, {"keys": ["b"]}) == [("b", "2", AT)]
    assert await _GET.rows(session, {"keys": ["a", "b", "zz"]}) == expected


async def test_a_statement_runs_in_the_sessions_transaction(sessions, plan):
    async with sessions() as session:
        await _PUT.run(session, {"k": "gone", "v": "1", "at": AT})
        assert await _GET.rows(session, {"keys": ["gone"]}) == [("gone", "1", AT)]
        await session.rollback()
    async with sessions() as session:
        assert await _GET.rows(session, {"keys": ["gone"]}) == []
        await _PUT.run(session, {"k": "kept", "v": "1", "at": AT})
        await session.commit()
    async with sessions() as session:
        assert (await session.get(KeyValue, "kept")) is not None


async def test_a_lost_unique_key_is_sqlalchemys_integrity_error(sessions, plan):
    async with sessions() as session:
        await _PUT.run(session, {"k": "twice", "v": "1", "at": AT})
        with pytest.raises(IntegrityError):
            await _PUT.run(session, {"k": "twice", "v": "2", "at": AT})
        await session.rollback()
    async with sessions() as session:  # the connection is usable afterwards
        await _PUT.run(session, {"k": "twice", "v": "3", "at": AT})
        await session.commit()
        assert await _GET.rows(session, {"keys": ["twice"]}) == [("twice", "3", AT)]


async def test_what_the_session_holds_is_flushed_first(session, plan):
    session.add(KeyValue(key="pending", value="9", updated_at=AT))  # not flushed yet
    assert await _GET.rows(session, {"keys": ["pending"]}) == [("pending", "9", AT)]


async def test_filing_through_prepared_statements(session, plan):
    """Versions counted in SQL, the earlier one no longer latest, booleans, datetimes and decimals stored and
    read back as SQLAlchemy stores and reads them; the reports read for a unit are the same values."""
    found = await obligations(session, [plan.id], due_from=date(2026, 1, 1), due_to=FAR_FUTURE, as_of=date(2026, 3, 4))
    target = next(o for o in found if o.every == "year")
    indicator = (await session.exec(orm_select(Indicator))).first()
    assert indicator is not None

    async def file(status: str, percent: int, values: dict[int, Decimal]) -> int:
        filed = await submit_report(session, assignment_id=target.assignment_id, period_id=target.period_id,
                                    due=target.due, tz=UTC, member_id=None, channel="cli", at=AT,
                                    data=ReportInput(status=status, percent=percent, values=values))
        return filed.version

    assert [await file("in_progress", 40, {}), await file("done", 100, {indicator.id: Decimal("12.5")})] == [1, 2]
    reports = (await session.exec(orm_select(Report).where(Report.assignment_id == target.assignment_id,
                                                           Report.period_id == target.period_id)
                                  .order_by(col(Report.version)))).all()
    assert [(r.version, r.is_latest, r.status, r.percent, r.submitted_at) for r in reports] == [
        (1, False, "in_progress", 40, AT), (2, True, "done", 100, AT)]
    stored = (await session.exec(orm_select(ReportValue).where(ReportValue.report_id == reports[1].id))).one()
    assert (stored.indicator_id, stored.value) == (indicator.id, Decimal("12.5"))
    item = (await with_reports(session, [target]))[0]
    assert item.report is not None
    assert item.report.model_dump() == reports[1].model_dump()
