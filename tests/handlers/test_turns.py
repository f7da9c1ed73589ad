"""Messages take turns for the database (handlers/turns.py): as many at once as the pool holds, and a message
that gives its turn back early (before a long wait, `Context.release`) lets the next one in."""

from __future__ import annotations

import asyncio

from handlers.turns import Turns
from models.store.db import pool_width


async def _two_messages(turns: Turns, *, give_back: bool) -> list[str]:
    order: list[str] = []

    async def first() -> None:
        async with turns.take() as turn:
            order.append("first starts")
            if give_back:
                turn.give_back()
                turn.give_back()  # twice is once
            await asyncio.sleep(0.05)
            order.append("first ends")

    async def second() -> None:
        await asyncio.sleep(0.01)
        async with turns.take():
            order.append("second starts")

    await asyncio.gather(first(), second())
    return order


async def test_one_message_at_a_time_on_one_connection():
    assert await _two_messages(Turns(1), give_back=False) == ["first starts", "first ends", "second starts"]


async def test_a_turn_given_back_lets_the_next_message_in():
    assert await _two_messages(Turns(1), give_back=True) == ["first starts", "second starts", "first ends"]


async def test_as_many_turns_as_the_pool_holds(sessions, db_url):
    assert pool_width(sessions) == (1 if db_url.startswith("sqlite") else 5)  # SQLite: one connection per process
    assert await _two_messages(Turns(2), give_back=False) == ["first starts", "second starts", "first ends"]
