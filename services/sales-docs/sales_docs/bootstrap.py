"""The one place that wires the sales-docs service."""

from __future__ import annotations

from pathlib import Path

from chassis.db import migrate

from sales_docs.settings import SalesDocsSettings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def migrate_database(settings: SalesDocsSettings) -> None:
    """Brings the schema to the newest migration (idempotent; runs at every start)."""
    migrate(settings.resolved_database_url(), MIGRATIONS_DIR)
