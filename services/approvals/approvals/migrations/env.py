"""Alembic environment of the approvals database (run by approvals.bootstrap.migrate_database)."""

from approvals.adapters.tables import metadata
from chassis.db import run_alembic_env

run_alembic_env(metadata)
