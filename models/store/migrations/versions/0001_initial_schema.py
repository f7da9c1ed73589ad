"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('conversation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(), nullable=False),
    sa.Column('chat_id', sa.String(), nullable=False),
    sa.Column('user_id', sa.String(), nullable=False),
    sa.Column('flow', sa.String(), nullable=False),
    sa.Column('step', sa.String(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation')),
    sa.UniqueConstraint('channel', 'chat_id', 'user_id', name=op.f('uq_conversation_channel_chat_id_user_id'))
    )
    op.create_table('inboundseen',
    sa.Column('channel', sa.String(), nullable=False),
    sa.Column('message_id', sa.String(), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('channel', 'message_id', name=op.f('pk_inboundseen'))
    )
    with op.batch_alter_table('inboundseen', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inboundseen_seen_at'), ['seen_at'], unique=False)

    op.create_table('keyvalue',
    sa.Column('key', sa.String(), nullable=False),
    sa.Column('value', sa.String(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_keyvalue'))
    )
    op.create_table('member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(), nullable=False),
    sa.Column('locale', sa.String(), nullable=True),
    sa.Column('preferred_channel', sa.String(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member'))
    )
    op.create_table('plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(), nullable=False),
    sa.Column('title', sa.String(), nullable=False),
    sa.Column('decision', sa.String(), nullable=False),
    sa.Column('issued', sa.Date(), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('track_from', sa.Date(), nullable=False),
    sa.Column('timezone', sa.String(), nullable=False),
    sa.Column('coordinator_code', sa.String(), nullable=False),
    sa.Column('reminders_before', sa.JSON(), nullable=False),
    sa.Column('escalate_after', sa.JSON(), nullable=False),
    sa.Column('source_path', sa.String(), nullable=False),
    sa.Column('content_sha256', sa.String(), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan')),
    sa.UniqueConstraint('code', name=op.f('uq_plan_code'))
    )
    op.create_table('auditlog',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(), nullable=False),
    sa.Column('entity', sa.String(), nullable=False),
    sa.Column('entity_id', sa.String(), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_auditlog_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_auditlog'))
    )
    with op.batch_alter_table('auditlog', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auditlog_at'), ['at'], unique=False)

    op.create_table('calendaroverride',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('working', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_calendaroverride_plan_id_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendaroverride')),
    sa.UniqueConstraint('plan_id', 'day', name=op.f('uq_calendaroverride_plan_id_day'))
    )
    with op.batch_alter_table('calendaroverride', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendaroverride_plan_id'), ['plan_id'], unique=False)

    op.create_table('channelaccount',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(), nullable=False),
    sa.Column('external_id', sa.String(), nullable=False),
    sa.Column('chat_id', sa.String(), nullable=False),
    sa.Column('display_name', sa.String(), nullable=False),
    sa.Column('username', sa.String(), nullable=False),
    sa.Column('reachable', sa.Boolean(), nullable=False),
    sa.Column('unreachable_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_channelaccount_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channelaccount')),
    sa.UniqueConstraint('channel', 'external_id', name=op.f('uq_channelaccount_channel_external_id'))
    )
    with op.batch_alter_table('channelaccount', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channelaccount_member_id'), ['member_id'], unique=False)

    op.create_table('chatdestination',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(), nullable=False),
    sa.Column('chat_id', sa.String(), nullable=False),
    sa.Column('title', sa.String(), nullable=False),
    sa.Column('added_by_member_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['added_by_member_id'], ['member.id'], name=op.f('fk_chatdestination_added_by_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chatdestination')),
    sa.UniqueConstraint('channel', 'chat_id', name=op.f('uq_chatdestination_channel_chat_id'))
    )
    op.create_table('schedule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('every', sa.String(), nullable=False),
    sa.Column('window', sa.String(), nullable=False),
    sa.Column('due_month_day', sa.String(), nullable=True),
    sa.Column('due_day', sa.Integer(), nullable=True),
    sa.Column('due_after_cutoff', sa.Integer(), nullable=True),
    sa.Column('once', sa.Date(), nullable=True),
    sa.Column('window_from', sa.Date(), nullable=True),
    sa.Column('reminders_before', sa.JSON(), nullable=True),
    sa.Column('escalate_after', sa.JSON(), nullable=True),
    sa.Column('source', sa.String(), nullable=False),
    sa.Column('basis', sa.String(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_schedule_plan_id_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_schedule')),
    sa.UniqueConstraint('plan_id', 'code', name=op.f('uq_schedule_plan_id_code'))
    )
    with op.batch_alter_table('schedule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_schedule_plan_id'), ['plan_id'], unique=False)

    op.create_table('target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('measure', sa.String(), nullable=False),
    sa.Column('aggregate', sa.String(), nullable=False),
    sa.Column('source', sa.String(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_target_plan_id_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target')),
    sa.UniqueConstraint('plan_id', 'code', name=op.f('uq_target_plan_id_code'))
    )
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_target_plan_id'), ['plan_id'], unique=False)

    op.create_table('task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(), nullable=False),
    sa.Column('norm', sa.String(), nullable=False),
    sa.Column('title', sa.String(), nullable=False),
    sa.Column('section', sa.String(), nullable=False),
    sa.Column('description', sa.String(), nullable=False),
    sa.Column('report_by', sa.String(), nullable=False),
    sa.Column('source', sa.String(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_task_plan_id_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task')),
    sa.UniqueConstraint('plan_id', 'code', name=op.f('uq_task_plan_id_code'))
    )
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_norm'), ['norm'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_plan_id'), ['plan_id'], unique=False)

    op.create_table('unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('successor_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('origin', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_unit_plan_id_plan')),
    sa.ForeignKeyConstraint(['successor_id'], ['unit.id'], name=op.f('fk_unit_successor_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit')),
    sa.UniqueConstraint('plan_id', 'code', name=op.f('uq_unit_plan_id_code'))
    )
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_plan_id'), ['plan_id'], unique=False)

    op.create_table('assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('origin', sa.String(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_assignment_task_id_task')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_assignment_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment'))
    )
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index('ix_assignment_task_unit', ['task_id', 'unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_unit_id'), ['unit_id'], unique=False)

    op.create_table('indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('type', sa.String(), nullable=False),
    sa.Column('measure', sa.String(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_indicator_plan_id_plan')),
    sa.ForeignKeyConstraint(['target_id'], ['target.id'], name=op.f('fk_indicator_target_id_target')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator')),
    sa.UniqueConstraint('plan_id', 'code', name=op.f('uq_indicator_plan_id_code'))
    )
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_plan_id'), ['plan_id'], unique=False)

    op.create_table('invite',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(), nullable=False),
    sa.Column('role', sa.String(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('used_by_member_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_invite_member_id_member')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_invite_unit_id_unit')),
    sa.ForeignKeyConstraint(['used_by_member_id'], ['member.id'], name=op.f('fk_invite_used_by_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invite')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_invite_code_hash'))
    )
    op.create_table('period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('schedule_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(), nullable=False),
    sa.Column('window_start', sa.Date(), nullable=False),
    sa.Column('window_end', sa.Date(), nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['schedule_id'], ['schedule.id'], name=op.f('fk_period_schedule_id_schedule')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_period')),
    sa.UniqueConstraint('schedule_id', 'key', name=op.f('uq_period_schedule_id_key'))
    )
    with op.batch_alter_table('period', schema=None) as batch_op:
        batch_op.create_index('ix_period_due', ['due'], unique=False)
        batch_op.create_index(batch_op.f('ix_period_schedule_id'), ['schedule_id'], unique=False)

    op.create_table('rolegrant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('granted_by', sa.String(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_rolegrant_member_id_member')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_rolegrant_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rolegrant'))
    )
    with op.batch_alter_table('rolegrant', schema=None) as batch_op:
        batch_op.create_index('ix_rolegrant_member_status', ['member_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_rolegrant_unit_id'), ['unit_id'], unique=False)

    op.create_table('targetmilestone',
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('value', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('op', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['target_id'], ['target.id'], name=op.f('fk_targetmilestone_target_id_target')),
    sa.PrimaryKeyConstraint('target_id', 'year', name=op.f('pk_targetmilestone'))
    )
    op.create_table('taskschedule',
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('schedule_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['schedule_id'], ['schedule.id'], name=op.f('fk_taskschedule_schedule_id_schedule')),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_taskschedule_task_id_task')),
    sa.PrimaryKeyConstraint('task_id', 'schedule_id', name=op.f('pk_taskschedule'))
    )
    with op.batch_alter_table('taskschedule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_taskschedule_schedule_id'), ['schedule_id'], unique=False)

    op.create_table('unitalias',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('alias', sa.String(), nullable=False),
    sa.Column('norm', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_unitalias_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unitalias')),
    sa.UniqueConstraint('unit_id', 'norm', name=op.f('uq_unitalias_unit_id_norm'))
    )
    with op.batch_alter_table('unitalias', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unitalias_norm'), ['norm'], unique=False)
        batch_op.create_index(batch_op.f('ix_unitalias_unit_id'), ['unit_id'], unique=False)

    op.create_table('unitevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(), nullable=False),
    sa.Column('origin', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_unitevent_plan_id_plan')),
    sa.ForeignKeyConstraint(['target_id'], ['unit.id'], name=op.f('fk_unitevent_target_id_unit')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_unitevent_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unitevent')),
    sa.UniqueConstraint('plan_id', 'unit_id', 'day', name=op.f('uq_unitevent_plan_id_unit_id_day'))
    )
    with op.batch_alter_table('unitevent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unitevent_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unitevent_target_id'), ['target_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unitevent_unit_id'), ['unit_id'], unique=False)

    op.create_table('delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_key', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.Column('period_id', sa.Integer(), nullable=True),
    sa.Column('step', sa.Integer(), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(), nullable=False),
    sa.Column('chat_id', sa.String(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sending_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('external_message_id', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['channelaccount.id'], name=op.f('fk_delivery_account_id_channelaccount')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_delivery_assignment_id_assignment')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_delivery_member_id_member')),
    sa.ForeignKeyConstraint(['period_id'], ['period.id'], name=op.f('fk_delivery_period_id_period')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery')),
    sa.UniqueConstraint('claim_key', name=op.f('uq_delivery_claim_key'))
    )
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.create_index('ix_delivery_chat_message', ['channel', 'chat_id', 'external_message_id'], unique=False)
        batch_op.create_index('ix_delivery_status_next', ['status', 'next_attempt_at'], unique=False)

    op.create_table('report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('is_latest', sa.Boolean(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(), nullable=False),
    sa.Column('obstacles', sa.String(), nullable=False),
    sa.Column('proposals', sa.String(), nullable=False),
    sa.Column('raw_text', sa.String(), nullable=False),
    sa.Column('via', sa.String(), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_report_assignment_id_assignment')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_report_member_id_member')),
    sa.ForeignKeyConstraint(['period_id'], ['period.id'], name=op.f('fk_report_period_id_period')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report')),
    sa.UniqueConstraint('assignment_id', 'period_id', 'version', name=op.f('uq_report_assignment_id_period_id_version'))
    )
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.create_index('ix_report_period_latest', ['period_id', 'is_latest'], unique=False)

    op.create_table('taskindicator',
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_taskindicator_indicator_id_indicator')),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_taskindicator_task_id_task')),
    sa.PrimaryKeyConstraint('task_id', 'indicator_id', name=op.f('pk_taskindicator'))
    )
    op.create_table('reportvalue',
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_reportvalue_indicator_id_indicator')),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_reportvalue_report_id_report')),
    sa.PrimaryKeyConstraint('report_id', 'indicator_id', name=op.f('pk_reportvalue'))
    )
    with op.batch_alter_table('reportvalue', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reportvalue_indicator_id'), ['indicator_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('reportvalue', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reportvalue_indicator_id'))

    op.drop_table('reportvalue')
    op.drop_table('taskindicator')
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_index('ix_report_period_latest')

    op.drop_table('report')
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index('ix_delivery_status_next')
        batch_op.drop_index('ix_delivery_chat_message')

    op.drop_table('delivery')
    with op.batch_alter_table('unitevent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unitevent_unit_id'))
        batch_op.drop_index(batch_op.f('ix_unitevent_target_id'))
        batch_op.drop_index(batch_op.f('ix_unitevent_plan_id'))

    op.drop_table('unitevent')
    with op.batch_alter_table('unitalias', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unitalias_unit_id'))
        batch_op.drop_index(batch_op.f('ix_unitalias_norm'))

    op.drop_table('unitalias')
    with op.batch_alter_table('taskschedule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_taskschedule_schedule_id'))

    op.drop_table('taskschedule')
    op.drop_table('targetmilestone')
    with op.batch_alter_table('rolegrant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rolegrant_unit_id'))
        batch_op.drop_index('ix_rolegrant_member_status')

    op.drop_table('rolegrant')
    with op.batch_alter_table('period', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_period_schedule_id'))
        batch_op.drop_index('ix_period_due')

    op.drop_table('period')
    op.drop_table('invite')
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_plan_id'))

    op.drop_table('indicator')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_unit_id'))
        batch_op.drop_index('ix_assignment_task_unit')

    op.drop_table('assignment')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_plan_id'))

    op.drop_table('unit')
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_plan_id'))
        batch_op.drop_index(batch_op.f('ix_task_norm'))

    op.drop_table('task')
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_target_plan_id'))

    op.drop_table('target')
    with op.batch_alter_table('schedule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_schedule_plan_id'))

    op.drop_table('schedule')
    op.drop_table('chatdestination')
    with op.batch_alter_table('channelaccount', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channelaccount_member_id'))

    op.drop_table('channelaccount')
    with op.batch_alter_table('calendaroverride', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendaroverride_plan_id'))

    op.drop_table('calendaroverride')
    with op.batch_alter_table('auditlog', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auditlog_at'))

    op.drop_table('auditlog')
    op.drop_table('plan')
    op.drop_table('member')
    op.drop_table('keyvalue')
    with op.batch_alter_table('inboundseen', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inboundseen_seen_at'))

    op.drop_table('inboundseen')
    op.drop_table('conversation')
