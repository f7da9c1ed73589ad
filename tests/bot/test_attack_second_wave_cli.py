"""The operator's commands of issue 14, attacked: what they store is cleaned as what people type in chat is
(issue 10: C0 controls other than newline and tab never enter; a NUL is refused by PostgreSQL outright)."""

from __future__ import annotations

from functools import partial

import pytest
from sqlmodel import select

from models.store.baseline_table import TargetBaseline
from models.store.tables import ObligationException, Report
from tests.bot.prepared import nhacviec_beside

pytestmark = pytest.mark.faults
TELEGRAM = {"NHACVIEC_TELEGRAM_TOKEN": "123456:test-token"}
DIRTY = "Thiếu\x00 số\x1b liệu\x0b quý IV\x07"  # Word's manual line break is \x0b; \x1b from a pasted terminal


nhacviec = partial(nhacviec_beside, env=TELEGRAM)


async def test_cli_comments_reasons_and_sources_are_stored_clean(db_url, sessions, person, invite):
    focal = person("200", "Trần Thị Bình")
    await focal.say(f"/start {await invite('SCT')}")
    await focal.say("/bc IV.2.a 60% tập huấn")
    for args in (("review", "return", "SCT", "IV.2.a", "--comment", DIRTY),
                 ("exempt", "SYT", "IV.2.a", "--reason", DIRTY, "--from-now"),
                 ("deadline", "extend", "SGTVT", "IV.2.a", "31/12/2026", "--reason", DIRTY, "--period", "năm 2026"),
                 ("baseline", "set", "DN_HO_TRO", "2021", "5", "--source", DIRTY)):
        result = await nhacviec(*args, db_url=db_url)
        assert result.exit_code == 0, (args, result.output)
    async with sessions() as session:
        texts = [(await session.exec(select(Report.review_comment))).one(),
                 *(await session.exec(select(ObligationException.reason))).all(),
                 (await session.exec(select(TargetBaseline.source_note))).one()]
    assert texts == ["Thiếu số liệu quý IV"] * 4


async def test_an_empty_period_is_refused_not_read_as_the_latest(db_url, sessions, person, invite):
    focal = person("200", "Trần Thị Bình")
    await focal.say(f"/start {await invite('SCT')}")
    await focal.say("/bc IV.2.a 60% tập huấn")
    result = await nhacviec("review", "accept", "SCT", "IV.2.a", "--period", "", db_url=db_url)
    assert result.exit_code == 2 and "Không đọc được kỳ “”" in result.output
    async with sessions() as session:
        assert (await session.exec(select(Report.review))).one() == "new"
