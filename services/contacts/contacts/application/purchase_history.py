"""Purchase history: applying sales events (inside the consumer's inbox transaction) and
reading a customer's documents with totals."""

from __future__ import annotations

from dataclasses import dataclass

from chassis.identity import Caller
from chassis.money import Money

from contacts.adapters.paging import Page, PageRequest
from contacts.application.context import ContactsContext, UnitOfWork
from contacts.application.records import load_customer
from contacts.domain.purchase_history import (
    DocumentKind,
    PurchaseDocument,
    PurchaseEntry,
    is_newer,
    resolve_survivor,
)

TOTALS_CURRENCY = "THB"


@dataclass(frozen=True)
class PurchaseHistoryPage:
    entries: list[PurchaseEntry]
    page: Page
    total_invoiced: Money
    total_received: Money


def record_document(uow: UnitOfWork, ctx: ContactsContext, document: PurchaseDocument) -> bool:
    """Stores an invoice or receipt under the customer that now stands for the one it was
    issued to (the survivor of a merge); an older version than the stored one is dropped.
    Returns whether anything changed."""
    stored = uow.history.stored_version(document.kind, document.document_id)
    if not is_newer(document, stored):
        return False
    customer_id = resolve_survivor(document.customer_id, uow.customers.merged_into)
    original = document.customer_id if customer_id != document.customer_id else ""
    uow.history.save(ctx.ids("ph"), customer_id, original, document, ctx.clock(), replace=stored is not None)
    return True


def get_purchase_history(
    ctx: ContactsContext, caller: Caller, customer_id: str, page: PageRequest
) -> PurchaseHistoryPage:
    """A customer's invoices and receipts, latest first, with totals over all of them (THB)."""
    with ctx.reading() as uow:
        customer = load_customer(uow, caller, customer_id, field="customer_id")
        entries, result = uow.history.find(customer.id, page)
        totals = uow.history.totals(customer.id, TOTALS_CURRENCY)
    return PurchaseHistoryPage(entries, result, totals[DocumentKind.INVOICE], totals[DocumentKind.RECEIPT])


def reset_purchase_history(uow: UnitOfWork) -> None:
    """Empties the read model, for a replay that rebuilds it from the stream."""
    uow.history.clear()
