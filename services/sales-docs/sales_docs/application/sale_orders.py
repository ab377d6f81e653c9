"""Sale order and deposit use cases: create (from an accepted quotation or direct), confirm
(number + crm.sales.sale_order.confirmed with the redemptions), cancel (releases them), receive
a deposit (a tax point: its receipt is a tax invoice)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from chassis.identity import Caller

from sales_docs.adapters import tables as t
from sales_docs.application.context import SalesContext, UnitOfWork, load, require_finance, visible
from sales_docs.application.opportunities import ownership
from sales_docs.application.pricing_lines import LineInput, PricingRecord, priced_items
from sales_docs.domain import sale_orders as so
from sales_docs.domain.amounts import ZERO, VatMode
from sales_docs.domain.deposits import Deposit, receive_deposit
from sales_docs.domain.numbering import DocumentType
from sales_docs.domain.payments import Payment
from sales_docs.domain.sale_orders import SaleOrder, SaleOrderStatus

CREATED = "crm.sales.sale_order.created"
CONFIRMED = "crm.sales.sale_order.confirmed"
CANCELLED = "crm.sales.sale_order.cancelled"
DEPOSIT_RECEIVED = "crm.sales.deposit.received"


@dataclass(frozen=True)
class SaleOrderForm:
    quotation_id: str = ""
    customer_id: str = ""
    lines: tuple[LineInput, ...] = ()
    order_date: dt.date | None = None
    vat_mode: VatMode = VatMode.EXCLUSIVE
    document_discount: Decimal = ZERO
    customer_reference: str = ""
    coupon_codes: tuple[str, ...] = ()
    team_id: str = ""


@dataclass(frozen=True)
class OrderEvent:
    """A confirmed or cancelled order with what pricing said (its redemptions)."""

    order: SaleOrder
    pricing: PricingRecord


def columns(order: SaleOrder, pricing: PricingRecord | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {
        "number": order.number,
        "customer_id": order.customer_id,
        "owner_id": order.owner_id,
        "team_id": order.team_id,
        "status": order.status.value,
        "document_date": order.order_date,
        "quotation_id": order.quotation_id,
    }
    if pricing is not None:
        found["pricing"] = pricing.to_json()
    return found


def create_sale_order(ctx: SalesContext, caller: Caller, form: SaleOrderForm) -> SaleOrder:
    day = form.order_date or ctx.today()
    if form.quotation_id:
        with ctx.transaction() as uow:
            quotation, row = load(uow.quotations, caller, form.quotation_id, "quotation", lock=True)
            pricing = PricingRecord.from_json(row["pricing"])
            order = so.sale_order_from_quotation(
                quotation,
                ctx.ids("so"),
                day,
                customer_reference=form.customer_reference,
                promotion_codes=pricing.promotion_ids,
                coupon_codes=tuple(pricing.coupons),
            )
            uow.sale_orders.add(order, ctx.clock(), **columns(order, pricing))
            uow.emit(CREATED, order)
            return order
    owner, team = ownership(caller, "", form.team_id)
    snapshot = ctx.peers.customer(form.customer_id.strip())
    items, pricing = priced_items(
        ctx.peers, form.customer_id, day, form.lines, form.coupon_codes, snapshot.group_ids
    )
    order = so.new_sale_order(
        ctx.ids("so"),
        snapshot.party,
        form.customer_id.strip(),
        owner,
        day,
        items,
        vat_mode=form.vat_mode,
        document_discount=form.document_discount,
        customer_reference=form.customer_reference,
        promotion_codes=pricing.promotion_ids,
        coupon_codes=tuple(pricing.coupons),
        team_id=team,
    )
    with ctx.transaction() as uow:
        uow.sale_orders.add(order, ctx.clock(), **columns(order, pricing))
        uow.emit(CREATED, order)
    return order


def confirm_sale_order(ctx: SalesContext, caller: Caller, order_id: str) -> SaleOrder:
    with ctx.transaction() as uow:
        current, row = load(uow.sale_orders, caller, order_id, "sale order", lock=True)
        return confirm_within(ctx, uow, current, PricingRecord.from_json(row["pricing"]))


def confirm_within(
    ctx: SalesContext, uow: UnitOfWork, current: SaleOrder, pricing: PricingRecord
) -> SaleOrder:
    """Confirms a (locked) draft order inside `uow`: its number and crm.sales.sale_order.confirmed
    (shared with invoice drafts, which confirm and invoice in one transaction)."""
    if current.status != SaleOrderStatus.DRAFT:
        return so.confirmed(current, current.number)  # raises FailedPrecondition
    moved = so.confirmed(current, uow.number(DocumentType.SALE_ORDER, current.order_date))
    uow.sale_orders.update(moved, ctx.clock(), **columns(moved))
    uow.emit(CONFIRMED, OrderEvent(moved, pricing))
    return moved


def deposits_of(uow: UnitOfWork, order_id: str) -> list[Deposit]:
    return [d for d, _ in uow.deposits.all([t.deposits.c.sale_order_id == order_id])]


def cancel_sale_order(ctx: SalesContext, caller: Caller, order_id: str, reason: str) -> SaleOrder:
    with ctx.transaction() as uow:
        current, row = load(uow.sale_orders, caller, order_id, "sale order", lock=True)
        held = sum((d.remaining_total for d in deposits_of(uow, current.id)), ZERO)
        moved = so.cancelled(current, reason, held)
        uow.sale_orders.update(moved, ctx.clock(), **columns(moved))
        was_confirmed = current.status == SaleOrderStatus.CONFIRMED
        pricing = PricingRecord.from_json(row["pricing"]) if was_confirmed else PricingRecord()
        uow.emit(CANCELLED, OrderEvent(moved, pricing))
        return moved


def get_sale_order(
    ctx: SalesContext, caller: Caller, order_id: str
) -> tuple[SaleOrder, PricingRecord, Decimal]:
    """The order, its pricing record and its deposit balance (including VAT)."""
    with ctx.reading() as uow:
        order, row = load(uow.sale_orders, caller, order_id, "sale order", finance=True)
        balance = sum((d.remaining_total for d in deposits_of(uow, order.id)), ZERO)
        return order, PricingRecord.from_json(row["pricing"]), balance


def list_sale_orders(
    ctx: SalesContext, caller: Caller, customer_id: str, status: str, size: int, token: str
) -> tuple[list[SaleOrder], str]:
    table = t.sale_orders
    where = visible(caller, table, finance=True)
    if customer_id:
        where.append(table.c.customer_id == customer_id)
    if status:
        where.append(table.c.status == status)
    with ctx.reading() as uow:
        rows, next_token = uow.sale_orders.find(where, size, token)
    return [x for x, _ in rows], next_token


@dataclass(frozen=True)
class DepositForm:
    sale_order_id: str
    amount: Decimal
    payment: Payment
    received_on: dt.date | None = None
    amount_includes_vat: bool = True
    description: str = ""


def create_deposit(ctx: SalesContext, caller: Caller, form: DepositForm) -> Deposit:
    require_finance(caller, "receive a deposit")
    with ctx.transaction() as uow:
        order, row = load(uow.sale_orders, caller, form.sale_order_id, "sale order", lock=True, finance=True)
        outstanding = sum((d.remaining_base for d in deposits_of(uow, order.id)), ZERO)
        day = form.received_on or ctx.today()
        deposit = receive_deposit(
            ctx.ids("dep"),
            uow.number(DocumentType.DEPOSIT, day),
            order,
            ctx.seller,
            form.amount,
            day,
            form.payment,
            amount_includes_vat=form.amount_includes_vat,
            deposits_outstanding=outstanding,
            description=form.description,
        )
        uow.deposits.add(
            deposit,
            ctx.clock(),
            number=deposit.number,
            customer_id=deposit.customer_id,
            owner_id=row["owner_id"],
            team_id=row["team_id"],
            status="received",
            document_date=day,
            sale_order_id=order.id,
        )
        uow.emit(DEPOSIT_RECEIVED, deposit)
        return deposit


def get_deposit(ctx: SalesContext, caller: Caller, deposit_id: str) -> Deposit:
    with ctx.reading() as uow:
        found: Deposit = load(uow.deposits, caller, deposit_id, "deposit", finance=True)[0]
        return found


def list_deposits(
    ctx: SalesContext, caller: Caller, order_id: str, customer_id: str, size: int, token: str
) -> tuple[list[Deposit], str]:
    table = t.deposits
    where = visible(caller, table, finance=True)
    if order_id:
        where.append(table.c.sale_order_id == order_id)
    if customer_id:
        where.append(table.c.customer_id == customer_id)
    with ctx.reading() as uow:
        rows, next_token = uow.deposits.find(where, size, token)
    return [x for x, _ in rows], next_token
