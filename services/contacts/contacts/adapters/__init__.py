"""Adapters of the contacts service: SQLAlchemy tables (`tables`) and one repository per
aggregate, each working inside a session the use case opened (one transaction per use case)."""
