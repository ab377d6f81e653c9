"""Root conftest: the chassis's shared fixtures (real nats-server, SQLite and PostgreSQL)."""

pytest_plugins = ["chassis.testing"]
