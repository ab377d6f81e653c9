"""The mail outbox tables a service keeps in its own database.

`mail_outbox` holds one row per logical mail, written in the same transaction as the state
change that caused it (a decision, a reminder), so a mail exists if and only if its cause was
committed. `dedupe_key` is unique: the same logical mail is queued once even when its cause
is retried. `mail_attachments` holds the files of a mail. `add_mail_tables` puts both on a
service's metadata; `create_mail_tables(op)` is the same schema for an Alembic migration.

Later columns come with a migration helper that each service's own new migration calls:
`add_mail_headers_column(op)` (extra headers, JSON). It adds the column only when it is
missing, because `create_mail_tables` creates the current schema: a database created after
the column existed already has it, an older one gets it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)
from sqlalchemy.schema import SchemaItem

MAIL_OUTBOX_TABLE = "mail_outbox"
MAIL_ATTACHMENTS_TABLE = "mail_attachments"
DUE_INDEX = "ix_mail_outbox_status_next_attempt_at"
HEADERS_COLUMN = "headers"

# Row states: queued (waiting for its next attempt), sending (claimed by one dispatcher until
# `claimed_until`), sent, failed (permanent error or attempts used up; `last_error` says why).
QUEUED = "queued"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"


@dataclass(frozen=True)
class MailTables:
    """The two mail tables of one service's metadata."""

    outbox: Table
    attachments: Table


def _headers_column() -> Column[str]:
    # A JSON list of [name, value]; NULL on rows queued before the column existed.
    return Column(HEADERS_COLUMN, Text, nullable=True)


def _outbox_items() -> list[SchemaItem]:
    return [
        Column("id", String(36), primary_key=True),
        Column("dedupe_key", String(255), nullable=True, unique=True),
        # JSON lists of addresses.
        Column("to_addresses", Text, nullable=False),
        Column("cc_addresses", Text, nullable=False),
        Column("subject", Text, nullable=False),
        Column("text_body", Text, nullable=False),
        Column("html_body", Text, nullable=True),
        Column("language", String(10), nullable=False),
        Column("status", String(10), nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("next_attempt_at", DateTime(timezone=True), nullable=False),
        Column("claimed_until", DateTime(timezone=True), nullable=True),
        Column("claim_token", String(36), nullable=True),
        Column("last_error", Text, nullable=True),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("sent_at", DateTime(timezone=True), nullable=True),
        Column("failed_at", DateTime(timezone=True), nullable=True),
        _headers_column(),
        Index(DUE_INDEX, "status", "next_attempt_at"),
    ]


def _attachment_items() -> list[SchemaItem]:
    return [
        Column("mail_id", String(36), ForeignKey(f"{MAIL_OUTBOX_TABLE}.id"), nullable=False),
        Column("position", Integer, nullable=False),
        Column("filename", String(255), nullable=False),
        Column("content_type", String(255), nullable=False),
        Column("content", LargeBinary, nullable=False),
        PrimaryKeyConstraint("mail_id", "position"),
    ]


def add_mail_tables(metadata: MetaData) -> MailTables:
    """Adds `mail_outbox` and `mail_attachments` to a service's metadata and returns them."""
    outbox = Table(MAIL_OUTBOX_TABLE, metadata, *_outbox_items())
    attachments = Table(MAIL_ATTACHMENTS_TABLE, metadata, *_attachment_items())
    return MailTables(outbox=outbox, attachments=attachments)


def create_mail_tables(op: Any) -> None:
    """For a service's Alembic migration: `create_mail_tables(op)` in `upgrade()`."""
    op.create_table(MAIL_OUTBOX_TABLE, *_outbox_items())
    op.create_table(MAIL_ATTACHMENTS_TABLE, *_attachment_items())


def drop_mail_tables(op: Any) -> None:
    """The `downgrade()` counterpart of `create_mail_tables`."""
    op.drop_table(MAIL_ATTACHMENTS_TABLE)
    op.drop_index(DUE_INDEX, table_name=MAIL_OUTBOX_TABLE)
    op.drop_table(MAIL_OUTBOX_TABLE)


def _has_headers_column(op: Any) -> bool:
    columns = sa.inspect(op.get_bind()).get_columns(MAIL_OUTBOX_TABLE)
    return any(column["name"] == HEADERS_COLUMN for column in columns)


def add_mail_headers_column(op: Any) -> None:
    """For a service's new Alembic migration: adds `mail_outbox.headers` when it is missing
    (an outbox created before extra headers existed); a no-op on a current one."""
    if not _has_headers_column(op):
        op.add_column(MAIL_OUTBOX_TABLE, _headers_column())


def drop_mail_headers_column(op: Any) -> None:
    """The `downgrade()` counterpart of `add_mail_headers_column` (batch mode for SQLite)."""
    if _has_headers_column(op):
        with op.batch_alter_table(MAIL_OUTBOX_TABLE) as batch:
            batch.drop_column(HEADERS_COLUMN)
