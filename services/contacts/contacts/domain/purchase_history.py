"""Purchase history: the invoices and receipts sales-docs issued to a customer, kept from
its events so the contacts service can show them without calling back.

A document is stored once (by kind and document id); a newer version of it replaces the
stored one and an older one is dropped. Documents of a merged customer belong to the
survivor and remember the customer they were issued to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from chassis.money import Money

# A merge chain longer than this means corrupt data; stop instead of looping.
MAX_MERGE_HOPS = 16


class DocumentKind(StrEnum):
    INVOICE = "invoice"
    RECEIPT = "receipt"


@dataclass(frozen=True)
class PurchaseDocument:
    """An invoice issued or a receipt recorded, as the sales event reported it."""

    kind: DocumentKind
    document_id: str
    number: str
    customer_id: str
    date: str
    amount: Money
    version: int


@dataclass(frozen=True)
class PurchaseEntry:
    id: str
    customer_id: str
    document: PurchaseDocument
    original_customer_id: str = ""


@dataclass(frozen=True)
class PurchaseTotals:
    invoiced: Money
    received: Money


def resolve_survivor(customer_id: str, merged_into: Callable[[str], str]) -> str:
    """The customer that now stands for `customer_id`: itself, or where it was merged into
    (followed through chains of merges)."""
    current = customer_id
    for _ in range(MAX_MERGE_HOPS):
        target = merged_into(current)
        if not target:
            return current
        current = target
    return current


def is_newer(document: PurchaseDocument, stored_version: int | None) -> bool:
    """Whether the event's version of the document should replace the stored one."""
    return stored_version is None or document.version > stored_version
