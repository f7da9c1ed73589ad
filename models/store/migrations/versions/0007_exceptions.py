"""exceptions: a deadline extended, or a report exempted, for one unit and task

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('obligationexception',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=True),
    sa.Column('from_day', sa.Date(), nullable=True),
    sa.Column('new_due', sa.Date(), nullable=True),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('created_by', sa.String(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_obligationexception_member_id_member')),
    sa.ForeignKeyConstraint(['period_id'], ['period.id'], name=op.f('fk_obligationexception_period_id_period')),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_obligationexception_task_id_task')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_obligationexception_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_obligationexception'))
    )
    with op.batch_alter_table('obligationexception', schema=None) as batch_op:
        batch_op.create_index('ix_obligationexception_unit_task', ['unit_id', 'task_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('obligationexception', schema=None) as batch_op:
        batch_op.drop_index('ix_obligationexception_unit_task')
    op.drop_table('obligationexception')
