"""Effects of consumed events, each inside the inbox transaction the consumer opened:
customers' groups from contacts, and redemption counts from confirmed and cancelled sale orders.

Redemptions count once per sale order: a redelivered or replayed confirmation finds its order
stored and counts nothing; a cancellation releases what the confirmation counted (from the
stored redemptions, not from the cancel event); a cancellation that arrives first is
remembered, so the late confirmation counts nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pricing.application.context import UnitOfWork


@dataclass(frozen=True)
class SaleOrderRedemptions:
    sale_order_id: str
    customer_id: str
    redemptions: tuple[tuple[str, str], ...]  # (promotion id, coupon code or "")


def keep_customer_groups(uow: UnitOfWork, customer_id: str, group_ids: Iterable[str], version: int) -> bool:
    """Stores the customer's groups unless a newer version is stored (stale events drop)."""
    return uow.customers.keep(customer_id, group_ids, version)


def forget_merged_customer(uow: UnitOfWork, merged_customer_id: str) -> None:
    """A merged-away customer no longer buys on its own; its groups are dropped."""
    if merged_customer_id:
        uow.customers.forget(merged_customer_id)


def count_redemptions(uow: UnitOfWork, order: SaleOrderRedemptions) -> bool:
    """True when the order's redemptions were counted now (False: seen before)."""
    if uow.redemptions.order_status(order.sale_order_id) is not None:
        return False
    used = [(p.strip(), c.strip()) for p, c in order.redemptions if p.strip()]
    uow.redemptions.confirm(order.sale_order_id, order.customer_id, used)
    return True


def release_redemptions(uow: UnitOfWork, sale_order_id: str, customer_id: str) -> None:
    uow.redemptions.cancel(sale_order_id, customer_id)
