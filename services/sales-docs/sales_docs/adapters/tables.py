"""The sales-docs database: gapless counters, one table per document kind, the chassis outbox,
inbox and mail outbox.

A document row keeps the columns that are queried (number, customer, owner, team, status,
dates) beside the whole domain object as JSON (`body`, see adapters.codec): documents are read
and written whole, and an issued document never changes, so a normalised line table would buy
nothing but joins.
"""

from __future__ import annotations

import sqlalchemy as sa
from chassis.db import new_metadata
from chassis.events import add_event_tables
from chassis.mail import add_mail_tables

metadata = new_metadata()
event_tables = add_event_tables(metadata)
mail_tables = add_mail_tables(metadata)

# One row per (document type, year, branch); `next` is the number the next document takes.
counters = sa.Table(
    "counters",
    metadata,
    sa.Column("document_type", sa.String(30), primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("branch", sa.String(5), primary_key=True),
    sa.Column("next", sa.BigInteger, nullable=False),
)


def document_table(name: str, *extra: sa.Column[object]) -> sa.Table:
    """A document table: queried columns, the JSON body and an optimistic version."""
    table = sa.Table(
        name,
        metadata,
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("number", sa.String(40), nullable=False, server_default=""),
        sa.Column("customer_id", sa.String(40), nullable=False, server_default=""),
        sa.Column("owner_id", sa.String(64), nullable=False, server_default=""),
        sa.Column("team_id", sa.String(64), nullable=False, server_default=""),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("document_date", sa.Date, nullable=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        *extra,
    )
    sa.Index(f"ix_{name}_customer", table.c.customer_id, table.c.created_at)
    sa.Index(f"ix_{name}_owner", table.c.owner_id, table.c.created_at)
    return table


opportunities = document_table("opportunities")
quotations = document_table(
    "quotations",
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("superseded", sa.Boolean, nullable=False),
    sa.Column("valid_until", sa.Date, nullable=False),
    # What pricing said: version, applied rule ids, promotion ids, coupons (JSON).
    sa.Column("pricing", sa.Text, nullable=False, server_default="{}"),
    # A renewal quotation's billing key (service-desk's "contract:period_start"); migration 0004.
    sa.Column("source_key", sa.String(120), nullable=False, server_default=""),
)
sa.Index("ix_quotations_expiry", quotations.c.status, quotations.c.valid_until)
sa.Index("ix_quotations_source_key", quotations.c.source_key)
sale_orders = document_table(
    "sale_orders",
    sa.Column("quotation_id", sa.String(40), nullable=False, server_default=""),
    sa.Column("pricing", sa.Text, nullable=False, server_default="{}"),
)
deposits = document_table("deposits", sa.Column("sale_order_id", sa.String(40), nullable=False))
sa.Index("ix_deposits_order", deposits.c.sale_order_id)
tax_invoices = document_table(
    "tax_invoices",
    sa.Column("sale_order_id", sa.String(40), nullable=False, server_default=""),
    sa.Column("due_date", sa.Date, nullable=False),
    # Cash plus tax withheld settled by receipts, and the pre-VAT part of it (see domain.receipts).
    sa.Column("settled", sa.Numeric(18, 2), nullable=False),
    sa.Column("settled_base", sa.Numeric(18, 2), nullable=False),
)
sa.Index("ix_tax_invoices_order", tax_invoices.c.sale_order_id)
adjustment_notes = document_table("adjustment_notes", sa.Column("invoice_id", sa.String(40), nullable=False))
sa.Index("ix_adjustment_notes_invoice", adjustment_notes.c.invoice_id)
receipts = document_table("receipts")

# MA-fee billing from service-desk (issue 9): invoice drafts, one per billing key, and the
# ledger of billing keys drafted (invoice draft or renewal quotation), so a repeated request
# under another event id changes nothing. Migration 0003.
invoice_drafts = document_table(
    "invoice_drafts",
    sa.Column("source", sa.String(30), nullable=False),
    sa.Column("source_key", sa.String(120), nullable=False, unique=True),
    sa.Column("contract_id", sa.String(64), nullable=False, server_default=""),
    sa.Column("period_start", sa.Date, nullable=False),
    sa.Column("sale_order_id", sa.String(40), nullable=False, server_default=""),
    sa.Column("invoice_id", sa.String(40), nullable=False, server_default=""),
)
sa.Index("ix_invoice_drafts_status", invoice_drafts.c.status, invoice_drafts.c.created_at)
drafted_billings = sa.Table(
    "drafted_billings",
    metadata,
    sa.Column("source_key", sa.String(120), primary_key=True),
    # "invoice_draft" or "quotation"
    sa.Column("document_type", sa.String(30), nullable=False),
    sa.Column("document_id", sa.String(40), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
DOCUMENT_TABLES = (
    opportunities,
    quotations,
    sale_orders,
    deposits,
    tax_invoices,
    adjustment_notes,
    receipts,
    invoice_drafts,
)
