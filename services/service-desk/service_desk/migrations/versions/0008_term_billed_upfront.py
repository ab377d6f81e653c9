"""A term sold whole by an accepted renewal quotation drafts none of its periods again:
`contracts.term_billed_upfront`.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contracts") as batch:
        batch.add_column(
            sa.Column("term_billed_upfront", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("contracts") as batch:
        batch.drop_column("term_billed_upfront")
