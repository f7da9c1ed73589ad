"""review of reports: each version's review state (who, when, comment) and its withdrawal

Reports filed before this release were final when sent: they are marked accepted, so that nobody is asked
to review a backlog of old reports.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review', sa.String(), nullable=False, server_default='new'))
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reviewed_by', sa.String(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('reviewer_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('review_comment', sa.String(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_report_reviewer_id_member'), 'member', ['reviewer_id'], ['id'])
    op.execute("UPDATE report SET review = 'accepted', reviewed_by = 'system'")


def downgrade() -> None:
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_report_reviewer_id_member'), type_='foreignkey')
        batch_op.drop_column('withdrawn_at')
        batch_op.drop_column('review_comment')
        batch_op.drop_column('reviewer_id')
        batch_op.drop_column('reviewed_by')
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('review')
