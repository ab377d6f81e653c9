"""The approvals database schema (SQLAlchemy Core). Migrations in `approvals/migrations`
create the same tables; `metadata` also carries the chassis outbox/inbox, mail outbox and
identity directory (users, teams: chassis.directory).

A request is stored as one row with its steps as JSON (the aggregate is always read and
written whole, under its row lock and version). `approver_queue` is the index of who may
decide which pending request now, rewritten with every change of the request. Money and
percentages are decimal text.
"""

from __future__ import annotations

from chassis.db import new_metadata
from chassis.directory import add_directory_tables
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
    UniqueConstraint,
)

ID = 40
USER_ID = 64

metadata = new_metadata()
event_tables = add_event_tables(metadata)
mail_tables = add_mail_tables(metadata)

# Users and teams from the identity events: the chassis read model, same tables as migration 0001.
directory_tables = add_directory_tables(metadata)
users = directory_tables.users
teams = directory_tables.teams

policies = Table(
    "policies",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("request_type", String(30), nullable=False),
    Column("name", String(200), nullable=False),
    Column("priority", Integer, nullable=False),
    Column("conditions", Text, nullable=False),  # JSON
    Column("steps", Text, nullable=False),  # JSON
    Column("active", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(USER_ID), nullable=False),
    Index("ix_policies_request_type", "request_type", "priority"),
)

requests = Table(
    "requests",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("request_type", String(30), nullable=False),
    Column("subject_type", String(40), nullable=False),
    Column("subject_id", String(ID), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("round", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("requester_id", String(USER_ID), nullable=False),
    Column("team_id", String(USER_ID), nullable=False),
    Column("policy_id", String(ID), nullable=False),
    Column("policy_name", String(200), nullable=False),
    Column("title", String(255), nullable=False),
    Column("customer_name", String(255), nullable=False),
    Column("snapshot", Text, nullable=False),  # JSON
    Column("steps", Text, nullable=False),  # JSON
    Column("decided_by", String(USER_ID), nullable=False),
    Column("reason", Text, nullable=False),
    # When the pending step escalates (null without an SLA or when not pending).
    Column("due_at", DateTime(timezone=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("version", Integer, nullable=False),
    UniqueConstraint("subject_type", "subject_id", "revision", name="uq_requests_subject_revision"),
    Index("ix_requests_status_due_at", "status", "due_at"),
    Index("ix_requests_requester", "requester_id", "created_at"),
)

approver_queue = Table(
    "approver_queue",
    metadata,
    Column("user_id", String(USER_ID), nullable=False),
    Column("request_id", String(ID), nullable=False),
    Column("request_type", String(30), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("user_id", "request_id"),
    Index("ix_approver_queue_request", "request_id"),
)

history = Table(
    "history",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("request_id", String(ID), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("action", String(30), nullable=False),
    Column("actor_id", String(USER_ID), nullable=False),
    Column("on_behalf_of", String(255), nullable=False),
    Column("step_index", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Column("channel", String(20), nullable=False),
    Column("client_ip", String(64), nullable=False),
    Column("user_agent", String(255), nullable=False),
    Column("details", Text, nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Index("ix_history_request", "request_id", "seq"),
)

delegations = Table(
    "delegations",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("delegator_id", String(USER_ID), nullable=False),
    Column("delegate_id", String(USER_ID), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_delegations_delegator", "delegator_id", "end_date"),
)

action_links = Table(
    "action_links",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("request_id", String(ID), nullable=False),
    Column("step_index", Integer, nullable=False),
    Column("actor_id", String(USER_ID), nullable=False),
    Column("action", String(10), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_action_links_request", "request_id"),
)
