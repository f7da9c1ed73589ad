from __future__ import annotations

import pytest

from tests.bot.prepared import prepare_database


@pytest.fixture
def loaded(db_url: str) -> dict[str, str]:
    """The environment of a database prepared as `nhacviec run` leaves it (for the operator's commands)."""
    env = {"NHACVIEC_DATABASE_URL": db_url}
    prepare_database(env)
    return env
