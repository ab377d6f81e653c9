"""Deposits (advance payments) against a sale order.

Receiving money before delivery is a tax point (Revenue Code §78(1)(b) for goods, §78/1(1) for
services), so the deposit's receipt is also a tax invoice with VAT on the deposit. Later
invoices of the order deduct the deposit, fully or partially, with its VAT: the invoice charges
VAT only on what the deposit did not already carry. The remaining balance (base and VAT) is what
later invoices may still deduct.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from chassis.errors import FailedPrecondition, InvalidArgument, ViolationCollector
from chassis.money import round_satang, vat_exclusive, vat_inclusive

from sales_docs.domain.amounts import ZERO, VatMode
from sales_docs.domain.parties import Party
from sales_docs.domain.payments import Payment, check_payment
from sales_docs.domain.sale_orders import SaleOrder, SaleOrderStatus


@dataclass(frozen=True)
class Deposit:
    """A received deposit: `base` + `vat` = `total` as printed on its receipt / tax invoice;
    `deducted_*` is what issued invoices have taken of it."""

    id: str
    number: str
    sale_order_id: str
    sale_order_number: str
    customer_id: str
    seller: Party
    buyer: Party
    received_on: dt.date
    payment: Payment
    base: Decimal
    vat: Decimal
    total: Decimal
    vat_rate: Decimal
    description: str = ""
    deducted_base: Decimal = ZERO
    deducted_vat: Decimal = ZERO
    version: int = 1

    @property
    def remaining_base(self) -> Decimal:
        return self.base - self.deducted_base

    @property
    def remaining_vat(self) -> Decimal:
        return self.vat - self.deducted_vat

    @property
    def remaining_total(self) -> Decimal:
        return self.remaining_base + self.remaining_vat


@dataclass(frozen=True)
class DepositDeduction:
    """What one invoice deducts of one deposit: a pre-VAT amount and its VAT."""

    deposit_id: str
    deposit_number: str
    base: Decimal
    vat: Decimal

    @property
    def total(self) -> Decimal:
        return self.base + self.vat


def receive_deposit(
    id: str,
    number: str,
    order: SaleOrder,
    seller: Party,
    amount: Decimal,
    received_on: dt.date,
    payment: Payment,
    *,
    amount_includes_vat: bool = True,
    deposits_outstanding: Decimal = ZERO,
    description: str = "",
) -> Deposit:
    """A deposit of `amount` (including VAT unless `amount_includes_vat` is false) on a confirmed
    order. Deposits not yet deducted (`deposits_outstanding`, pre-VAT) plus this one may not
    exceed what the order has left to invoice (pre-VAT). The deposit carries the order's VAT
    rate when the order has any standard-rated line (a mixed order's deposit is taxed in full,
    the cautious reading), and no VAT when every line is zero-rated or exempt."""
    violations = ViolationCollector()
    if order.status != SaleOrderStatus.CONFIRMED:
        raise FailedPrecondition(
            f"sale order {order.number or order.id} is {order.status.value}, not confirmed"
        )
    amount = round_satang(amount)
    if amount <= 0:
        violations.add("amount", "must be greater than zero")
    check_payment(payment, "payment", violations)
    violations.raise_if_any()
    rate = order.vat_rate if order.priced.totals.standard_base > 0 else Decimal(0)
    split = vat_inclusive(amount, rate) if amount_includes_vat else vat_exclusive(amount, rate)
    left = _left_to_invoice_before_vat(order) - deposits_outstanding
    if split.base > left:
        raise InvalidArgument(
            "amount", f"a deposit of {split.base} before VAT is more than the order has left ({left})"
        )
    return Deposit(
        id=id,
        number=number,
        sale_order_id=order.id,
        sale_order_number=order.number,
        customer_id=order.customer_id,
        seller=seller,
        buyer=order.customer,
        received_on=received_on,
        payment=payment,
        base=split.base,
        vat=split.vat,
        total=split.total,
        vat_rate=rate,
        description=description or f"เงินมัดจำตามใบสั่งขาย {order.number} / Deposit on sale order {order.number}",
    )


def _left_to_invoice_before_vat(order: SaleOrder) -> Decimal:
    remaining = sum((line.amount for line in order.remaining()), ZERO)
    if order.vat_mode == VatMode.EXCLUSIVE:
        return remaining
    totals = order.priced.totals
    if totals.amount_after_discount == 0:
        return ZERO
    return round_satang(remaining * totals.pre_vat_total / totals.amount_after_discount)


def deduction(
    deposit: Deposit, base: Decimal | None = None, field: str = "deposit_deductions[0].amount"
) -> DepositDeduction:
    """What an invoice deducts: `base` (pre-VAT) of the deposit, all that remains when None.
    Its VAT is pro rata; the deduction that takes the last of the deposit takes the rest of its VAT."""
    amount = deposit.remaining_base if base is None else round_satang(base)
    if amount <= 0:
        raise InvalidArgument(field, "must be greater than zero")
    if amount > deposit.remaining_base:
        raise InvalidArgument(
            field,
            f"{amount} is beyond what deposit {deposit.number} has left "
            f"({deposit.remaining_base} before VAT)",
        )
    if amount == deposit.remaining_base:
        vat = deposit.remaining_vat
    else:
        vat = min(round_satang(deposit.vat * amount / deposit.base), deposit.remaining_vat)
    return DepositDeduction(deposit.id, deposit.number, amount, vat)


def with_deduction(deposit: Deposit, taken: DepositDeduction) -> Deposit:
    """The deposit after an invoice deducted `taken` from it."""
    if taken.deposit_id != deposit.id:
        raise ValueError("the deduction belongs to another deposit")
    if taken.base > deposit.remaining_base:
        raise InvalidArgument(
            "deposit_deductions", f"deposit {deposit.number} has only {deposit.remaining_base} left"
        )
    return replace(
        deposit,
        deducted_base=deposit.deducted_base + taken.base,
        deducted_vat=deposit.deducted_vat + taken.vat,
        version=deposit.version + 1,
    )


def with_deduction_reversed(deposit: Deposit, taken: DepositDeduction) -> Deposit:
    """The deposit after the invoice that deducted `taken` was voided."""
    return replace(
        deposit,
        deducted_base=deposit.deducted_base - taken.base,
        deducted_vat=deposit.deducted_vat - taken.vat,
        version=deposit.version + 1,
    )
