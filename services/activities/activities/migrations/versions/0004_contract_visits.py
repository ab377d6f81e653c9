"""Preventive visits of service-desk contracts: the activity of each contract and visit date.

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
    op.create_table(
        "contract_visits",
        sa.Column("contract_id", sa.String(40), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("activity_id", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("contract_id", "visit_date", name=op.f("pk_contract_visits")),
    )


def downgrade() -> None:
    op.drop_table("contract_visits")
