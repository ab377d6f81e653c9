"""Tax invoices (Revenue Code §86/4) for all or part of a sale order, deducting deposits.

An issued tax invoice never changes: a mistake is corrected by a credit note (§86/10) or a
debit note (§86/9) referencing it, or, before it is sent, by voiding it (the number stays used,
marked void, so the numbering has no gap). For services the tax point is payment (§78/1(1)),
so the invoice is issued together with its receipt as one "ใบกำกับภาษี/ใบเสร็จรับเงิน"
(kind TAX_INVOICE_RECEIPT; see `receipts.issue_tax_invoice_receipt`).

VAT is computed once on the invoice total after the deposit deductions: a deposit already
carried its VAT on its own tax invoice, so the invoice charges VAT on the rest only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from chassis.errors import FailedPrecondition, InvalidArgument, ViolationCollector
from chassis.money import THAI_VAT_RATE, round_satang

from sales_docs.domain.amounts import ZERO, LineItem, TaxCategory, VatMode, price_document, settle_vat, vat_of
from sales_docs.domain.deposits import DepositDeduction
from sales_docs.domain.parties import Party, check_party
from sales_docs.domain.sale_orders import SaleOrder, SaleOrderStatus


class InvoiceKind(StrEnum):
    TAX_INVOICE = "tax_invoice"
    TAX_INVOICE_RECEIPT = "tax_invoice_receipt"


class InvoiceStatus(StrEnum):
    ISSUED = "issued"
    VOID = "void"


@dataclass(frozen=True)
class InvoiceLine:
    """One invoiced line. `amount` is in the invoice's price mode after all discounts;
    `discount` is what the line's and the document's discounts took off quantity × price."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    unit: str = ""
    discount: Decimal = ZERO
    tax_category: TaxCategory = TaxCategory.STANDARD
    order_line: int | None = None
    free_gift: bool = False


@dataclass(frozen=True)
class OrderSelection:
    """Part of an order to invoice: (line index, quantity) pairs, or a percentage of every
    line's remaining quantity. Neither means everything that is left."""

    lines: tuple[tuple[int, Decimal], ...] = ()
    percent: Decimal | None = None


def lines_from_order(
    order: SaleOrder, selection: OrderSelection = OrderSelection()
) -> tuple[InvoiceLine, ...]:
    """Invoice lines for part of a confirmed order; InvalidArgument naming `lines[i].quantity`
    when a quantity is zero or beyond what the order has left."""
    if order.status != SaleOrderStatus.CONFIRMED:
        raise FailedPrecondition(
            f"sale order {order.number or order.id} is {order.status.value}, not confirmed"
        )
    remaining = order.remaining()
    wanted: list[tuple[int, Decimal]]
    if selection.lines:
        wanted = list(selection.lines)
    elif selection.percent is not None:
        if not Decimal(0) < selection.percent <= Decimal(100):
            raise InvalidArgument("percent", "must be more than 0 and at most 100")
        wanted = [
            (r.line_index, order.items[r.line_index].quantity * selection.percent / 100)
            for r in remaining
            if r.quantity > 0
        ]
        wanted = [(i, min(q, remaining[i].quantity)) for i, q in wanted]
    else:
        wanted = [(r.line_index, r.quantity) for r in remaining if r.quantity > 0]
    violations = ViolationCollector()
    if not wanted:
        violations.add("lines", f"sale order {order.number} has nothing left to invoice")
    priced = order.priced.lines
    result = []
    for position, (index, quantity) in enumerate(wanted):
        where = f"lines[{position}]"
        if not 0 <= index < len(order.items):
            violations.add(f"{where}.order_line", f"sale order {order.number} has no line {index}")
            continue
        left = remaining[index]
        if quantity <= 0:
            violations.add(f"{where}.quantity", "must be greater than zero")
            continue
        if quantity > left.quantity:
            violations.add(
                f"{where}.quantity", f"{quantity} is beyond what the order has left ({left.quantity})"
            )
            continue
        item = order.items[index]
        if quantity == left.quantity:
            amount = left.amount
        else:
            amount = min(round_satang(priced[index].amount * quantity / item.quantity), left.amount)
        result.append(
            InvoiceLine(
                description=item.description,
                quantity=quantity,
                unit_price=item.unit_price,
                amount=amount,
                unit=item.unit,
                discount=round_satang(quantity * item.unit_price) - amount,
                tax_category=item.tax_category,
                order_line=index,
                free_gift=item.free_gift,
            )
        )
    violations.raise_if_any()
    return tuple(result)


