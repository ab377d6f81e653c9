"""Alembic environment of the sales-docs database (run by sales_docs.bootstrap.migrate_database)."""

from chassis.db import run_alembic_env
from sales_docs.adapters.tables import metadata

run_alembic_env(metadata)
