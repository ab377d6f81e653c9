"""The CRM platform's microservice chassis: the plumbing every service shares.

Modules: settings (environment), db (SQLAlchemy + Alembic), errors (domain error types),
money (Decimal amounts and VAT), identity (the caller and record-level access), grpc (server
and client), events (outbox, relay, inbox consumers, replay), observability (metrics, health,
logs, traces), runtime (one process that runs them all), testing (pytest fixtures).
"""
