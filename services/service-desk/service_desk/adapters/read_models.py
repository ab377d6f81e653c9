"""What the desk keeps of others' records, kept by its event consumer: users and teams from the
gateway's identity events (chassis.directory) and customers from the contacts events."""

from __future__ import annotations

from chassis.directory import directory_handlers
from chassis.events import Handler

from service_desk.adapters.customers import customer_handlers
from service_desk.adapters.tables import directory_tables


def read_model_handlers() -> list[Handler]:
    """The consumer's handlers for the identity and contacts read models."""
    return [*directory_handlers(directory_tables), *customer_handlers()]
