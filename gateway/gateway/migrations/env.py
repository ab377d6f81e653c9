"""Alembic environment of the gateway database (run by `python -m gateway migrate`)."""

from chassis.db import run_alembic_env
from gateway.adapters.tables import metadata

run_alembic_env(metadata)
