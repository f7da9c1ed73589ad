"""`nhacviec deadline extend` and `nhacviec exempt`, with `--undo`, as the IT officer runs them."""

import asyncio
from datetime import date

from sqlmodel import select

from models.store import db
from models.store.tables import AuditLog
from tests.bot.prepared import nhacviec

YEAR = date.today().year  # the plan is followed from the day it is loaded: today's yearly round is open




def schedule(env: dict[str, str]) -> str:
    return nhacviec("schedule", "--from", f"{YEAR}-12-01", "--to", f"{YEAR + 1}-02-28", "--unit", "SCT", env=env).output


def audited(db_url: str) -> list[str]:
    async def read() -> list[str]:
        engine = db.make_engine(db_url)
        try:
            async with db.session_factory(engine)() as session:
                return list((await session.exec(select(AuditLog.action).where(AuditLog.actor == "cli")
                                                .order_by(AuditLog.id))).all())
        finally:
            await engine.dispose()
    return asyncio.run(read())


def test_extend_shows_in_the_schedule_and_undo_restores_it(loaded):
    new_due = f"29/01/{YEAR + 1}"
    result = nhacviec("deadline", "extend", "SCT", "IV.2.a", new_due, "--reason", "chờ số liệu",
                      "--period", f"năm {YEAR}", env=loaded)
    assert result.exit_code == 0, result.output
    assert f"Đã gia hạn SCT · IV.2.a · năm {YEAR} đến {new_due} (hạn gốc 16/12/{YEAR})." in result.output
    out = schedule(loaded)
    assert f"IV.2.a (gia hạn đến {new_due} (hạn gốc 16/12/{YEAR}): chờ số liệu)" in out
    assert f"29/01/{YEAR + 1} — Báo cáo hằng năm, năm {YEAR}" in out
    undo = nhacviec("deadline", "extend", "SCT", "IV.2.a", "--undo", env=loaded)
    assert undo.exit_code == 0 and "Đã hủy 1 gia hạn của SCT · IV.2.a." in undo.output
    assert "gia hạn đến" not in schedule(loaded)
    assert audited(loaded["NHACVIEC_DATABASE_URL"]) == ["deadline.extend", "deadline.extend.revoke"]


def test_exempt_one_period_or_from_now_and_undo(loaded):
    result = nhacviec("exempt", "SCT", "IV.2.a", "--reason", "không còn nhiệm vụ", "--period", f"năm {YEAR}",
                      env=loaded)
    assert result.exit_code == 0 and f"Đã miễn nộp SCT · IV.2.a · năm {YEAR}." in result.output
    assert "IV.2.a (miễn nộp: không còn nhiệm vụ)" in schedule(loaded)
    assert nhacviec("exempt", "SCT", "IV.2.a", "--period", f"năm {YEAR}", "--undo", env=loaded).exit_code == 0
    assert "miễn nộp" not in schedule(loaded)
    result = nhacviec("exempt", "SCT", "IV.2.a", "--reason", "chuyển chức năng", "--from-now", env=loaded)
    assert result.exit_code == 0 and "không phải nộp báo cáo IV.2.a" in result.output
    assert "IV.2.a (miễn nộp: chuyển chức năng)" in schedule(loaded)
    assert "Đã hủy 1 miễn nộp" in nhacviec("exempt", "SCT", "IV.2.a", "--from-now", "--undo", env=loaded).output


def test_bad_input_is_one_line_and_changes_nothing(loaded):
    for args in (("deadline", "extend", "SCT", "IV.2.a", f"29/01/{YEAR + 1}"),  # no reason
                 ("deadline", "extend", "SCT", "IV.2.a", "--reason", "x"),  # no date
                 ("deadline", "extend", "SCT", "IV.2.a", "31/02/2027", "--reason", "x"),
                 ("exempt", "XYZ", "IV.2.a", "--reason", "x"),
                 ("exempt", "SCT", "IV.2.a", "--reason", "x", "--period", "quý"),
                 ("exempt", "SCT", "IV.2.a", "--reason", "x", "--period", f"năm {YEAR}", "--from-now"),
                 ("exempt", "SCT", "IV.2.a", "--undo")):
        result = nhacviec(*args, env=loaded)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output
    assert "gia hạn" not in schedule(loaded) and "miễn nộp" not in schedule(loaded)
