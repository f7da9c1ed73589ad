"""unit names are effective-dated: the names a unit had before a rename

A rename applied by an earlier release overwrote the unit's name; its old name and the day are in the
rename event (`unitevent.detail`), from which the history is filled in.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""
from datetime import date, timedelta

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('former_names', sa.JSON(), nullable=False, server_default='[]'))
    bind = op.get_bind()
    unit = sa.table('unit', sa.column('id', sa.Integer()), sa.column('kind', sa.String()),
                    sa.column('former_names', sa.JSON()))
    event = sa.table('unitevent', sa.column('unit_id', sa.Integer()), sa.column('day', sa.Date()),
                     sa.column('kind', sa.String()), sa.column('detail', sa.JSON()))
    found: dict[int, list[dict[str, str]]] = {}
    kinds = dict(bind.execute(sa.select(unit.c.id, unit.c.kind)).all())
    for unit_id, day, detail in bind.execute(sa.select(event.c.unit_id, event.c.day, event.c.detail)
                                             .where(event.c.kind == 'rename').order_by(event.c.day)).all():
        if isinstance(day, str):
            day = date.fromisoformat(day)
        old = (detail or {}).get('old')
        if old:
            found.setdefault(unit_id, []).append({'name': old, 'kind': kinds.get(unit_id, 'khac'),
                                                  'until': (day - timedelta(days=1)).isoformat()})
    for unit_id, names in found.items():
        bind.execute(unit.update().where(unit.c.id == unit_id).values(former_names=names))


def downgrade() -> None:
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_column('former_names')
