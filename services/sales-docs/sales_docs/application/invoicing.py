"""Tax invoice use cases (accountants): issue for all or part of a confirmed order deducting
deposits (crm.sales.invoice.issued), void before it is sent or paid (the number stays, void),
credit and debit notes. The order's progress and the deposits' balances change in the same
transaction as the invoice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from chassis.errors import InvalidArgument
from chassis.identity import Caller

from sales_docs.adapters import tables as t
from sales_docs.application.context import SalesContext, UnitOfWork, load, require_finance, visible
from sales_docs.application.sale_orders import columns as order_columns
from sales_docs.domain import adjustments as adj
from sales_docs.domain import deposits as dep
from sales_docs.domain import tax_invoices as ti
from sales_docs.domain.adjustments import AdjustmentKind, AdjustmentLine, AdjustmentNote
from sales_docs.domain.amounts import ZERO
from sales_docs.domain.numbering import DocumentType
from sales_docs.domain.receipts import OpenInvoice, open_invoice
from sales_docs.domain.sale_orders import SaleOrder, with_progress
from sales_docs.domain.tax_invoices import TaxInvoice

ISSUED = "crm.sales.invoice.issued"
VOIDED = "crm.sales.invoice.voided"


@dataclass(frozen=True)
class InvoiceForm:
    sale_order_id: str
    selection: ti.OrderSelection = field(default_factory=ti.OrderSelection)
    deductions: tuple[tuple[str, Decimal | None], ...] = ()
    issue_date: dt.date | None = None
    due_date: dt.date | None = None
    notes: str = ""


def invoice_columns(invoice: TaxInvoice, owner_id: str, team_id: str) -> dict[str, Any]:
    return {
        "number": invoice.number,
        "customer_id": invoice.customer_id,
        "owner_id": owner_id,
        "team_id": team_id,
        "status": invoice.status.value,
        "document_date": invoice.issue_date,
        "sale_order_id": invoice.sale_order_id,
        "due_date": invoice.due_date,
    }


def issue_invoice(ctx: SalesContext, caller: Caller, form: InvoiceForm) -> TaxInvoice:
    require_finance(caller, "issue a tax invoice")
    with ctx.transaction() as uow:
        order, row = load(uow.sale_orders, caller, form.sale_order_id, "sale order", lock=True, finance=True)
        return invoice_order(ctx, uow, order, row["owner_id"], row["team_id"], form)


def invoice_order(
    ctx: SalesContext, uow: UnitOfWork, order: SaleOrder, owner_id: str, team_id: str, form: InvoiceForm
) -> TaxInvoice:
    """Issues the invoice of a (locked) confirmed order inside `uow`: the next number, the
    order's progress, the deposits deducted, crm.sales.invoice.issued. Shared with invoice
    drafts, which confirm an order and invoice it in one transaction."""
    lines = ti.lines_from_order(order, form.selection)
    deposits, deductions = [], []
    for index, (deposit_id, amount) in enumerate(form.deductions):
        field = f"deposit_deductions[{index}]"
        found = uow.deposits.get(deposit_id, lock=True)
        if found is None or found[0].sale_order_id != order.id:
            raise InvalidArgument(f"{field}.deposit_id", f"{deposit_id!r} is not a deposit of this order")
        deposits.append(found[0])
        deductions.append(dep.deduction(found[0], amount, f"{field}.amount"))
    day = form.issue_date or ctx.today()
    invoice = ti.issue_tax_invoice(
        ctx.ids("inv"),
        uow.number(DocumentType.TAX_INVOICE, day),
        ctx.seller,
        order.customer,
        order.customer_id,
        day,
        lines,
        vat_mode=order.vat_mode,
        vat_rate=order.vat_rate,
        deductions=deductions,
        due_date=form.due_date or day + dt.timedelta(days=ctx.policy.invoice_due_days),
        order=order,
        notes=form.notes,
    )
    moved = with_progress(order, ti.order_progress(invoice))
    uow.sale_orders.update(moved, ctx.clock(), **order_columns(moved))
    for deposit, taken in zip(deposits, deductions, strict=True):
        uow.deposits.update(dep.with_deduction(deposit, taken), ctx.clock())
    uow.invoices.add(
        invoice,
        ctx.clock(),
        settled=ZERO,
        settled_base=ZERO,
        **invoice_columns(invoice, owner_id, team_id),
    )
    uow.emit(ISSUED, invoice)
    return invoice


def void_invoice(ctx: SalesContext, caller: Caller, invoice_id: str, reason: str) -> TaxInvoice:
    require_finance(caller, "void a tax invoice")
    with ctx.transaction() as uow:
        invoice, row = load(uow.invoices, caller, invoice_id, "tax invoice", lock=True, finance=True)
        voided = ti.voided(invoice, reason, Decimal(row["settled"]))
        if invoice.sale_order_id:
            found = uow.sale_orders.get(invoice.sale_order_id, lock=True)
            if found is not None:
                order = with_progress(found[0], ti.order_progress(invoice, -1))
                uow.sale_orders.update(order, ctx.clock(), **order_columns(order))
        for taken in invoice.deductions:
            held = uow.deposits.get(taken.deposit_id, lock=True)
            if held is not None:
                uow.deposits.update(dep.with_deduction_reversed(held[0], taken), ctx.clock())
        uow.invoices.update(voided, ctx.clock(), status=voided.status.value)
        uow.emit(VOIDED, voided)
        return voided


def notes_of(uow: UnitOfWork, invoice_id: str) -> list[AdjustmentNote]:
    return [n for n, _ in uow.notes.all([t.adjustment_notes.c.invoice_id == invoice_id])]


def issue_note(
    ctx: SalesContext,
    caller: Caller,
    invoice_id: str,
    kind: AdjustmentKind,
    lines: Sequence[AdjustmentLine],
    reason: str,
    issue_date: dt.date | None = None,
) -> AdjustmentNote:
    """A credit note (§86/10) or debit note (§86/9) against an issued invoice."""
    require_finance(caller, f"issue a {kind.value.replace('_', ' ')}")
    with ctx.transaction() as uow:
        invoice, row = load(uow.invoices, caller, invoice_id, "tax invoice", lock=True, finance=True)
        day = issue_date or ctx.today()
        document_type = (
            DocumentType.CREDIT_NOTE if kind == AdjustmentKind.CREDIT_NOTE else DocumentType.DEBIT_NOTE
        )
        make = adj.credit_note if kind == AdjustmentKind.CREDIT_NOTE else adj.debit_note
        note = make(
            ctx.ids(kind.value[:2]),
            uow.number(document_type, day),
            invoice,
            lines,
            reason,
            day,
            notes_of(uow, invoice.id),
        )
        account = open_invoice(invoice, [*notes_of(uow, invoice.id), note])
        if account.total < Decimal(row["settled"]):
            raise InvalidArgument("lines", f"the credit leaves less due ({account.total}) than was paid")
        uow.notes.add(
            note,
            ctx.clock(),
            number=note.number,
            customer_id=note.customer_id,
            owner_id=row["owner_id"],
            team_id=row["team_id"],
            status="issued",
            document_date=day,
            invoice_id=invoice.id,
        )
        uow.emit(f"crm.sales.{kind.value}.issued", note)
        return note


def account_of(uow: UnitOfWork, invoice: TaxInvoice, row: dict[str, Any]) -> OpenInvoice:
    """The invoice's account: what it asks after notes, and what receipts settled."""
    account = open_invoice(invoice, notes_of(uow, invoice.id))
    return OpenInvoice(
        account.invoice_id,
        account.number,
        account.customer_id,
        account.issue_date,
        account.due_date,
        account.base,
        account.total,
        Decimal(row["settled"]),
        Decimal(row["settled_base"]),
    )


