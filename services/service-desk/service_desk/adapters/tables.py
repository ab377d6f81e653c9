"""The service-desk database schema (SQLAlchemy Core). Migrations in `service_desk/migrations`
create the same tables; `metadata` also carries the chassis outbox/inbox.

Each aggregate is one row, its parts as JSON (a calendar's windows and holidays, a policy's
targets and rules, a case's status history, a contract's covered items), read and written whole
under the row's lock and version. Money is decimal text. `sla_escalations` holds each fired
escalation level once (primary key case, clock, level), so a level fires once even when two
schedulers race; `cases.next_check_at` is when the scheduler must look at a case next.
"""

from __future__ import annotations

from chassis.db import new_metadata
from chassis.events import add_event_tables
from chassis.mail import add_mail_tables
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

ID = 40
USER_ID = 64

metadata = new_metadata()
event_tables = add_event_tables(metadata)
mail_tables = add_mail_tables(metadata)

calendars = Table(
    "calendars",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("zone", String(64), nullable=False),
    Column("windows", Text, nullable=False),  # JSON
    Column("holidays", Text, nullable=False),  # JSON
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(USER_ID), nullable=False),
)

sla_policies = Table(
    "sla_policies",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("position", Integer, nullable=False),
    Column("body", Text, nullable=False),  # JSON: targets, conditions, statuses, escalation
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(USER_ID), nullable=False),
    Index("ix_sla_policies_position", "position"),
)

cases = Table(
    "cases",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("customer_id", String(ID), nullable=False),
    Column("contact_id", String(ID), nullable=False),
    Column("contract_id", String(ID), nullable=False),
    Column("product_id", String(ID), nullable=False),
    Column("serial_number", String(100), nullable=False),
    Column("priority", String(10), nullable=False),
    Column("case_type", String(50), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("team_id", String(USER_ID), nullable=False),
    Column("assignee_id", String(USER_ID), nullable=False),
    Column("status", String(30), nullable=False),
    Column("history", Text, nullable=False),  # JSON
    Column("first_response_at", DateTime(timezone=True), nullable=True),
    Column("flagged_for_lead", Boolean, nullable=False),
    Column("follow_up_of", String(ID), nullable=False),
    Column("sla_policy_id", String(ID), nullable=False),
    Column("customer_group_ids", Text, nullable=False),  # JSON
    Column("created_by", String(USER_ID), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("next_check_at", DateTime(timezone=True), nullable=True),
    Column("version", Integer, nullable=False),
    Index("ix_cases_next_check_at", "next_check_at"),
    Index("ix_cases_team_created", "team_id", "created_at"),
    Index("ix_cases_customer", "customer_id"),
    Index("ix_cases_status", "status"),
)

case_messages = Table(
    "case_messages",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("case_id", String(ID), nullable=False),
    Column("customer_visible", Boolean, nullable=False),
    Column("author_id", String(USER_ID), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_case_messages_case", "case_id", "created_at"),
)

sla_escalations = Table(
    "sla_escalations",
    metadata,
    Column("case_id", String(ID), nullable=False),
    Column("clock", String(20), nullable=False),
    Column("level", String(20), nullable=False),
    Column("reached_at", DateTime(timezone=True), nullable=False),
    Column("fired_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("case_id", "clock", "level"),
)

contracts = Table(
    "contracts",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("customer_id", String(ID), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("billing_period", String(20), nullable=False),
    Column("fee", String(32), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("covered_items", Text, nullable=False),  # JSON
    Column("auto_renew", Boolean, nullable=False),
    Column("renewal_notice_days", Text, nullable=False),  # JSON
    Column("invoice_lead_days", Integer, nullable=False),
    Column("sla_policy_id", String(ID), nullable=False),
    Column("visits_every_months", Integer, nullable=True),
    Column("visits_count", Integer, nullable=True),
    Column("approved_on", Date, nullable=True),
    Column("cancelled_on", Date, nullable=True),
    Column("cancel_reason", Text, nullable=False),
    Column("renewed_by", String(ID), nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=True),
    Column("owner_id", String(USER_ID), nullable=False),
    Column("team_id", String(USER_ID), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_contracts_customer", "customer_id"),
    Index("ix_contracts_owner", "owner_id"),
    Index("ix_contracts_team", "team_id"),
)
