"""The gateway's own tables: users, teams, memberships, roles, refresh tokens, idempotency
keys, rate-limit counters, and the chassis outbox/inbox for identity events.

Migrations (gateway/migrations) create the same schema; tests compare nothing by hand,
they run the migrations and then use these tables.
"""

from __future__ import annotations

from chassis.db import new_metadata
from chassis.events import add_event_tables
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

metadata = new_metadata()
event_tables = add_event_tables(metadata)

users = Table(
    "users",
    metadata,
    Column("id", String(36), primary_key=True),
    # Stored lower-case; the login name.
    Column("email", String(254), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("manager_id", String(36), ForeignKey("users.id"), nullable=True),
    Column("language", String(8), nullable=False, server_default="th"),
    Column("active", Boolean, nullable=False, server_default="1"),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

user_roles = Table(
    "user_roles",
    metadata,
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("role", String(40), nullable=False),
    PrimaryKeyConstraint("user_id", "role"),
)

teams = Table(
    "teams",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("description", Text, nullable=False, server_default=""),
    Column("manager_id", String(36), ForeignKey("users.id"), nullable=True),
    Column("parent_team_id", String(36), ForeignKey("teams.id"), nullable=True),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

team_memberships = Table(
    "team_memberships",
    metadata,
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("team_id", String(36), ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
    PrimaryKeyConstraint("user_id", "team_id"),
    Index("ix_team_memberships_team_id", "team_id"),
)

refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("id", String(36), primary_key=True),
    # Every token issued from one login shares a family; reuse of a spent one revokes it.
    Column("family_id", String(36), nullable=False, index=True),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    # SHA-256 of the opaque token: a database leak yields no usable token.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True), nullable=True),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("user_id", String(100), nullable=False),
    Column("key", String(255), nullable=False),
    # SHA-256 of method, path and body: the same key with another request is refused.
    Column("request_hash", String(64), nullable=False),
    # "in_progress" until the response is stored, then "done".
    Column("state", String(16), nullable=False),
    Column("response_status", Integer, nullable=True),
    Column("response_body", LargeBinary, nullable=True),
    Column("response_content_type", String(100), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    PrimaryKeyConstraint("user_id", "key"),
)

rate_limit_counters = Table(
    "rate_limit_counters",
    metadata,
    Column("key", String(300), nullable=False),
    # Start of the fixed window, in whole seconds since the epoch.
    Column("window_start", Integer, nullable=False, index=True),
    Column("hits", Integer, nullable=False),
    # End of the window (seconds since the epoch): ended windows are cleaned up by it.
    Column("expires_at", Integer, nullable=True, index=True),
    PrimaryKeyConstraint("key", "window_start"),
)
