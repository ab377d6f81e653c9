"""preferred_language ("th" or "en") on customers and contact persons: the language of mail
to them (the service desk reads it from the events).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = ("customers", "contact_persons")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("preferred_language", sa.String(length=5), nullable=False, server_default="th")
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("preferred_language")
