"""Alembic environment of the activities database (run by activities.bootstrap.migrate_database)."""

from activities.adapters.tables import metadata
from chassis.db import run_alembic_env

run_alembic_env(metadata)
