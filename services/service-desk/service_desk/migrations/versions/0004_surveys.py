"""Satisfaction survey links (token digests, one per resolve, with the answer) and the case's
last satisfaction score.

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
        "survey_links",
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("solved", sa.Boolean(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("token_sha256", name=op.f("pk_survey_links")),
    )
    op.create_index("ix_survey_links_case", "survey_links", ["case_id", "resolved_at"])
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("satisfaction_score", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("satisfaction_score")
    op.drop_index("ix_survey_links_case", table_name="survey_links")
    op.drop_table("survey_links")