def lines_from_items(
    items: Sequence[LineItem], vat_mode: VatMode, document_discount: Decimal = ZERO
) -> tuple[InvoiceLine, ...]:
    """Invoice lines for a document without an order (a service fee, a maintenance bill)."""
    priced = price_document(items, vat_mode, document_discount)
    return tuple(
        InvoiceLine(
            description=item.description,
            quantity=item.quantity,
            unit_price=item.unit_price,
            amount=line.amount,
            unit=item.unit,
            discount=line.line_discount + line.document_discount,
            tax_category=item.tax_category,
            free_gift=item.free_gift,
        )
        for item, line in zip(items, priced.lines, strict=True)
    )


@dataclass(frozen=True)
class InvoiceTotals:
    """The invoice's figures. `lines_amount` is the sum of line amounts (price mode);
    `deposit_base`/`deposit_vat` what the deposits take off; then `pre_vat_total` (split into
    `standard_base`, `zero_rated_base`, `exempt_base`), `vat` on the standard base, and
    `grand_total` = `pre_vat_total` + `vat`, the amount due."""

    vat_mode: VatMode
    vat_rate: Decimal
    lines_amount: Decimal
    lines_discount: Decimal
    deposit_base: Decimal
    deposit_vat: Decimal
    standard_base: Decimal
    zero_rated_base: Decimal
    exempt_base: Decimal
    pre_vat_total: Decimal
    vat: Decimal
    grand_total: Decimal


def invoice_totals(
    lines: Sequence[InvoiceLine],
    deductions: Sequence[DepositDeduction],
    vat_mode: VatMode,
    vat_rate: Decimal = THAI_VAT_RATE,
) -> InvoiceTotals:
    """VAT once on the standard-rated total less the deposits (which carried their own VAT)."""

    def sum_of(category: TaxCategory) -> Decimal:
        return sum((line.amount for line in lines if line.tax_category == category), ZERO)

    standard, zero_rated, exempt = (sum_of(c) for c in TaxCategory)
    deposit_base = sum((d.base for d in deductions), ZERO)
    deposit_vat = sum((d.vat for d in deductions), ZERO)
    deposit_amount = deposit_base if vat_mode == VatMode.EXCLUSIVE else deposit_base + deposit_vat
    if deposit_amount > standard:
        raise InvalidArgument(
            "deposit_deductions",
            f"deposits of {deposit_amount} are more than the invoice's taxable amount {standard}",
        )
    taxable = standard - deposit_amount
    vat = vat_of(taxable, vat_mode, vat_rate)
    standard_base = taxable if vat_mode == VatMode.EXCLUSIVE else taxable - vat
    pre_vat = standard_base + zero_rated + exempt
    return InvoiceTotals(
        vat_mode=vat_mode,
        vat_rate=vat_rate,
        lines_amount=standard + zero_rated + exempt,
        lines_discount=sum((line.discount for line in lines), ZERO),
        deposit_base=deposit_base,
        deposit_vat=deposit_vat,
        standard_base=standard_base,
        zero_rated_base=zero_rated,
        exempt_base=exempt,
        pre_vat_total=pre_vat,
        vat=vat,
        grand_total=pre_vat + vat,
    )


def line_vat_split(
    lines: Sequence[InvoiceLine], vat_mode: VatMode, vat_rate: Decimal
) -> tuple[tuple[Decimal, Decimal], ...]:
    """Each line's (pre-VAT value, VAT) before deposits, with VAT once on the lines' total."""
    settled = settle_vat(
        [line.amount for line in lines], [line.tax_category for line in lines], vat_mode, vat_rate
    )
    return tuple(zip(settled.bases, settled.vats, strict=True))


