"""The pricing service's adapters: SQLAlchemy tables and the stores that read and write them."""
