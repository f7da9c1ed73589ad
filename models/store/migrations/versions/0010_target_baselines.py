"""target baselines: earlier years' figures of a target, entered by hand with their source; a schedule
marked inferred (how often, on which occasion: not the decision's)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('targetbaseline',
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('value', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('source_note', sa.String(), nullable=False),
    sa.Column('entered_by', sa.String(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_targetbaseline_member_id_member')),
    sa.ForeignKeyConstraint(['target_id'], ['target.id'], name=op.f('fk_targetbaseline_target_id_target')),
    sa.PrimaryKeyConstraint('target_id', 'year', name=op.f('pk_targetbaseline'))
    )
    with op.batch_alter_table('schedule', schema=None) as batch_op:
        batch_op.add_column(sa.Column('inferred', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('schedule', schema=None) as batch_op:
        batch_op.drop_column('inferred')
    op.drop_table('targetbaseline')