@dataclass(frozen=True)
class TaxInvoice:
    id: str
    number: str
    kind: InvoiceKind
    issue_date: dt.date
    due_date: dt.date
    seller: Party
    buyer: Party
    customer_id: str
    lines: tuple[InvoiceLine, ...]
    deductions: tuple[DepositDeduction, ...]
    totals: InvoiceTotals
    sale_order_id: str = ""
    sale_order_number: str = ""
    customer_reference: str = ""
    payment_terms: str = ""
    notes: str = ""
    status: InvoiceStatus = InvoiceStatus.ISSUED
    sent_at: dt.datetime | None = None
    void_reason: str = ""
    version: int = 1

    @property
    def is_void(self) -> bool:
        return self.status == InvoiceStatus.VOID


def issue_tax_invoice(
    id: str,
    number: str,
    seller: Party,
    buyer: Party,
    customer_id: str,
    issue_date: dt.date,
    lines: Sequence[InvoiceLine],
    *,
    vat_mode: VatMode = VatMode.EXCLUSIVE,
    vat_rate: Decimal = THAI_VAT_RATE,
    deductions: Sequence[DepositDeduction] = (),
    due_date: dt.date | None = None,
    order: SaleOrder | None = None,
    kind: InvoiceKind = InvoiceKind.TAX_INVOICE,
    customer_reference: str = "",
    payment_terms: str = "",
    notes: str = "",
) -> TaxInvoice:
    """An issued tax invoice with every §86/4 particular checked (InvalidArgument per field)."""
    violations = ViolationCollector()
    if not number.strip():
        violations.add("number", "a tax invoice needs its number")
    check_party(seller, "seller", violations, tax_id_required=True)
    # §86/4(3): the buyer's tax id and branch are required when the buyer is VAT-registered;
    # a buyer without a tax id (a person) gets an invoice with name and address only.
    check_party(buyer, "buyer", violations, tax_id_required=False)
    if not lines:
        violations.add("lines", "a tax invoice needs at least one line")
    for index, line in enumerate(lines):
        if line.quantity <= 0:
            violations.add(f"lines[{index}].quantity", "must be greater than zero")
        if not line.description.strip():
            violations.add(f"lines[{index}].description", "is required")
    if due_date is not None and due_date < issue_date:
        violations.add("due_date", "must not be before the issue date")
    violations.raise_if_any()
    return TaxInvoice(
        id=id,
        number=number.strip(),
        kind=kind,
        issue_date=issue_date,
        due_date=due_date or issue_date,
        seller=seller,
        buyer=buyer,
        customer_id=customer_id,
        lines=tuple(lines),
        deductions=tuple(deductions),
        totals=invoice_totals(lines, deductions, vat_mode, vat_rate),
        sale_order_id=order.id if order else "",
        sale_order_number=order.number if order else "",
        customer_reference=customer_reference or (order.customer_reference if order else ""),
        payment_terms=payment_terms,
        notes=notes,
    )


def order_progress(invoice: TaxInvoice, sign: int = 1) -> tuple[tuple[int, Decimal, Decimal], ...]:
    """What the invoice takes of its order's lines, for `sale_orders.with_progress` (sign -1
    gives it back when the invoice is voided)."""
    return tuple(
        (line.order_line, sign * line.quantity, sign * line.amount)
        for line in invoice.lines
        if line.order_line is not None
    )


def marked_sent(invoice: TaxInvoice, at: dt.datetime) -> TaxInvoice:
    """Sent to the customer: from now on only a credit or debit note corrects it."""
    if invoice.is_void:
        raise FailedPrecondition(f"tax invoice {invoice.number} is void")
    return replace(invoice, sent_at=invoice.sent_at or at, version=invoice.version + 1)


def voided(invoice: TaxInvoice, reason: str, paid: Decimal = ZERO) -> TaxInvoice:
    """Voided before it was sent or paid; the number stays, marked void. The caller gives the
    order lines and deposits back (`order_progress(invoice, -1)`, `with_deduction_reversed`)."""
    if invoice.is_void:
        raise FailedPrecondition(f"tax invoice {invoice.number} is already void")
    if invoice.sent_at is not None:
        raise FailedPrecondition(
            f"tax invoice {invoice.number} was sent; correct it with a credit or debit note"
        )
    if paid > 0:
        raise FailedPrecondition(f"tax invoice {invoice.number} has receipts; correct it with a credit note")
    if not reason.strip():
        raise InvalidArgument("reason", "is required when a tax invoice is voided")
    return replace(
        invoice, status=InvoiceStatus.VOID, void_reason=reason.strip(), version=invoice.version + 1
    )
