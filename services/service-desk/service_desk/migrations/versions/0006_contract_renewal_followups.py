"""Contract renewal follow-ups: when the renewal pass announced a contract's expiry
(`contracts.expiry_announced_at`, set once by a conditional update: crm.servicedesk.contract.expired
goes out once under two schedulers or a restart).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contracts") as batch:
        batch.add_column(sa.Column("expiry_announced_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contracts") as batch:
        batch.drop_column("expiry_announced_at")
