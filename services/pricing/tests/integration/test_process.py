"""`python -m pricing migrate` (the Helm chart's migration Job) brings the schema up to date and
exits without serving; an unknown argument is refused."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def run(args: list[str], database: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{database}", EVENTS_ENABLED="false")
    return subprocess.run(
        [sys.executable, "-m", "pricing", *args], env=env, capture_output=True, text=True, timeout=60
    )


def test_migrate_only_creates_the_schema_and_exits(tmp_path: Path) -> None:
    database = tmp_path / "pricing.db"
    done = run(["migrate"], database)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(database) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        state = connection.execute("SELECT version, usage_version FROM pricing_state").fetchall()
    assert {"products", "price_list_items", "pricing_changes", "outbox", "alembic_version"} <= tables
    assert state == [(0, 0)]
    assert run(["migrate"], database).returncode == 0  # idempotent, as every upgrade runs it


def test_an_unknown_command_is_refused(tmp_path: Path) -> None:
    done = run(["serve-forever"], tmp_path / "pricing.db")
    assert done.returncode != 0
    assert "usage: python -m pricing [migrate]" in done.stderr
