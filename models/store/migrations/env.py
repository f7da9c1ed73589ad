"""Alembic environment. Migrations always run on a connection handed in by models.store.db, which
keeps them usable from async code (the bot, the tests) without a second event loop."""

from alembic import context
from sqlmodel import SQLModel

import models.store.tables  # noqa: F401

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached by running the alembic CLI by hand
    raise SystemExit("run migrations with `nhacviec db upgrade`")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,  # SQLite can only ALTER by rebuilding the table
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
