"""The chassis mail outbox (replies, surveys, notices, escalation notices); e-mail intake and
threading (filled in by the e-mail work).

Revision ID: 0002
Revises: 0001
"""

from alembic import op
from chassis.mail import create_mail_tables, drop_mail_tables

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_mail_tables(op)


def downgrade() -> None:
    drop_mail_tables(op)
