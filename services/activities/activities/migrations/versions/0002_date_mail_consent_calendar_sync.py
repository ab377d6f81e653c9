"""Date-based customer mail (rules, dates, sends with their exactly-once keys), marketing
consent with its log and unsubscribe tokens (PDPA), and calendar sync state and links.

Revision ID: 0002
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendar_sync_links',
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('remote_id', sa.String(length=255), nullable=False),
    sa.Column('activity_id', sa.String(length=40), nullable=False),
    sa.Column('etag', sa.String(length=255), nullable=False),
    sa.Column('synced_version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('user_id', 'remote_id', name=op.f('pk_calendar_sync_links'))
    )
    with op.batch_alter_table('calendar_sync_links', schema=None) as batch_op:
        batch_op.create_index('ix_calendar_sync_links_activity', ['user_id', 'activity_id'], unique=True)

    op.create_table('calendar_sync_states',
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('calendar_id', sa.String(length=255), nullable=False),
    sa.Column('sync_token', sa.String(length=1000), nullable=True),
    sa.Column('channel_id', sa.String(length=255), nullable=True),
    sa.Column('channel_resource_id', sa.String(length=255), nullable=True),
    sa.Column('channel_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_calendar_sync_states'))
    )
    op.create_table('consent_log',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('recipient_kind', sa.String(length=20), nullable=False),
    sa.Column('recipient_id', sa.String(length=40), nullable=False),
    sa.Column('granted', sa.Boolean(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('actor', sa.String(length=255), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_log'))
    )
    with op.batch_alter_table('consent_log', schema=None) as batch_op:
        batch_op.create_index('ix_consent_log_recipient', ['recipient_kind', 'recipient_id', 'at'], unique=False)

    op.create_table('date_mail_rules',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('field', sa.String(length=20), nullable=False),
    sa.Column('offset_days', sa.Integer(), nullable=False),
    sa.Column('send_time', sa.String(length=5), nullable=False),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('template', sa.String(length=40), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('recurrence', sa.String(length=10), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_date_mail_rules'))
    )
    op.create_table('date_mail_sends',
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('rule_id', sa.String(length=40), nullable=False),
    sa.Column('field', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.String(length=40), nullable=False),
    sa.Column('recipient_kind', sa.String(length=20), nullable=False),
    sa.Column('recipient_id', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('mail_id', sa.String(length=40), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_date_mail_sends'))
    )
    with op.batch_alter_table('date_mail_sends', schema=None) as batch_op:
        batch_op.create_index('ix_date_mail_sends_recipient', ['recipient_kind', 'recipient_id'], unique=False)
        batch_op.create_index('ix_date_mail_sends_rule', ['rule_id', 'status'], unique=False)
        batch_op.create_index('ix_date_mail_sends_status_due_at', ['status', 'due_at'], unique=False)

    op.create_table('mail_dates',
    sa.Column('field', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.String(length=40), nullable=False),
    sa.Column('recipient_kind', sa.String(length=20), nullable=False),
    sa.Column('recipient_id', sa.String(length=40), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('month_day', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('field', 'subject_id', name=op.f('pk_mail_dates'))
    )
    with op.batch_alter_table('mail_dates', schema=None) as batch_op:
        batch_op.create_index('ix_mail_dates_field_date', ['field', 'date'], unique=False)
        batch_op.create_index('ix_mail_dates_field_month_day', ['field', 'month_day'], unique=False)

    op.create_table('marketing_consents',
    sa.Column('recipient_kind', sa.String(length=20), nullable=False),
    sa.Column('recipient_id', sa.String(length=40), nullable=False),
    sa.Column('granted', sa.Boolean(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('contacts_value', sa.Boolean(), nullable=True),
    sa.PrimaryKeyConstraint('recipient_kind', 'recipient_id', name=op.f('pk_marketing_consents'))
    )
    op.create_table('unsubscribe_tokens',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('recipient_kind', sa.String(length=20), nullable=False),
    sa.Column('recipient_id', sa.String(length=40), nullable=False),
    sa.Column('send_key', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_unsubscribe_tokens'))
    )


def downgrade() -> None:
    op.drop_table('unsubscribe_tokens')
    op.drop_table('marketing_consents')
    with op.batch_alter_table('mail_dates', schema=None) as batch_op:
        batch_op.drop_index('ix_mail_dates_field_month_day')
        batch_op.drop_index('ix_mail_dates_field_date')

    op.drop_table('mail_dates')
    with op.batch_alter_table('date_mail_sends', schema=None) as batch_op:
        batch_op.drop_index('ix_date_mail_sends_status_due_at')
        batch_op.drop_index('ix_date_mail_sends_rule')
        batch_op.drop_index('ix_date_mail_sends_recipient')

    op.drop_table('date_mail_sends')
    op.drop_table('date_mail_rules')
    with op.batch_alter_table('consent_log', schema=None) as batch_op:
        batch_op.drop_index('ix_consent_log_recipient')

    op.drop_table('consent_log')
    op.drop_table('calendar_sync_states')
    with op.batch_alter_table('calendar_sync_links', schema=None) as batch_op:
        batch_op.drop_index('ix_calendar_sync_links_activity')

    op.drop_table('calendar_sync_links')
