"""The words of explanations: what a rule gives and why it did not apply, for a sales rep to read
out to the customer ("add 2 more to get 10% off", "spend 350.00 more to get 5% off the order")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pricing.domain.model import CustomerRef, GiftRule, Period, Promotion, Reason, RewardKind


def amount_text(value: Decimal) -> str:
    """1234.5 → "1,234.50"."""
    return f"{value:,.2f}"


def quantity_text(value: Decimal) -> str:
    """A quantity without trailing zeros or exponent: 2.000 → "2", 1.50 → "1.5"."""
    text = format(value.normalize(), "f")
    return text


def percent_text(value: Decimal) -> str:
    return f"{quantity_text(value)}%"


def benefit_text(promotion: Promotion) -> str:
    """What a promotion gives, e.g. "10% off", "buy 2 get 1 free", "5% off the order"."""
    reward = promotion.reward
    percent = promotion.percent or Decimal(0)
    amount = promotion.amount or Decimal(0)
    if reward is RewardKind.PERCENT_OFF:
        return f"{percent_text(percent)} off"
    if reward is RewardKind.AMOUNT_OFF:
        return f"{amount_text(amount)} off each unit"
    if reward is RewardKind.FIXED_PRICE:
        return f"a price of {amount_text(amount)} each"
    if reward is RewardKind.BUY_X_GET_Y:
        buy = quantity_text(promotion.buy_quantity or Decimal(0))
        get = quantity_text(promotion.get_quantity or Decimal(0))
        given = "free" if percent >= 100 else f"at {percent_text(percent)} off"
        return f"buy {buy} get {get} {given}"
    if reward is RewardKind.ORDER_PERCENT:
        capped = f" (up to {amount_text(promotion.cap)})" if promotion.cap is not None else ""
        return f"{percent_text(percent)} off the order{capped}"
    return f"{amount_text(amount)} off the order"


def gift_text(rule: GiftRule, count: Decimal | None = None) -> str:
    """e.g. "1 EA of P-100 free" or "2 EA of a gift of your choice free"."""
    quantity = quantity_text(rule.gift_quantity if count is None else count)
    if len(rule.gift_product_ids) > 1:
        return f"{quantity} {rule.gift_unit} of a gift of your choice free"
    product = rule.gift_product_ids[0] if rule.gift_product_ids else "gift"
    return f"{quantity} {rule.gift_unit} of {product} free"


def period_reason(period: Period, day: dt.date) -> str:
    if period.valid_from is not None and day < period.valid_from:
        return f"valid from {period.valid_from.isoformat()}"
    return f"ended on {period.valid_to.isoformat() if period.valid_to else day.isoformat()}"


def not_in_scope(
    customer_ids: frozenset[str], group_ids: frozenset[str], customer: CustomerRef
) -> str | None:
    """Why a customer is outside a rule's customer scope (None when inside)."""
    if not customer_ids and not group_ids:
        return None
    if customer.id in customer_ids or (group_ids and not group_ids.isdisjoint(customer.group_ids)):
        return None
    if group_ids:
        return "not for this customer's groups"
    return "not for this customer"


def missing_quantity(missing: Decimal, benefit: str) -> str:
    return f"add {quantity_text(missing)} more to get {benefit}"


def missing_amount(missing: Decimal, benefit: str) -> str:
    return f"spend {amount_text(missing)} more to get {benefit}"


def lost_in_group(winner: Promotion) -> str:
    return f"lost to {winner.id} in group '{winner.group}'"


def excluded_by(exclusive_id: str) -> str:
    return f"excluded by the exclusive promotion {exclusive_id}"


def applied_text(promotion: Promotion) -> str:
    return f"applied: {benefit_text(promotion)}"


REASON_TEXT = {
    Reason.COUPON_REQUIRED: "needs a coupon code",
    Reason.USAGE_LIMIT_REACHED: "usage limit reached",
}
