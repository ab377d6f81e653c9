"""Alembic environment of the contacts database (run by contacts.bootstrap.migrate_database)."""

from chassis.db import run_alembic_env
from contacts.adapters.tables import metadata

run_alembic_env(metadata)
