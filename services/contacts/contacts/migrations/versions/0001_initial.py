"""Leads, customers (addresses, groups, memberships), contact persons, purchase history,
audit entries, import fingerprints, and the chassis outbox/inbox.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from chassis.events import create_event_tables, drop_event_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TABLES = (
    "leads", "customer_group_members", "customer_addresses", "contact_persons", "purchase_history",
    "import_fingerprints", "customers", "customer_groups", "audit_entries",
)


def upgrade() -> None:
    create_event_tables(op)
    op.create_table('audit_entries',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('resource_type', sa.String(length=40), nullable=False),
    sa.Column('resource_id', sa.String(length=40), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('actor_id', sa.String(length=64), nullable=False),
    sa.Column('details_json', sa.Text(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries'))
    )
    op.create_index('ix_audit_entries_resource', 'audit_entries', ['resource_type', 'resource_id', 'occurred_at'])

    op.create_table('customer_groups',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('code', sa.String(length=50), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_groups')),
    sa.UniqueConstraint('code', name=op.f('uq_customer_groups_code'))
    )
    op.create_index('ix_customer_groups_created_at', 'customer_groups', ['created_at', 'id'])

    op.create_table('customers',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('name_en', sa.String(length=255), nullable=False),
    sa.Column('name_key', sa.String(length=255), nullable=False),
    sa.Column('tax_id', sa.String(length=13), nullable=False),
    sa.Column('branch_code', sa.String(length=5), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('website', sa.String(length=255), nullable=False),
    sa.Column('anniversary_date', sa.Date(), nullable=True),
    sa.Column('credit_term_days', sa.Integer(), nullable=False),
    sa.Column('credit_limit', sa.String(length=40), nullable=True),
    sa.Column('credit_limit_currency', sa.String(length=3), nullable=True),
    sa.Column('price_list_id', sa.String(length=40), nullable=False),
    sa.Column('default_discount_percent', sa.String(length=40), nullable=True),
    sa.Column('payment_method', sa.String(length=20), nullable=False),
    sa.Column('owner_id', sa.String(length=64), nullable=False),
    sa.Column('team_id', sa.String(length=64), nullable=False),
    sa.Column('merged_into_id', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['merged_into_id'], ['customers.id'], name=op.f('fk_customers_merged_into_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customers'))
    )
    op.create_index('ix_customers_created_at', 'customers', ['created_at', 'id'])
    op.create_index('ix_customers_email', 'customers', ['email'])
    op.create_index('ix_customers_owner_id', 'customers', ['owner_id'])
    op.create_index('ix_customers_phone', 'customers', ['phone'])
    op.create_index('ix_customers_tax_id', 'customers', ['tax_id', 'branch_code'])
    op.create_index('ix_customers_team_id', 'customers', ['team_id'])

    op.create_table('import_fingerprints',
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('resource_id', sa.String(length=40), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('fingerprint', name=op.f('pk_import_fingerprints'))
    )
    op.create_table('purchase_history',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('customer_id', sa.String(length=40), nullable=False),
    sa.Column('original_customer_id', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('document_id', sa.String(length=80), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('document_date', sa.String(length=10), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_history')),
    sa.UniqueConstraint('kind', 'document_id', name=op.f('uq_purchase_history_kind'))
    )
    op.create_index('ix_purchase_history_customer_id', 'purchase_history', ['customer_id', 'document_date', 'id'])

    op.create_table('contact_persons',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('customer_id', sa.String(length=40), nullable=False),
    sa.Column('first_name', sa.String(length=255), nullable=False),
    sa.Column('last_name', sa.String(length=255), nullable=False),
    sa.Column('nickname', sa.String(length=255), nullable=False),
    sa.Column('position', sa.String(length=255), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('birthday', sa.Date(), nullable=True),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.Column('marketing_consent', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_contact_persons_customer_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_persons'))
    )
    op.create_index('ix_contact_persons_customer_id', 'contact_persons', ['customer_id', 'created_at'])

    op.create_table('customer_addresses',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('customer_id', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('house_no', sa.String(length=255), nullable=False),
    sa.Column('sub_district', sa.String(length=255), nullable=False),
    sa.Column('district', sa.String(length=255), nullable=False),
    sa.Column('province', sa.String(length=255), nullable=False),
    sa.Column('postcode', sa.String(length=12), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_customer_addresses_customer_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_addresses'))
    )
    op.create_index('ix_customer_addresses_customer_id', 'customer_addresses', ['customer_id', 'position'])
    op.create_index('ix_customer_addresses_province', 'customer_addresses', ['province'])

    op.create_table('customer_group_members',
    sa.Column('customer_id', sa.String(length=40), nullable=False),
    sa.Column('group_id', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_customer_group_members_customer_id_customers')),
    sa.ForeignKeyConstraint(['group_id'], ['customer_groups.id'], name=op.f('fk_customer_group_members_group_id_customer_groups')),
    sa.PrimaryKeyConstraint('customer_id', 'group_id', name=op.f('pk_customer_group_members'))
    )
    op.create_index('ix_customer_group_members_group_id', 'customer_group_members', ['group_id'])

    op.create_table('leads',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('disqualify_reason', sa.Text(), nullable=False),
    sa.Column('company_name', sa.String(length=255), nullable=False),
    sa.Column('contact_name', sa.String(length=255), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('tax_id', sa.String(length=13), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('source_detail', sa.String(length=500), nullable=False),
    sa.Column('owner_id', sa.String(length=64), nullable=False),
    sa.Column('team_id', sa.String(length=64), nullable=False),
    sa.Column('customer_id', sa.String(length=40), nullable=True),
    sa.Column('contact_person_id', sa.String(length=40), nullable=True),
    sa.Column('request_id', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contact_person_id'], ['contact_persons.id'], name=op.f('fk_leads_contact_person_id_contact_persons')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_leads_customer_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leads')),
    sa.UniqueConstraint('request_id', name=op.f('uq_leads_request_id'))
    )
    op.create_index('ix_leads_created_at', 'leads', ['created_at', 'id'])
    op.create_index('ix_leads_customer_id', 'leads', ['customer_id'])
    op.create_index('ix_leads_owner_id', 'leads', ['owner_id'])
    op.create_index('ix_leads_team_id', 'leads', ['team_id'])


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
    drop_event_tables(op)
