"""units belong to the province: plans list them

A unit was a row per plan. Now it is one row per code for the province, and `planunit` records which
plan files list it; reorganisation events are the province's too; an alias remembers the plan file that
listed it. A database made by the previous release holds one plan, so its units keep their ids, codes,
focal points and history unchanged.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('planunit',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_planunit_plan_id_plan')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_planunit_unit_id_unit')),
    sa.PrimaryKeyConstraint('plan_id', 'unit_id', name=op.f('pk_planunit'))
    )
    with op.batch_alter_table('planunit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_planunit_unit_id'), ['unit_id'], unique=False)
    # Units a plan file listed (not those a reorganisation file created): the plan lists them.
    op.execute("INSERT INTO planunit (plan_id, unit_id) SELECT plan_id, id FROM unit WHERE origin = 'plan'")

    with op.batch_alter_table('unitalias', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_unitalias_plan_id_plan'), 'plan', ['plan_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('uq_unitalias_unit_id_norm'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_unitalias_unit_id_plan_id_norm'),
                                          ['unit_id', 'plan_id', 'norm'])
    op.execute("UPDATE unitalias SET plan_id = (SELECT unit.plan_id FROM unit WHERE unit.id = unitalias.unit_id "
               "AND unit.origin = 'plan')")

    with op.batch_alter_table('unitevent', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_unitevent_plan_id_unit_id_day'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_unitevent_plan_id'))
        batch_op.drop_constraint(batch_op.f('fk_unitevent_plan_id_plan'), type_='foreignkey')
        batch_op.drop_column('plan_id')
        batch_op.create_unique_constraint(batch_op.f('uq_unitevent_unit_id_day'), ['unit_id', 'day'])

    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_unit_plan_id_code'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_unit_plan_id'))
        batch_op.drop_constraint(batch_op.f('fk_unit_plan_id_plan'), type_='foreignkey')
        batch_op.drop_column('plan_id')
        batch_op.create_unique_constraint(batch_op.f('uq_unit_code'), ['code'])


def downgrade() -> None:
    # Back to a unit per plan: possible while one plan is loaded (each unit goes to the plan listing it,
    # or to the first plan).
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_unit_code'), type_='unique')
        batch_op.add_column(sa.Column('plan_id', sa.Integer(), nullable=True))
    op.execute("UPDATE unit SET plan_id = COALESCE((SELECT min(plan_id) FROM planunit WHERE unit_id = unit.id), "
               "(SELECT min(id) FROM plan))")
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.alter_column('plan_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_unit_plan_id_plan'), 'plan', ['plan_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_unit_plan_id'), ['plan_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_unit_plan_id_code'), ['plan_id', 'code'])

    with op.batch_alter_table('unitevent', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_unitevent_unit_id_day'), type_='unique')
        batch_op.add_column(sa.Column('plan_id', sa.Integer(), nullable=True))
    op.execute("UPDATE unitevent SET plan_id = (SELECT plan_id FROM unit WHERE unit.id = unitevent.unit_id)")
    with op.batch_alter_table('unitevent', schema=None) as batch_op:
        batch_op.alter_column('plan_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_unitevent_plan_id_plan'), 'plan', ['plan_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_unitevent_plan_id'), ['plan_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_unitevent_plan_id_unit_id_day'), ['plan_id', 'unit_id', 'day'])

    op.execute("DELETE FROM unitalias WHERE id NOT IN (SELECT min(id) FROM unitalias GROUP BY unit_id, norm)")
    with op.batch_alter_table('unitalias', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_unitalias_unit_id_plan_id_norm'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_unitalias_unit_id_norm'), ['unit_id', 'norm'])
        batch_op.drop_constraint(batch_op.f('fk_unitalias_plan_id_plan'), type_='foreignkey')
        batch_op.drop_column('plan_id')

    with op.batch_alter_table('planunit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_planunit_unit_id'))
    op.drop_table('planunit')
