"""Extra mail headers (List-Unsubscribe and the like): `mail_outbox.headers`, added by the
chassis helper only where the outbox lacks it (the table is the shared chassis.mail schema,
whose inserts name the column).

Revision ID: 0002
Revises: 0001
"""

from alembic import op
from chassis.mail import add_mail_headers_column, drop_mail_headers_column

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_mail_headers_column(op)


def downgrade() -> None:
    drop_mail_headers_column(op)
