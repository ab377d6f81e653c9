"""What the desk keeps of others' records, kept by its event consumer: users and teams from the
gateway's identity events (chassis.directory) and customers from the contacts events."""

from __future__ import annotations

from collections.abc import Callable

from chassis.directory import directory_handlers
from chassis.events import EventTables, Handler
from sqlalchemy import delete
from sqlalchemy.orm import Session

from service_desk.adapters.customers import customer_handlers
from service_desk.adapters.tables import contact_persons, customers, directory_tables


def read_model_handlers() -> list[Handler]:
    """The consumer's handlers for the identity and contacts read models."""
    return [*directory_handlers(directory_tables), *customer_handlers()]


def reset_read_models(tables: EventTables, durable: str) -> Callable[[Session], None]:
    """For `crm-replay`: clears the identity and contacts read models and the inbox rows of
    their subjects under `durable` (cases, contracts and the other events' rows stay)."""
    subjects = [handler.subject for handler in read_model_handlers()]

    def reset(session: Session) -> None:
        for table in (directory_tables.users, directory_tables.teams, customers, contact_persons):
            session.execute(delete(table))
        inbox = tables.inbox.c
        session.execute(delete(tables.inbox).where(inbox.consumer == durable, inbox.subject.in_(subjects)))

    return reset
