"""Receipt use cases (accountants): a receipt over one or several invoices with withholding
tax (crm.sales.receipt.recorded), and the accounts-receivable aging."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from chassis.errors import InvalidArgument
from chassis.identity import Caller

from sales_docs.adapters import tables as t
from sales_docs.application.context import SalesContext, load, require_finance, visible
from sales_docs.application.invoicing import account_of
from sales_docs.domain.aging import AgingReport, ar_aging
from sales_docs.domain.amounts import ZERO
from sales_docs.domain.numbering import DocumentType
from sales_docs.domain.payments import Payment
from sales_docs.domain.receipts import AllocationRequest, Receipt, issue_receipt

RECORDED = "crm.sales.receipt.recorded"


@dataclass(frozen=True)
class ReceiptForm:
    customer_id: str
    payment: Payment
    allocations: tuple[AllocationRequest, ...]
    received_on: dt.date | None = None
    withholding_tax_rate: Decimal = ZERO
    withholding_tax_certificate: str = ""
    notes: str = ""


def record_receipt(ctx: SalesContext, caller: Caller, form: ReceiptForm) -> Receipt:
    require_finance(caller, "record a receipt")
    if not form.customer_id.strip():
        raise InvalidArgument("customer_id", "is required")
    with ctx.transaction() as uow:
        accounts, rows, buyer = [], {}, None
        for index, request in enumerate(form.allocations):
            found = uow.invoices.get(request.invoice_id, lock=True)
            if found is None or found[0].is_void:
                continue  # the domain names allocations[i].invoice_id
            invoice, row = found
            rows[invoice.id] = row
            buyer = buyer or invoice.buyer
            accounts.append(account_of(uow, invoice, row))
            del index
        day = form.received_on or ctx.today()
        receipt = issue_receipt(
            ctx.ids("rc"),
            uow.number(DocumentType.RECEIPT, day),
            form.customer_id.strip(),
            ctx.seller,
            buyer or ctx.seller,
            day,
            form.payment,
            accounts,
            form.allocations,
            withholding_tax_rate=form.withholding_tax_rate,
            withholding_tax_certificate=form.withholding_tax_certificate,
            notes=form.notes,
        )
        for allocation in receipt.allocations:
            uow.invoices.session.execute(
                sa.update(t.tax_invoices)
                .where(t.tax_invoices.c.id == allocation.invoice_id)
                .values(
                    settled=t.tax_invoices.c.settled + allocation.amount,
                    settled_base=t.tax_invoices.c.settled_base + allocation.base,
                )
            )
        first = rows[receipt.allocations[0].invoice_id]
        uow.receipts.add(
            receipt,
            ctx.clock(),
            number=receipt.number,
            customer_id=receipt.customer_id,
            owner_id=first["owner_id"],
            team_id=first["team_id"],
            status="recorded",
            document_date=day,
        )
        uow.emit(RECORDED, receipt)
        return receipt


def get_receipt(ctx: SalesContext, caller: Caller, receipt_id: str) -> Receipt:
    with ctx.reading() as uow:
        found: Receipt = load(uow.receipts, caller, receipt_id, "receipt", finance=True)[0]
        return found


def list_receipts(
    ctx: SalesContext, caller: Caller, customer_id: str, size: int, token: str
) -> tuple[list[Receipt], str]:
    where = visible(caller, t.receipts, finance=True)
    if customer_id:
        where.append(t.receipts.c.customer_id == customer_id)
    with ctx.reading() as uow:
        rows, next_token = uow.receipts.find(where, size, token)
    return [x for x, _ in rows], next_token


def aging(
    ctx: SalesContext, caller: Caller, as_of: dt.date | None, customer_ids: Sequence[str] = ()
) -> AgingReport:
    """What customers owe by days past due; accountants and admins see all, others their own."""
    table = t.tax_invoices
    where = [*visible(caller, table, finance=True), table.c.status == "issued"]
    if customer_ids:
        where.append(table.c.customer_id.in_(list(customer_ids)))
    with ctx.reading() as uow:
        accounts = [account_of(uow, x, r) for x, r in uow.invoices.all(where)]
    return ar_aging(accounts, as_of or ctx.today())
