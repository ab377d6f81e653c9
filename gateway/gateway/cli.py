"""Command line: `python -m gateway migrate` runs the schema migrations (once, before the
workers start); `python -m gateway create-admin --email E [--password P]` creates an admin
(the password is asked for when not given, so it stays out of shell history)."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path

from chassis.db import Database, migrate
from chassis.errors import DomainError

from gateway.settings import GatewaySettings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def run_migrations(settings: GatewaySettings) -> None:
    migrate(settings.resolved_database_url(), MIGRATIONS_DIR)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="upgrade the gateway database to the latest schema")
    admin = commands.add_parser("create-admin", help="create a user with the admin role")
    admin.add_argument("--email", required=True)
    admin.add_argument("--password", default=None)
    admin.add_argument("--display-name", default="Administrator")
    args = parser.parse_args(argv)
    settings = GatewaySettings()
    if args.command == "migrate":
        run_migrations(settings)
        print(f"migrated {settings.resolved_database_url().split('@')[-1]}")
        return 0
    return _create_admin(settings, args.email, args.password, args.display_name)


def _create_admin(settings: GatewaySettings, email: str, password: str | None, display_name: str) -> int:
    from gateway.app import build_identity

    if password is None:
        password = getpass.getpass("password for the new admin: ")
    run_migrations(settings)
    database = Database(settings.resolved_database_url())
    try:
        user = build_identity(settings, database).create_user(
            {"email": email, "password": password, "display_name": display_name, "roles": ["admin"]}
        )
    except DomainError as error:
        print(f"not created: {error.message}", file=sys.stderr)
        return 1
    finally:
        database.dispose()
    print(f"created admin {user.email} ({user.id})")
    return 0
