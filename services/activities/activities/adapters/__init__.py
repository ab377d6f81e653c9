"""Database tables and repositories of the activities service."""
