"""Users/teams read model (chassis.directory), team and company calendars, customers and
contact persons' e-mails from the contacts events (the notifications work).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from chassis.directory import create_directory_tables, drop_directory_tables

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_directory_tables(op)
    op.create_table(
        "team_calendars",
        sa.Column("team_id", sa.String(64), primary_key=True),
        sa.Column("calendar_id", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
    )
    op.create_table(
        "company_settings",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
    )
    op.create_table(
        "customers",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("email_key", sa.String(320), nullable=False),
        sa.Column("group_ids", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_customers_email_key", "customers", ["email_key"])
    op.create_table(
        "contact_persons",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("customer_id", sa.String(40), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("email_key", sa.String(320), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_contact_persons_email_key", "contact_persons", ["email_key"])
    op.create_index("ix_contact_persons_customer", "contact_persons", ["customer_id"])


def downgrade() -> None:
    op.drop_index("ix_contact_persons_customer", table_name="contact_persons")
    op.drop_index("ix_contact_persons_email_key", table_name="contact_persons")
    op.drop_table("contact_persons")
    op.drop_index("ix_customers_email_key", table_name="customers")
    op.drop_table("customers")
    op.drop_table("company_settings")
    op.drop_table("team_calendars")
    drop_directory_tables(op)
