"""Free gifts: which gift rules a document triggers and how many gifts each gives.

A rule with a product scope counts the eligible units (base units) of its products and categories:
recursive → floor(qty / N) × M (qty 5, N 2, M 1 → 2), else M once when qty ≥ N. A rule without a
product scope is an order-amount rule: the sum of all line nets (after every discount) must reach
`min_order_amount`, then M once; when a product-scoped rule also sets `min_order_amount`, both must
hold. The customer picks among `gift_product_ids` with the request's gift choices (the first is the
default). Gifts are listed apart from the priced lines, at no charge.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from pricing.domain import explain
from pricing.domain.lines import WorkLine
from pricing.domain.model import ZERO, CustomerRef, GiftLine, GiftRule, Reason
from pricing.domain.rulebook import gift_order


@dataclass(slots=True, eq=False)
class GiftCandidate:
    rule: GiftRule
    lines: list[WorkLine]
    reason: Reason | None = None
    message: str = ""
    quantity: Decimal = ZERO

    @property
    def order_amount_rule(self) -> bool:
        return not self.rule.product_ids and not self.rule.category_ids


def collect_gifts(lines: list[WorkLine], everywhere: tuple[GiftRule, ...]) -> list[GiftCandidate]:
    """Every active gift rule touching the lines (and every order-amount rule), by seq; each with
    the lines it touches, in line order."""
    found: dict[str, GiftCandidate] = {}
    for line in lines:
        for rule in line.rules.gift_rules:
            candidate = found.get(rule.id)
            if candidate is None:
                found[rule.id] = GiftCandidate(rule, [line])
            else:
                candidate.lines.append(line)
    for rule in everywhere:
        found[rule.id] = GiftCandidate(rule, lines)
    return sorted(found.values(), key=lambda c: gift_order(c.rule))


def _gift_count(candidate: GiftCandidate, total_net: Decimal) -> Decimal:
    """The number of gifts; on zero, the candidate carries the reason."""
    rule = candidate.rule
    if rule.min_order_amount is not None and total_net < rule.min_order_amount:
        candidate.reason = Reason.MIN_AMOUNT_NOT_MET
        candidate.message = explain.missing_amount(rule.min_order_amount - total_net, explain.gift_text(rule))
        return ZERO
    if candidate.order_amount_rule and rule.min_order_amount is not None:
        return rule.gift_quantity
    quantity = sum((line.base_quantity for line in candidate.lines), ZERO)
    needed = rule.buy_quantity
    if needed <= 0 or quantity < needed:
        candidate.reason = Reason.MIN_QUANTITY_NOT_MET
        candidate.message = explain.missing_quantity(needed - quantity, explain.gift_text(rule))
        return ZERO
    if rule.recursive:
        return (quantity / needed).to_integral_value(rounding=ROUND_FLOOR) * rule.gift_quantity
    return rule.gift_quantity


def free_gifts(
    candidates: list[GiftCandidate],
    day: dt.date,
    customer: CustomerRef,
    total_net: Decimal,
    choices: dict[str, str],
) -> list[GiftLine]:
    """The gift lines the document earns; candidates that earn none carry the reason."""
    gifts: list[GiftLine] = []
    for candidate in candidates:
        rule = candidate.rule
        if not rule.period.contains(day):
            candidate.reason = Reason.OUTSIDE_DATES
            candidate.message = explain.period_reason(rule.period, day)
            continue
        outside = explain.not_in_scope(rule.customer_ids, rule.group_ids, customer)
        if outside is not None:
            candidate.reason = Reason.NOT_CUSTOMER
            candidate.message = outside
            continue
        count = _gift_count(candidate, total_net)
        if count <= 0 or not rule.gift_product_ids:
            continue
        candidate.quantity = count
        product_id = choices.get(rule.id, rule.gift_product_ids[0])
        gifts.append(GiftLine(rule.id, product_id, rule.gift_unit, count, rule.gift_product_ids))
    return gifts
