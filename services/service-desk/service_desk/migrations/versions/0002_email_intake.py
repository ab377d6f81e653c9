"""The chassis mail outbox (replies, surveys, notices, escalation notices); e-mail intake and
threading: `mail_threads` (every known Message-ID and its case), the requester on cases, and
channel / Message-ID / from-customer on case messages.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from chassis.mail import create_mail_tables, drop_mail_tables

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_mail_tables(op)
    op.create_table(
        "mail_threads",
        sa.Column("message_id", sa.String(998), primary_key=True),
        sa.Column("case_id", sa.String(40), nullable=False),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_mail_threads_case", "mail_threads", ["case_id"])
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("requester_email", sa.String(320), nullable=False, server_default=""))
        batch.add_column(sa.Column("requester_name", sa.String(200), nullable=False, server_default=""))
    with op.batch_alter_table("case_messages") as batch:
        batch.add_column(sa.Column("channel", sa.String(20), nullable=False, server_default=""))
        batch.add_column(sa.Column("message_id", sa.String(998), nullable=False, server_default=""))
        batch.add_column(sa.Column("from_customer", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("case_messages") as batch:
        batch.drop_column("from_customer")
        batch.drop_column("message_id")
        batch.drop_column("channel")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("requester_name")
        batch.drop_column("requester_email")
    op.drop_index("ix_mail_threads_case", "mail_threads")
    op.drop_table("mail_threads")
    drop_mail_tables(op)
