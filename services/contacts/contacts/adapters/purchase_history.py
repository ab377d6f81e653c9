"""Purchase history rows (from sales events): one per document, totals summed in SQL over
integer satang so they are exact on SQLite as on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from chassis.money import Money, round_satang
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from contacts.adapters.paging import Page, PageRequest, keyset_page
from contacts.adapters.rows import Row
from contacts.adapters.tables import purchase_history
from contacts.domain.purchase_history import DocumentKind, PurchaseDocument, PurchaseEntry

MINOR_UNITS = Decimal(100)


def to_minor(amount: Decimal) -> int:
    return int(round_satang(amount) * MINOR_UNITS)


def from_minor(minor: int) -> Decimal:
    return (Decimal(minor) / MINOR_UNITS).quantize(Decimal("0.01"))


def _entry(row: Row) -> PurchaseEntry:
    document = PurchaseDocument(
        kind=DocumentKind(row["kind"]),
        document_id=row["document_id"],
        number=row["number"],
        customer_id=row["customer_id"],
        date=row["document_date"],
        amount=Money(from_minor(int(row["amount_minor"])), row["currency"]),
        version=int(row["version"]),
    )
    return PurchaseEntry(
        id=row["id"],
        customer_id=row["customer_id"],
        document=document,
        original_customer_id=row["original_customer_id"],
    )


class PurchaseHistory:
    def __init__(self, session: Session) -> None:
        self.session = session

    def stored_version(self, kind: DocumentKind, document_id: str) -> int | None:
        value = self.session.execute(
            select(purchase_history.c.version).where(
                purchase_history.c.kind == kind.value, purchase_history.c.document_id == document_id
            )
        ).scalar_one_or_none()
        return None if value is None else int(value)

    def save(
        self,
        entry_id: str,
        customer_id: str,
        original_customer_id: str,
        document: PurchaseDocument,
        now: dt.datetime,
        *,
        replace: bool,
    ) -> None:
        """Inserts the document, or replaces the stored (older) version of it."""
        values = {
            "customer_id": customer_id,
            "original_customer_id": original_customer_id,
            "number": document.number,
            "document_date": document.date,
            "amount_minor": to_minor(document.amount.amount),
            "currency": document.amount.currency,
            "version": document.version,
            "recorded_at": now,
        }
        if replace:
            self.session.execute(
                update(purchase_history)
                .where(
                    purchase_history.c.kind == document.kind.value,
                    purchase_history.c.document_id == document.document_id,
                )
                .values(**values)
            )
        else:
            self.session.execute(
                insert(purchase_history).values(
                    id=entry_id, kind=document.kind.value, document_id=document.document_id, **values
                )
            )

    def repoint(self, from_customer: str, to_customer: str) -> int:
        """Moves a merged customer's history to the survivor, remembering where it came from."""
        moved = self.session.execute(
            update(purchase_history)
            .where(
                purchase_history.c.customer_id == from_customer, purchase_history.c.original_customer_id == ""
            )
            .values(customer_id=to_customer, original_customer_id=from_customer)
        ).rowcount  # type: ignore[attr-defined]
        moved += self.session.execute(
            update(purchase_history)
            .where(purchase_history.c.customer_id == from_customer)
            .values(customer_id=to_customer)
        ).rowcount  # type: ignore[attr-defined]
        return int(moved)

    def find(self, customer_id: str, page: PageRequest) -> tuple[list[PurchaseEntry], Page]:
        """A customer's documents, latest document date first."""
        query = select(purchase_history).where(purchase_history.c.customer_id == customer_id)
        result = keyset_page(
            self.session,
            query,
            sort=purchase_history.c.document_date,
            row_id=purchase_history.c.id,
            page=page,
            count=False,
            sort_is_time=False,
        )
        return [_entry(row) for row in result.rows], result

    def totals(self, customer_id: str, currency: str) -> dict[DocumentKind, Money]:
        """Sums per document kind in `currency` (documents in other currencies are left out)."""
        rows = self.session.execute(
            select(purchase_history.c.kind, func.sum(purchase_history.c.amount_minor).label("total"))
            .where(purchase_history.c.customer_id == customer_id, purchase_history.c.currency == currency)
            .group_by(purchase_history.c.kind)
        )
        sums = {DocumentKind(row.kind): Money(from_minor(int(row.total or 0)), currency) for row in rows}
        return {kind: sums.get(kind, Money(Decimal("0.00"), currency)) for kind in DocumentKind}

    def clear(self) -> None:
        """Empties the read model (replay rebuilds it from the stream)."""
        self.session.execute(delete(purchase_history))
