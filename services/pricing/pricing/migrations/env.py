"""Alembic environment of the pricing database (run by pricing.bootstrap.migrate_database)."""

from chassis.db import run_alembic_env
from pricing.adapters.tables import metadata

run_alembic_env(metadata)
