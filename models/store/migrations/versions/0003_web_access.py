"""web access: one-time sign-in links and browser sessions

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('weblink',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(), nullable=False),
    sa.Column('role', sa.String(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('locale', sa.String(), nullable=False),
    sa.Column('created_by', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_weblink_member_id_member')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_weblink_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weblink')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_weblink_token_hash'))
    )
    with op.batch_alter_table('weblink', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_weblink_expires_at'), ['expires_at'], unique=False)

    op.create_table('websession',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(), nullable=False),
    sa.Column('csrf_token', sa.String(), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('locale', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['link_id'], ['weblink.id'], name=op.f('fk_websession_link_id_weblink')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_websession_member_id_member')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_websession_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_websession')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_websession_token_hash'))
    )
    with op.batch_alter_table('websession', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_websession_expires_at'), ['expires_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('websession', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_websession_expires_at'))

    op.drop_table('websession')
    with op.batch_alter_table('weblink', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_weblink_expires_at'))

    op.drop_table('weblink')
