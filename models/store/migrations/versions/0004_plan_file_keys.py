"""plan file keys: short names, the report's issuer and recipients, review, deadlines on days off,
retired plans, event schedules, skipped years, short titles and what the decision does not state

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('short', sa.String(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('issuer', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('report_to', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('review', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('deadline_on_day_off', sa.String(), nullable=False, server_default='next'))
        batch_op.add_column(sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('schedule', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(), nullable=False, server_default='report'))
        batch_op.add_column(sa.Column('skip_years', sa.JSON(), nullable=False, server_default='[]'))
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('short_title', sa.String(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('inferred', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('basis', sa.String(), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_column('basis')
        batch_op.drop_column('inferred')
        batch_op.drop_column('short_title')
    with op.batch_alter_table('schedule', schema=None) as batch_op:
        batch_op.drop_column('skip_years')
        batch_op.drop_column('kind')
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_column('retired_at')
        batch_op.drop_column('deadline_on_day_off')
        batch_op.drop_column('review')
        batch_op.drop_column('report_to')
        batch_op.drop_column('issuer')
        batch_op.drop_column('short')
