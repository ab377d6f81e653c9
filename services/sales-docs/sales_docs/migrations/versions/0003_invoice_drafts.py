"""Invoice drafts (MA-fee invoices asked for by service-desk, one per billing key) and the
ledger of billing keys drafted (invoice draft or renewal quotation).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "invoice_drafts",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False, server_default=""),
        sa.Column("customer_id", sa.String(length=40), nullable=False, server_default=""),
        sa.Column("owner_id", sa.String(length=64), nullable=False, server_default=""),
        sa.Column("team_id", sa.String(length=64), nullable=False, server_default=""),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("document_date", sa.Date(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("source_key", sa.String(length=120), nullable=False),
        sa.Column("contract_id", sa.String(length=64), nullable=False, server_default=""),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("sale_order_id", sa.String(length=40), nullable=False, server_default=""),
        sa.Column("invoice_id", sa.String(length=40), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_drafts")),
        sa.UniqueConstraint("source_key", name=op.f("uq_invoice_drafts_source_key")),
    )
    op.create_index("ix_invoice_drafts_customer", "invoice_drafts", ["customer_id", "created_at"])
    op.create_index("ix_invoice_drafts_owner", "invoice_drafts", ["owner_id", "created_at"])
    op.create_index("ix_invoice_drafts_status", "invoice_drafts", ["status", "created_at"])
    op.create_table(
        "drafted_billings",
        sa.Column("source_key", sa.String(length=120), nullable=False),
        sa.Column("document_type", sa.String(length=30), nullable=False),
        sa.Column("document_id", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source_key", name=op.f("pk_drafted_billings")),
    )


def downgrade() -> None:
    op.drop_table("drafted_billings")
    op.drop_index("ix_invoice_drafts_status", table_name="invoice_drafts")
    op.drop_index("ix_invoice_drafts_owner", table_name="invoice_drafts")
    op.drop_index("ix_invoice_drafts_customer", table_name="invoice_drafts")
    op.drop_table("invoice_drafts")
