"""Rate-limit counters record when their window ends, so the cleanup removes only ended
windows (it used to remove every window that started over an hour ago, current ones too).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rate_limit_counters") as batch:
        batch.add_column(sa.Column("expires_at", sa.Integer, nullable=True))
    op.create_index("ix_rate_limit_counters_expires_at", "rate_limit_counters", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_rate_limit_counters_expires_at", "rate_limit_counters")
    with op.batch_alter_table("rate_limit_counters") as batch:
        batch.drop_column("expires_at")
