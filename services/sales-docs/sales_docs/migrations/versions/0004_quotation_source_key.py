"""Quotations remember where they came from: `source_key` (a maintenance contract's renewal
quotation carries its billing key "contract:period_start"; service-desk renews the contract when
the quotation is accepted).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("quotations") as batch:
        batch.add_column(sa.Column("source_key", sa.String(length=120), nullable=False, server_default=""))
    op.create_index("ix_quotations_source_key", "quotations", ["source_key"])


def downgrade() -> None:
    op.drop_index("ix_quotations_source_key", table_name="quotations")
    with op.batch_alter_table("quotations") as batch:
        batch.drop_column("source_key")
