"""Order rewards: after the line rewards, on the sum of the eligible lines' nets.

`min_spend` is checked on that sum; ORDER_PERCENT is capped by `cap`, ORDER_AMOUNT never exceeds
the sum. Each discount is allocated to the eligible lines pro rata to their nets (the remainder
satang to the largest line) and never takes a line below zero. Rewards compound in stacking order;
exclusive order rewards go first and, once one applies, no other order reward does.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from chassis.money import CENT

from pricing.domain import explain
from pricing.domain.model import ZERO, OrderDiscount, Reason
from pricing.domain.promotions import Candidate, Context, benefit, order_benefit
from pricing.domain.rulebook import promotion_order


def allocate_exact(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Splits `total` (in satang) pro rata to `weights` so the parts add up exactly; the remainder
    satang go to the largest weight (the first of equals). Same result as `chassis.money.allocate`,
    without a Python call per part (it runs for every line of every order reward and for VAT)."""
    if not weights:
        return []
    weight_sum = sum(weights, ZERO)
    if not weight_sum:
        return [total] + [ZERO] * (len(weights) - 1)
    parts = [(total * weight / weight_sum).quantize(CENT, ROUND_HALF_UP) for weight in weights]
    remainder = total - sum(parts, ZERO)
    if remainder:
        parts[max(range(len(weights)), key=weights.__getitem__)] += remainder
    return parts


def allocate_capped(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Splits `total` (≤ Σ weights, in satang) pro rata to `weights`, remainder to the largest, and
    moves any satang a rounding put above a weight to the lines that still have room."""
    parts = allocate_exact(total, weights)
    excess = ZERO
    for position, (part, weight) in enumerate(zip(parts, weights, strict=True)):
        if part > weight:
            excess += part - weight
            parts[position] = weight
    if excess:
        for position in sorted(range(len(weights)), key=lambda i: (-weights[i], i)):
            room = weights[position] - parts[position]
            moved = min(room, excess)
            parts[position] += moved
            excess -= moved
            if not excess:
                break
    return parts


def apply_order_rewards(candidates: list[Candidate], context: Context) -> list[OrderDiscount]:
    """Applies qualified order rewards (group winners) to their lines' order discounts."""
    ordered = sorted(candidates, key=lambda c: (not c.promotion.exclusive, promotion_order(c.promotion)))
    applied: list[OrderDiscount] = []
    exclusive_winner: str | None = None
    for candidate in ordered:
        promotion = candidate.promotion
        if exclusive_winner is not None:
            candidate.reject(Reason.EXCLUDED_BY_EXCLUSIVE, explain.excluded_by(exclusive_winner))
            continue
        nets = [line.amount - line.order_discount for line in candidate.lines]
        base = sum(nets, ZERO)
        if promotion.min_spend is not None and base < promotion.min_spend:
            message = explain.missing_amount(promotion.min_spend - base, benefit(context, promotion))
            candidate.reject(Reason.MIN_AMOUNT_NOT_MET, message)
            continue
        discount = order_benefit(promotion, base)
        if discount <= 0:
            candidate.reject(Reason.NO_BENEFIT, "no benefit: nothing left to discount")
            continue
        for line, part in zip(candidate.lines, allocate_capped(discount, nets), strict=True):
            line.order_discount += part
        candidate.benefit = discount
        description = f"{promotion.name}: {benefit(context, promotion)}"
        applied.append(OrderDiscount(promotion.id, description, discount))
        if promotion.exclusive:
            exclusive_winner = promotion.id
    return applied
