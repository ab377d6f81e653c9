"""The contacts database schema (SQLAlchemy Core). Migrations in `contacts/migrations` create
the same tables; `metadata` also carries the chassis outbox and inbox.

Money and percentages are stored exactly: decimal text for single values (credit limit,
discount) and integer minor units (satang) where SQL sums them (purchase history).
Timestamps are UTC.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from chassis.db import new_metadata
from chassis.events import add_event_tables
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

ID = 40
USER_ID = 64


class DecimalText(TypeDecorator[Decimal]):
    """A Decimal kept as its text ("5.00"), exact on SQLite as on PostgreSQL."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(str(value))


metadata = new_metadata()
event_tables = add_event_tables(metadata)


def _audit_columns() -> list[Column[Any]]:
    return [
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("created_by", String(USER_ID), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        Column("updated_by", String(USER_ID), nullable=False),
        Column("version", Integer, nullable=False),
    ]


customers = Table(
    "customers",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("name", String(255), nullable=False),
    Column("name_en", String(255), nullable=False, default=""),
    # Names without legal-form affixes, for duplicate detection.
    Column("name_key", String(255), nullable=False, default=""),
    Column("tax_id", String(13), nullable=False, default=""),
    Column("branch_code", String(5), nullable=False, default=""),
    Column("email", String(254), nullable=False, default=""),
    Column("phone", String(20), nullable=False, default=""),
    Column("website", String(255), nullable=False, default=""),
    Column("anniversary_date", Date, nullable=True),
    # "th" or "en" (migration 0002).
    Column("preferred_language", String(5), nullable=False, default="th", server_default="th"),
    Column("credit_term_days", Integer, nullable=False, default=0),
    Column("credit_limit", DecimalText, nullable=True),
    Column("credit_limit_currency", String(3), nullable=True),
    Column("price_list_id", String(ID), nullable=False, default=""),
    Column("default_discount_percent", DecimalText, nullable=True),
    Column("payment_method", String(20), nullable=False, default=""),
    Column("owner_id", String(USER_ID), nullable=False, default=""),
    Column("team_id", String(USER_ID), nullable=False, default=""),
    Column("merged_into_id", String(ID), ForeignKey("customers.id"), nullable=True),
    *_audit_columns(),
    Index("ix_customers_tax_id", "tax_id", "branch_code"),
    Index("ix_customers_phone", "phone"),
    Index("ix_customers_email", "email"),
    Index("ix_customers_owner_id", "owner_id"),
    Index("ix_customers_team_id", "team_id"),
    Index("ix_customers_created_at", "created_at", "id"),
)

customer_addresses = Table(
    "customer_addresses",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("customer_id", String(ID), ForeignKey("customers.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("house_no", String(255), nullable=False),
    Column("sub_district", String(255), nullable=False, default=""),
    Column("district", String(255), nullable=False, default=""),
    Column("province", String(255), nullable=False, default=""),
    Column("postcode", String(12), nullable=False, default=""),
    Column("country_code", String(2), nullable=False, default="TH"),
    Column("is_default", Boolean, nullable=False, default=False),
    Index("ix_customer_addresses_customer_id", "customer_id", "position"),
    Index("ix_customer_addresses_province", "province"),
)

customer_groups = Table(
    "customer_groups",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("code", String(50), nullable=False),
    Column("name", String(255), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(USER_ID), nullable=False),
    UniqueConstraint("code"),
    Index("ix_customer_groups_created_at", "created_at", "id"),
)

customer_group_members = Table(
    "customer_group_members",
    metadata,
    Column("customer_id", String(ID), ForeignKey("customers.id"), primary_key=True),
    Column("group_id", String(ID), ForeignKey("customer_groups.id"), primary_key=True),
    Column("position", Integer, nullable=False, default=0),
    Index("ix_customer_group_members_group_id", "group_id"),
)

contact_persons = Table(
    "contact_persons",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("customer_id", String(ID), ForeignKey("customers.id"), nullable=False),
    Column("first_name", String(255), nullable=False),
    Column("last_name", String(255), nullable=False, default=""),
    Column("nickname", String(255), nullable=False, default=""),
    Column("position", String(255), nullable=False, default=""),
    Column("email", String(254), nullable=False, default=""),
    Column("phone", String(20), nullable=False, default=""),
    Column("birthday", Date, nullable=True),
    Column("is_primary", Boolean, nullable=False, default=False),
    Column("marketing_consent", Boolean, nullable=False, default=False),
    # "th" or "en" (migration 0002).
    Column("preferred_language", String(5), nullable=False, default="th", server_default="th"),
    *_audit_columns(),
    Index("ix_contact_persons_customer_id", "customer_id", "created_at"),
)

leads = Table(
    "leads",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("source", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("disqualify_reason", Text, nullable=False, default=""),
    Column("company_name", String(255), nullable=False, default=""),
    Column("contact_name", String(255), nullable=False, default=""),
    Column("email", String(254), nullable=False, default=""),
    Column("phone", String(20), nullable=False, default=""),
    Column("tax_id", String(13), nullable=False, default=""),
    Column("notes", Text, nullable=False, default=""),
    Column("source_detail", String(500), nullable=False, default=""),
    Column("owner_id", String(USER_ID), nullable=False, default=""),
    Column("team_id", String(USER_ID), nullable=False, default=""),
    Column("customer_id", String(ID), ForeignKey("customers.id"), nullable=True),
    Column("contact_person_id", String(ID), ForeignKey("contact_persons.id"), nullable=True),
    # CreateLeadRequest.request_id: a retried create returns the lead it made the first time.
    Column("request_id", String(100), nullable=True),
    *_audit_columns(),
    UniqueConstraint("request_id"),
    Index("ix_leads_owner_id", "owner_id"),
    Index("ix_leads_team_id", "team_id"),
    Index("ix_leads_customer_id", "customer_id"),
    Index("ix_leads_created_at", "created_at", "id"),
)

purchase_history = Table(
    "purchase_history",
    metadata,
    Column("id", String(ID), primary_key=True),
    # No foreign key: events may name a customer this database never had.
    Column("customer_id", String(ID), nullable=False),
    Column("original_customer_id", String(ID), nullable=False, default=""),
    Column("kind", String(10), nullable=False),
    Column("document_id", String(ID * 2), nullable=False),
    Column("number", String(64), nullable=False, default=""),
    Column("document_date", String(10), nullable=False, default=""),
    # Minor units (satang), so SUM is exact on every database.
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("version", BigInteger, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("kind", "document_id"),
    Index("ix_purchase_history_customer_id", "customer_id", "document_date", "id"),
)

audit_entries = Table(
    "audit_entries",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("resource_type", String(40), nullable=False),
    Column("resource_id", String(ID), nullable=False),
    Column("action", String(40), nullable=False),
    Column("actor_id", String(USER_ID), nullable=False),
    Column("details_json", Text, nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Index("ix_audit_entries_resource", "resource_type", "resource_id", "occurred_at"),
)

import_fingerprints = Table(
    "import_fingerprints",
    metadata,
    # sha256 of the normalised row (domain.csv_rows.fingerprint).
    Column("fingerprint", String(64), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("resource_id", String(ID), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
)
