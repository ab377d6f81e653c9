"""The outbox and inbox tables every service keeps in its own database.

The outbox holds events written in the same transaction as the state change they describe;
the relay publishes them in `seq` order. The inbox records which events a consumer has
applied, written in the same transaction as the effect, so a redelivery changes nothing.
`add_event_tables` puts both on a service's metadata; `create_event_tables(op)` is the same
schema for the service's first Alembic migration.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.schema import SchemaItem

OUTBOX_TABLE = "outbox"
INBOX_TABLE = "inbox"
UNPUBLISHED_INDEX = "ix_outbox_published_at_seq"

# BIGINT on PostgreSQL (a SERIAL-like identity); INTEGER PRIMARY KEY (the rowid) on SQLite,
# where only that exact type is an auto-incrementing key.
_SEQ_TYPE = BigInteger().with_variant(Integer(), "sqlite")


@dataclass(frozen=True)
class EventTables:
    """The two event tables of one service's metadata."""

    outbox: Table
    inbox: Table


def _outbox_items() -> list[SchemaItem]:
    return [
        # Ordering key: assigned at insert, so rows of one aggregate (whose writes its row
        # lock serialises) are in commit order.
        Column("seq", _SEQ_TYPE, nullable=False, autoincrement=True),
        Column("id", String(36), nullable=False),
        Column("aggregate_type", String(100), nullable=False),
        Column("aggregate_id", String(100), nullable=False),
        Column("subject", String(255), nullable=False),
        Column("event_type", String(255), nullable=False),
        Column("payload", LargeBinary, nullable=False),
        Column("headers", Text, nullable=False),
        Column("occurred_at", DateTime(timezone=True), nullable=False),
        Column("published_at", DateTime(timezone=True), nullable=True),
        Column("attempts", Integer, nullable=False, server_default="0"),
        Column("last_error", Text, nullable=True),
        PrimaryKeyConstraint("seq", name="pk_outbox"),
        UniqueConstraint("id", name="uq_outbox_id"),
        Index(UNPUBLISHED_INDEX, "published_at", "seq"),
    ]


def _inbox_items() -> list[SchemaItem]:
    return [
        Column("consumer", String(100), nullable=False),
        Column("event_id", String(64), nullable=False),
        Column("subject", String(255), nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False),
        PrimaryKeyConstraint("consumer", "event_id", name="pk_inbox"),
    ]


def add_event_tables(metadata: MetaData) -> EventTables:
    """Adds `outbox` and `inbox` to a service's metadata and returns them."""
    outbox = Table(OUTBOX_TABLE, metadata, *_outbox_items(), sqlite_autoincrement=True)
    inbox = Table(INBOX_TABLE, metadata, *_inbox_items())
    return EventTables(outbox=outbox, inbox=inbox)


def create_event_tables(op: Any) -> None:
    """For a service's first Alembic migration: `create_event_tables(op)` in `upgrade()`."""
    op.create_table(OUTBOX_TABLE, *_outbox_items(), sqlite_autoincrement=True)
    op.create_table(INBOX_TABLE, *_inbox_items())


def drop_event_tables(op: Any) -> None:
    """The `downgrade()` counterpart of `create_event_tables`."""
    op.drop_table(INBOX_TABLE)
    op.drop_index(UNPUBLISHED_INDEX, table_name=OUTBOX_TABLE)
    op.drop_table(OUTBOX_TABLE)
