"""Customers' language: preferred_language ("th" or "en") of customers and contact persons in
the read model kept from the contacts events, so mail to them is in their language.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLES = ("customers", "contact_persons")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("preferred_language", sa.String(length=8), nullable=False, server_default="th")
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("preferred_language")
