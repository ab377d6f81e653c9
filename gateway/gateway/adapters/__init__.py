"""Adapters: the gateway's tables and repositories (SQLAlchemy), plugged in by create_app."""