def get_invoice(
    ctx: SalesContext, caller: Caller, invoice_id: str
) -> tuple[TaxInvoice, OpenInvoice | None, list[AdjustmentNote]]:
    with ctx.reading() as uow:
        invoice, row = load(uow.invoices, caller, invoice_id, "tax invoice", finance=True)
        account = None if invoice.is_void else account_of(uow, invoice, row)
        return invoice, account, notes_of(uow, invoice.id)


def list_invoices(
    ctx: SalesContext, caller: Caller, customer_id: str, order_id: str, size: int, token: str
) -> tuple[list[tuple[TaxInvoice, OpenInvoice | None]], str]:
    table = t.tax_invoices
    where = visible(caller, table, finance=True)
    if customer_id:
        where.append(table.c.customer_id == customer_id)
    if order_id:
        where.append(table.c.sale_order_id == order_id)
    with ctx.reading() as uow:
        rows, next_token = uow.invoices.find(where, size, token)
        return [(x, None if x.is_void else account_of(uow, x, r)) for x, r in rows], next_token


def list_notes(ctx: SalesContext, caller: Caller, invoice_id: str) -> list[AdjustmentNote]:
    with ctx.reading() as uow:
        load(uow.invoices, caller, invoice_id, "tax invoice", finance=True)
        return notes_of(uow, invoice_id)
