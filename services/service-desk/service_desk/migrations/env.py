"""Alembic environment of the service-desk database (run by service_desk.bootstrap.migrate_database)."""

from chassis.db import run_alembic_env
from service_desk.adapters.tables import metadata

run_alembic_env(metadata)
