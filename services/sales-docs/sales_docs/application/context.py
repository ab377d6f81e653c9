"""What every use case gets (database, numbering, peers, policy, seller, clock, ids, event
recorder, mail, business counters) and the unit of work that gives one transaction its document
stores and lets it emit events into the outbox and mail into the mail outbox. What a unit of
work emitted is handed to `SalesContext.committed` (sales_docs.metrics) only after its commit."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from chassis.db import Database
from chassis.errors import Conflict, NotFound, PermissionDenied
from chassis.identity import Caller
from chassis.mail import MailTables, OutgoingMail, queue_mail
from sqlalchemy import event
from sqlalchemy.orm import Session

from sales_docs.adapters import tables as t
from sales_docs.adapters.documents import DocumentStore
from sales_docs.adapters.numbering import Numbering
from sales_docs.adapters.peers import Peers
from sales_docs.domain.adjustments import AdjustmentNote
from sales_docs.domain.deposits import Deposit
from sales_docs.domain.invoice_drafts import InvoiceDraft
from sales_docs.domain.numbering import DocumentType
from sales_docs.domain.opportunities import DEFAULT_PIPELINE, Opportunity, Pipeline
from sales_docs.domain.parties import Party
from sales_docs.domain.quotations import ApprovalPolicy, Quotation
from sales_docs.domain.receipts import Receipt
from sales_docs.domain.sale_orders import SaleOrder
from sales_docs.domain.tax_invoices import TaxInvoice

# Writes one event (subject, domain object or message source) into the session's outbox.
EventRecorder = Callable[[Session, str, Any], None]
# Receives what one transaction emitted, (subject, payload) in order, after it committed.
CommitHook = Callable[[Sequence[tuple[str, Any]]], None]
FINANCE_ROLES = ("accountant",)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_id(prefix: str) -> str:
    """Opaque ids with a readable prefix: "opp_…", "qt_…", "so_…", "dep_…", "inv_…", "rc_…"."""
    return f"{prefix}_{uuid.uuid4().hex}"


@dataclass(frozen=True)
class Policy:
    """Business settings (from SalesDocsSettings)."""

    approval: ApprovalPolicy = field(default_factory=ApprovalPolicy)
    approval_center: bool = True
    quotation_validity_days: int = 30
    invoice_due_days: int = 30
    pipeline: Pipeline = DEFAULT_PIPELINE
    public_base_url: str = "http://127.0.0.1:8080"


class UnitOfWork:
    """One transaction's document stores; `emit` records an event in the same transaction."""

    def __init__(
        self, session: Session, recorder: EventRecorder | None, numbering: Numbering, mail: MailTables
    ) -> None:
        self.session = session
        self._recorder = recorder
        self._numbering = numbering
        self._mail = mail
        self.opportunities = DocumentStore(session, t.opportunities, Opportunity)
        self.quotations = DocumentStore(session, t.quotations, Quotation)
        self.sale_orders = DocumentStore(session, t.sale_orders, SaleOrder)
        self.deposits = DocumentStore(session, t.deposits, Deposit)
        self.invoices = DocumentStore(session, t.tax_invoices, TaxInvoice)
        self.notes = DocumentStore(session, t.adjustment_notes, AdjustmentNote)
        self.receipts = DocumentStore(session, t.receipts, Receipt)
        self.invoice_drafts = DocumentStore(session, t.invoice_drafts, InvoiceDraft)
        # What this transaction emitted (and noted), counted once it has committed.
        self.emitted: list[tuple[str, Any]] = []

    def emit(self, subject: str, payload: Any) -> None:
        if self._recorder is None:
            raise RuntimeError("a read-only unit of work cannot emit events")
        self._recorder(self.session, subject, payload)
        self.emitted.append((subject, payload))

    def note(self, subject: str, payload: Any) -> None:
        """Counts `subject` after the commit like an emitted event, without publishing it (a
        quotation approved at once was also submitted)."""
        self.emitted.append((subject, payload))

    def number(self, document_type: DocumentType, day: dt.date) -> str:
        """The next gapless number, taken in this transaction (a rollback gives it back)."""
        return self._numbering.take(self.session, document_type, day)

    def mail(self, message: OutgoingMail, dedupe_key: str) -> str:
        return queue_mail(self.session, self._mail, message, dedupe_key)


@dataclass(frozen=True)
class SalesContext:
    database: Database
    recorder: EventRecorder
    numbering: Numbering
    peers: Peers
    seller: Party
    mail_tables: MailTables
    policy: Policy = field(default_factory=Policy)
    clock: Callable[[], dt.datetime] = utc_now
    ids: Callable[[str], str] = new_id
    committed: CommitHook = lambda _emitted: None

    def today(self) -> dt.date:
        return self.clock().astimezone(dt.timezone(dt.timedelta(hours=7))).date()

    @contextmanager
    def transaction(self) -> Iterator[UnitOfWork]:
        """A writing unit of work: commits at the end of the block, rolls back on error; what
        it emitted goes to `committed` after the commit only."""
        with self.database.transaction() as session:
            uow = UnitOfWork(session, self.recorder, self.numbering, self.mail_tables)
            yield uow
        self.committed(uow.emitted)

    @contextmanager
    def reading(self) -> Iterator[UnitOfWork]:
        with self.database.read() as session:
            yield UnitOfWork(session, None, self.numbering, self.mail_tables)

    def within(self, session: Session) -> UnitOfWork:
        """A unit of work inside a transaction someone else opened (event handlers); what it
        emitted goes to `committed` when that transaction commits (nothing on a rollback)."""
        uow = UnitOfWork(session, self.recorder, self.numbering, self.mail_tables)
        event.listen(session, "after_commit", lambda _session: self.committed(uow.emitted), once=True)
        return uow


def load(
    store: DocumentStore[Any],
    caller: Caller,
    document_id: str,
    what: str,
    *,
    lock: bool = False,
    finance: bool = False,
) -> tuple[Any, dict[str, Any]]:
    """A document the caller may see: its own, its team's (managers), every one (admins,
    system; accountants for finance documents). PERMISSION_DENIED otherwise."""
    found = store.get(document_id.strip(), lock=lock) if document_id.strip() else None
    if found is None:
        raise NotFound(what, document_id)
    document, row = found
    if not (
        caller.can_access(row["owner_id"], row["team_id"]) or (finance and caller.has_role(*FINANCE_ROLES))
    ):
        raise PermissionDenied(f"{caller.user_id} may not access {what} {document_id}")
    return document, row


def require_finance(caller: Caller, action: str) -> None:
    """Invoices, deposits, notes and receipts are issued by accountants (and admins)."""
    if not (caller.sees_all or caller.has_role(*FINANCE_ROLES)):
        raise PermissionDenied(f"only an accountant may {action}")


def check_version(expected: int, actual: int, what: str, document_id: str) -> None:
    if expected and expected != actual:
        raise Conflict(f"{what} {document_id} is at version {actual}, not {expected}; read it again")


def visible(caller: Caller, table: Any, *, finance: bool = False) -> list[Any]:
    """SQL conditions limiting a list to what the caller may see."""
    if caller.sees_all or (finance and caller.has_role(*FINANCE_ROLES)):
        return []
    own = table.c.owner_id == caller.user_id
    if caller.is_manager and caller.team_ids:
        return [own | table.c.team_id.in_(sorted(caller.team_ids))]
    return [own]
