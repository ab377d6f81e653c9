"""SQLAlchemy tables and repositories of the approvals database."""
