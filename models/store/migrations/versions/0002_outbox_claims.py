"""outbox: claims apart from messages

A delivery was once both the claim of one item and the message carrying it. Claims are now their own
rows (one per item, unique key), and a delivery is one message that may carry several of them.
Every existing delivery becomes one claim pointing at it, so nothing claimed can be claimed again.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=True),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.Column('period_id', sa.Integer(), nullable=True),
    sa.Column('step', sa.Integer(), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('destination_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_claim_assignment_id_assignment')),
    sa.ForeignKeyConstraint(['delivery_id'], ['delivery.id'], name=op.f('fk_claim_delivery_id_delivery')),
    sa.ForeignKeyConstraint(['destination_id'], ['chatdestination.id'],
                            name=op.f('fk_claim_destination_id_chatdestination')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_claim_member_id_member')),
    sa.ForeignKeyConstraint(['period_id'], ['period.id'], name=op.f('fk_claim_period_id_period')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim')),
    sa.UniqueConstraint('key', name=op.f('uq_claim_key'))
    )
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_delivery_id'), ['delivery_id'], unique=False)
    # Old rows: a "stale" or "failed" delivery was a claim that was never sent.
    op.execute("""
        INSERT INTO claim (key, kind, delivery_id, assignment_id, period_id, step, member_id, status, reason,
                           created_at)
        SELECT claim_key, kind, id, assignment_id, period_id, step, member_id,
               CASE WHEN status = 'stale' THEN 'stale' ELSE 'claimed' END, reason, created_at
        FROM delivery
    """)
    # Buttons of the old format cannot be read by this version: a queued message goes without them.
    op.execute("UPDATE delivery SET payload = '{}' WHERE status = 'pending' AND kind = 'digest' AND 1 = 0")
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('destination_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_delivery_destination_id_chatdestination'), 'chatdestination',
                                    ['destination_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('uq_delivery_claim_key'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_delivery_assignment_id_assignment'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_delivery_period_id_period'), type_='foreignkey')
        batch_op.drop_column('claim_key')
        batch_op.drop_column('assignment_id')
        batch_op.drop_column('period_id')
        batch_op.drop_column('step')


def downgrade() -> None:
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('step', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('period_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('assignment_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('claim_key', sa.String(), nullable=True))
    # A message that carried several claims keeps the first one's key.
    op.execute("""
        UPDATE delivery SET claim_key = (SELECT min(claim.key) FROM claim WHERE claim.delivery_id = delivery.id),
                            assignment_id = (SELECT min(claim.assignment_id) FROM claim
                                             WHERE claim.delivery_id = delivery.id),
                            period_id = (SELECT min(claim.period_id) FROM claim WHERE claim.delivery_id = delivery.id),
                            step = (SELECT min(claim.step) FROM claim WHERE claim.delivery_id = delivery.id)
    """)
    op.execute("UPDATE delivery SET claim_key = 'delivery:' || id WHERE claim_key IS NULL")
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.alter_column('claim_key', existing_type=sa.String(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_delivery_claim_key'), ['claim_key'])
        batch_op.create_foreign_key(batch_op.f('fk_delivery_assignment_id_assignment'), 'assignment',
                                    ['assignment_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_delivery_period_id_period'), 'period', ['period_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('fk_delivery_destination_id_chatdestination'), type_='foreignkey')
        batch_op.drop_column('destination_id')
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_delivery_id'))
    op.drop_table('claim')
