"""Coupon codes presented with a request: each gets an outcome, and an accepted one unlocks its
promotion. A rejected code never fails the evaluation; the outcome says why (unknown, inactive,
not_yet_valid, expired, not_customer, used_up, duplicate)."""

from __future__ import annotations

from pricing.domain.model import CouponOutcome, EvaluationRequest, Usage
from pricing.domain.rulebook import RuleBook


def check_coupons(
    book: RuleBook, request: EvaluationRequest, usage: Usage
) -> tuple[tuple[CouponOutcome, ...], frozenset[str]]:
    """(an outcome per presented code in order, the ids of the promotions they unlock)."""
    outcomes: list[CouponOutcome] = []
    unlocked: set[str] = set()
    seen: set[str] = set()
    day = request.document_date
    for code in request.coupon_codes:
        coupon = book.coupon(code)
        reason = ""
        if code in seen:
            reason = "duplicate"
        elif coupon is None:
            reason = "unknown"
        else:
            promotion = book.promotion(coupon.promotion_id)
            period = coupon.period
            total = usage.coupon_total.get(code, 0)
            mine = usage.coupon_customer.get(code, 0)
            if not coupon.active or promotion is None or not promotion.active:
                reason = "inactive"
            elif period.valid_from is not None and day < period.valid_from:
                reason = "not_yet_valid"
            elif not period.contains(day):
                reason = "expired"
            elif coupon.customer_id is not None and coupon.customer_id != request.customer.id:
                reason = "not_customer"
            elif (
                (coupon.single_use and total >= 1)
                or (coupon.limit_total is not None and total >= coupon.limit_total)
                or (coupon.limit_per_customer is not None and mine >= coupon.limit_per_customer)
            ):
                reason = "used_up"
        seen.add(code)
        promotion_id = coupon.promotion_id if coupon is not None else None
        if not reason and promotion_id is not None:
            unlocked.add(promotion_id)
        outcomes.append(CouponOutcome(code, not reason, reason, promotion_id))
    return tuple(outcomes), frozenset(unlocked)
