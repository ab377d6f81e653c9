"""Sale orders: what the customer ordered, and how much of each line is still to invoice.

A sale order comes from an accepted quotation (copying its lines, prices and discounts) or is
entered directly. Confirming gives it its number and commits the promotions and coupons it used
(pricing counts redemptions from the confirmed event); cancelling releases them and is only
possible while nothing of it has been invoiced.

Partial invoicing works per line: an invoice takes a quantity of a line (or a percentage of
every line) and the amount pro rata; the invoice that takes the last of a line's quantity takes
the rest of its amount, so the invoices of an order add up to the order to the satang.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from chassis.errors import FailedPrecondition, InvalidArgument
from chassis.money import THAI_VAT_RATE

from sales_docs.domain.amounts import ZERO, LineItem, PricedDocument, VatMode, price_document
from sales_docs.domain.parties import Party
from sales_docs.domain.quotations import Quotation, QuotationStatus


class SaleOrderStatus(StrEnum):
    DRAFT = "draft"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class LineProgress:
    """How much of one order line issued invoices have taken (amount in the order's price mode)."""

    invoiced_quantity: Decimal = ZERO
    invoiced_amount: Decimal = ZERO


@dataclass(frozen=True)
class RemainingLine:
    """What is left to invoice of one order line."""

    line_index: int
    description: str
    quantity: Decimal
    amount: Decimal


@dataclass(frozen=True)
class SaleOrder:
    id: str
    customer: Party
    customer_id: str
    owner_id: str
    order_date: dt.date
    items: tuple[LineItem, ...]
    progress: tuple[LineProgress, ...]
    vat_mode: VatMode = VatMode.EXCLUSIVE
    vat_rate: Decimal = THAI_VAT_RATE
    document_discount: Decimal = ZERO
    number: str = ""
    status: SaleOrderStatus = SaleOrderStatus.DRAFT
    quotation_id: str = ""
    quotation_number: str = ""
    customer_reference: str = ""
    promotion_codes: tuple[str, ...] = ()
    coupon_codes: tuple[str, ...] = ()
    team_id: str = ""
    cancel_reason: str = ""
    version: int = 1

    @property
    def priced(self) -> PricedDocument:
        return price_document(self.items, self.vat_mode, self.document_discount, self.vat_rate)

    def remaining(self) -> tuple[RemainingLine, ...]:
        """What is left to invoice, per line."""
        lines = self.priced.lines
        return tuple(
            RemainingLine(
                index,
                item.description,
                item.quantity - progress.invoiced_quantity,
                lines[index].amount - progress.invoiced_amount,
            )
            for index, (item, progress) in enumerate(zip(self.items, self.progress, strict=True))
        )

    @property
    def fully_invoiced(self) -> bool:
        return all(line.quantity == 0 for line in self.remaining())

    @property
    def invoiced_anything(self) -> bool:
        return any(p.invoiced_quantity > 0 for p in self.progress)


def new_sale_order(
    id: str,
    customer: Party,
    customer_id: str,
    owner_id: str,
    order_date: dt.date,
    items: Sequence[LineItem],
    *,
    vat_mode: VatMode = VatMode.EXCLUSIVE,
    document_discount: Decimal = ZERO,
    vat_rate: Decimal = THAI_VAT_RATE,
    customer_reference: str = "",
    promotion_codes: Sequence[str] = (),
    coupon_codes: Sequence[str] = (),
    team_id: str = "",
) -> SaleOrder:
    """A draft order entered directly; lines are checked (InvalidArgument per field)."""
    if not customer_id:
        raise InvalidArgument("customer_id", "is required")
    order = SaleOrder(
        id=id,
        customer=customer,
        customer_id=customer_id,
        owner_id=owner_id,
        order_date=order_date,
        items=tuple(items),
        progress=tuple(LineProgress() for _ in items),
        vat_mode=vat_mode,
        vat_rate=vat_rate,
        document_discount=document_discount,
        customer_reference=customer_reference,
        promotion_codes=tuple(promotion_codes),
        coupon_codes=tuple(coupon_codes),
        team_id=team_id,
    )
    _ = order.priced  # validates lines and the discount
    return order


def sale_order_from_quotation(
    quotation: Quotation,
    id: str,
    order_date: dt.date,
    *,
    customer_reference: str = "",
    promotion_codes: Sequence[str] = (),
    coupon_codes: Sequence[str] = (),
) -> SaleOrder:
    """An order with the accepted quotation's lines, prices, discounts and VAT mode."""
    if quotation.status != QuotationStatus.ACCEPTED or quotation.superseded:
        raise FailedPrecondition(
            f"quotation {quotation.display_number} is {quotation.status.value}; "
            "only an accepted one becomes an order"
        )
    order = new_sale_order(
        id,
        quotation.customer,
        quotation.customer_id,
        quotation.owner_id,
        order_date,
        quotation.items,
        vat_mode=quotation.vat_mode,
        document_discount=quotation.document_discount,
        vat_rate=quotation.vat_rate,
        customer_reference=customer_reference,
        promotion_codes=promotion_codes,
        coupon_codes=coupon_codes,
        team_id=quotation.team_id,
    )
    return replace(order, quotation_id=quotation.id, quotation_number=quotation.display_number)


def confirmed(order: SaleOrder, number: str) -> SaleOrder:
    """The confirmed order with its number (drafts take none)."""
    if order.status != SaleOrderStatus.DRAFT:
        raise FailedPrecondition(f"a {order.status.value} sale order cannot be confirmed")
    if not number:
        raise InvalidArgument("number", "a confirmed sale order needs its number")
    return replace(order, status=SaleOrderStatus.CONFIRMED, number=number, version=order.version + 1)


def cancelled(order: SaleOrder, reason: str, deposits_held: Decimal = ZERO) -> SaleOrder:
    """The cancelled order. Not once invoiced (credit the invoices instead), and not while a
    deposit is held (refund it first: the deposit's tax invoice needs a credit note)."""
    if order.status == SaleOrderStatus.CANCELLED:
        raise FailedPrecondition(f"sale order {order.number or order.id} is already cancelled")
    if order.invoiced_anything:
        raise FailedPrecondition(f"sale order {order.number} has invoices; issue credit notes instead")
    if deposits_held > 0:
        raise FailedPrecondition(
            f"sale order {order.number} holds a deposit of {deposits_held}; refund it first"
        )
    if not reason.strip():
        raise InvalidArgument("reason", "is required when a sale order is cancelled")
    return replace(
        order, status=SaleOrderStatus.CANCELLED, cancel_reason=reason.strip(), version=order.version + 1
    )


def with_progress(order: SaleOrder, changes: Sequence[tuple[int, Decimal, Decimal]]) -> SaleOrder:
    """The order after invoices took (index, quantity, amount) of its lines; negative values
    give them back (a voided invoice)."""
    progress = list(order.progress)
    for index, quantity, amount in changes:
        before = progress[index]
        progress[index] = LineProgress(before.invoiced_quantity + quantity, before.invoiced_amount + amount)
    return replace(order, progress=tuple(progress), version=order.version + 1)
