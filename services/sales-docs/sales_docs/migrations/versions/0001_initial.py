"""Counters, opportunities, quotations, sale orders, deposits, tax invoices, credit/debit
notes, receipts, and the chassis outbox/inbox and mail outbox.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from chassis.events import create_event_tables, drop_event_tables
from chassis.mail import create_mail_tables, drop_mail_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TABLES = ('counters', 'opportunities', 'quotations', 'sale_orders', 'deposits', 'tax_invoices', 'adjustment_notes', 'receipts')


def upgrade() -> None:
    create_event_tables(op)
    create_mail_tables(op)
    op.create_table(
        'counters',
        sa.Column('document_type', sa.String(length=30), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('branch', sa.String(length=5), nullable=False),
        sa.Column('next', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('document_type', 'year', 'branch', name=op.f('pk_counters')),
    )
    op.create_table(
        'opportunities',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('number', sa.String(length=40), nullable=False, server_default=''),
        sa.Column('customer_id', sa.String(length=40), nullable=False, server_default=''),
        sa.Column('owner_id', sa.String(length=64), nullable=False, server_default=''),
        sa.Column('team_id', sa.String(length=64), nullable=False, server_default=''),
        sa.Column('status', sa.String(length=30), nullable=False),
        sa.Column('document_date', sa.Date(), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_opportunities')),
    )
    op.create_index('ix_opportunities_owner', 'opportunities', ['owner_id', 'created_at'])
    op.create_index('ix_opportunities_customer', 'opportunities', ['customer_id', 'created_at'])
    op.create_table(
        'quotations',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('number', sa.String(length=40), nullable=False, server_default=''),
        sa.Column('customer_id', sa.String(length=40), nullable=False, server_default=''),
        sa.Column('owner_id', sa.String(length=64), nullable=False, server_default=''),
        sa.Column('team_id', sa.String(length=64), nullable=False, server_default=''),
        sa.Column('status', sa.String(length=30), nullable=False),
        sa.Column('document_date', sa.Date(), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('superseded', sa.Boolean(), nullable=False),
        sa.Column('valid_until', sa.Date(), nullable=False),
        sa.Column('pricing', sa.Text(), nullable=False, server_default='{}'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_quotations')),
    )
    op.create_index('ix_quotations_customer', 'quotations', ['customer_id', 'created_at'])
    op.create_index('ix_quotations_expiry', 'quotations', ['status', 'valid_until'])
    op.create_index('ix_quotations_owner', 'quotations', ['owner_id', 'created_at'])
    op.create_table(
        'sale_orders',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('number', sa.String(length=40), nullable=False, server_default=''),
        sa.Column('customer_id', sa.String(length=40), nullable=False, server_default=''),
        sa.Column('owner_id', sa.String(length=64), nullable=False, server_default=''),
        sa.Column('team_id', sa.String(length=64), nullable=False, server_default=''),
        sa.Column('status', sa.String(length=30), nullable=False),
        sa.Column('document_date', sa.Date(), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('quotation_id', sa.String(length=40), nullable=False, server_default=''),
        sa.Column('pricing', sa.Text(), nullable=False, server_default='{}'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sale_orders')),
    )
    op.create_index('ix_sale_orders_owner', 'sale_orders', ['owner_id', 'created_at'])
    op.create_index('ix_sale_orders_customer', 'sale_orders', ['customer_id', 'created_at'])
    op.create_table(
        'deposits',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('number', sa.String(length=40), nullable=False, server_default=''),
        sa.Column('customer_id', sa.String(length=40), nullable=False, server_default=''),
        sa.Column('owner_id', sa.String(length=64), nullable=False, server_default=''),
        sa.Column('team_id', sa.String(length=64), nullable=False, server_default=''),
        sa.Column('status', sa.String(length=30), nullable=False),
        sa.Column('document_date', sa.Date(), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sale_order_id', sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_deposits')),
    )
    op.create_index('ix_deposits_customer', 'deposits', ['customer_id', 'created_at'])
    op.create_index('ix_deposits_order', 'deposits', ['sale_order_id'])
    op.create_index('ix_deposits_owner', 'deposits', ['owner_id', 'created_at'])
    op.create_table(
        'tax_invoices',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('number', sa.String(length=40), nullable=False, server_default=''),
        sa.Column('customer_id', sa.String(length=40), nullable=False, server_default=''),
        sa.Column('owner_id', sa.String(length=64), nullable=False, server_default=''),
        sa.Column('team_id', sa.String(length=64), nullable=False, server_default=''),
        sa.Column('status', sa.String(length=30), nullable=False),
        sa.Column('document_date', sa.Date(), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sale_order_id', sa.String(length=40), nullable=False, server_default=''),
        sa.Column('due_date', sa.Date(), nullable=False),
        sa.Column('settled', sa.Numeric(18, 2), nullable=False),
        sa.Column('settled_base', sa.Numeric(18, 2), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tax_invoices')),
    )
    op.create_index('ix_tax_invoices_owner', 'tax_invoices', ['owner_id', 'created_at'])
    op.create_index('ix_tax_invoices_order', 'tax_invoices', ['sale_order_id'])
    op.create_index('ix_tax_invoices_customer', 'tax_invoices', ['customer_id', 'created_at'])
    op.create_table(
        'adjustment_notes',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('number', sa.String(length=40), nullable=False, server_default=''),
        sa.Column('customer_id', sa.String(length=40), nullable=False, server_default=''),
        sa.Column('owner_id', sa.String(length=64), nullable=False, server_default=''),
        sa.Column('team_id', sa.String(length=64), nullable=False, server_default=''),
        sa.Column('status', sa.String(length=30), nullable=False),
        sa.Column('document_date', sa.Date(), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('invoice_id', sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_adjustment_notes')),
    )
    op.create_index('ix_adjustment_notes_customer', 'adjustment_notes', ['customer_id', 'created_at'])
    op.create_index('ix_adjustment_notes_invoice', 'adjustment_notes', ['invoice_id'])
    op.create_index('ix_adjustment_notes_owner', 'adjustment_notes', ['owner_id', 'created_at'])
    op.create_table(
        'receipts',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('number', sa.String(length=40), nullable=False, server_default=''),
        sa.Column('customer_id', sa.String(length=40), nullable=False, server_default=''),
        sa.Column('owner_id', sa.String(length=64), nullable=False, server_default=''),
        sa.Column('team_id', sa.String(length=64), nullable=False, server_default=''),
        sa.Column('status', sa.String(length=30), nullable=False),
        sa.Column('document_date', sa.Date(), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_receipts')),
    )
    op.create_index('ix_receipts_owner', 'receipts', ['owner_id', 'created_at'])
    op.create_index('ix_receipts_customer', 'receipts', ['customer_id', 'created_at'])


def downgrade() -> None:
    for name in TABLES:
        op.drop_table(name)
    drop_mail_tables(op)
    drop_event_tables(op)
