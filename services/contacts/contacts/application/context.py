"""What every use case gets: the database, the event recorder, the policy (settings that are
business rules), a clock and an id generator; and the unit of work that gives one transaction
its repositories and lets it emit events into the outbox."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from chassis.db import Database
from sqlalchemy.orm import Session

from contacts.adapters.audit_log import AuditLog
from contacts.adapters.contact_persons import ContactPersonRepository
from contacts.adapters.customers import CustomerRepository
from contacts.adapters.groups import GroupRepository
from contacts.adapters.import_fingerprints import ImportFingerprints
from contacts.adapters.leads import LeadRepository
from contacts.adapters.purchase_history import PurchaseHistory
from contacts.domain.events import DomainEvent
from contacts.metrics import count_committed

# Writes one domain event into the outbox of the session's transaction (contacts.events).
EventRecorder = Callable[[Session, DomainEvent], None]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_id(prefix: str) -> str:
    """Opaque ids with a readable prefix: "lead_…", "cus_…", "cp_…", "grp_…"."""
    return f"{prefix}_{uuid.uuid4().hex}"


@dataclass(frozen=True)
class Policy:
    """Business settings (from ContactsSettings)."""

    lead_default_owner_id: str = ""
    lead_default_team_id: str = ""
    duplicate_block_score: int = 80
    duplicate_report_score: int = 50
    import_default_batch_size: int = 200
    import_max_batch_size: int = 1000


class UnitOfWork:
    """One transaction's repositories; `emit` records an event in the same transaction."""

    def __init__(self, session: Session, recorder: EventRecorder | None) -> None:
        self.session = session
        self._recorder = recorder
        self.leads = LeadRepository(session)
        self.customers = CustomerRepository(session)
        self.contacts = ContactPersonRepository(session)
        self.groups = GroupRepository(session)
        self.history = PurchaseHistory(session)
        self.audit = AuditLog(session)
        self.fingerprints = ImportFingerprints(session)
        # What this transaction emitted, counted by contacts.metrics once it has committed.
        self.emitted: list[DomainEvent] = []

    def emit(self, event: DomainEvent) -> None:
        if self._recorder is None:
            raise RuntimeError("a read-only unit of work cannot emit events")
        self._recorder(self.session, event)
        self.emitted.append(event)


@dataclass(frozen=True)
class ContactsContext:
    database: Database
    recorder: EventRecorder
    policy: Policy = field(default_factory=Policy)
    clock: Callable[[], dt.datetime] = utc_now
    ids: Callable[[str], str] = new_id

    @contextmanager
    def transaction(self) -> Iterator[UnitOfWork]:
        """A writing unit of work: commits at the end of the block, rolls back on error; the
        business counters count its events after the commit."""
        with self.database.transaction() as session:
            uow = UnitOfWork(session, self.recorder)
            yield uow
        count_committed(uow.emitted)

    @contextmanager
    def reading(self) -> Iterator[UnitOfWork]:
        """A read-only unit of work (the read engine; nothing may be emitted)."""
        with self.database.read() as session:
            yield UnitOfWork(session, None)

    def within(self, session: Session) -> UnitOfWork:
        """A unit of work inside a transaction someone else opened (event handlers)."""
        return UnitOfWork(session, self.recorder)
