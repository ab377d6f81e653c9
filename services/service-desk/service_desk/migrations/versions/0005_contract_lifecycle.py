"""Contract approvals, renewal notices and billing requests: the revision an approval decides,
the decision's reason and request, the renewal pass's last look, and the billing requests and
renewal notices claimed once each.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contracts") as batch:
        batch.add_column(sa.Column("approval_request_id", sa.String(40), nullable=False, server_default=""))
        batch.add_column(sa.Column("submitted_revision", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("decision_reason", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("renewal_checked_on", sa.Date(), nullable=True))
    op.create_table(
        "contract_billings",
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("contract_id", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("amount", sa.String(32), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_contract_billings")),
    )
    op.create_index("ix_contract_billings_contract", "contract_billings", ["contract_id"])
    op.create_table(
        "contract_notices",
        sa.Column("contract_id", sa.String(40), nullable=False),
        sa.Column("days_before", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("contract_id", "days_before", name=op.f("pk_contract_notices")),
    )


def downgrade() -> None:
    op.drop_table("contract_notices")
    op.drop_index("ix_contract_billings_contract", table_name="contract_billings")
    op.drop_table("contract_billings")
    with op.batch_alter_table("contracts") as batch:
        batch.drop_column("renewal_checked_on")
        batch.drop_column("decision_reason")
        batch.drop_column("submitted_revision")
        batch.drop_column("approval_request_id")
