"""Promotions on a document: which ones touch it, which qualify, group winners, exclusives and
the stacking of line rewards.

Candidates come from the rule book's index (the lines' products, their categories and ancestors,
and "all products", looked up once per product and book), so the cost follows the document, not
the number of promotions. A candidate qualifies when it is in its period, the customer is in its
scope, its coupon was presented (if required), its usage limits are not reached and its conditions
hold over its eligible units on the whole document at list prices (`min_quantity` in base units,
`min_amount` on the gross).

Groups: qualified promotions sharing `group` are alternatives; each one's benefit is computed alone
on the list prices and only the largest stays (tie: lower priority number, then earlier seq).

Line rewards then apply in ascending priority, then seq, each on the amount the previous left
(20% then 10% on 1,000.00 → 720.00), rounding each line's amount to 0.01. Exclusive promotions
claim their lines first (by priority): a claimed line gets no other line reward.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from chassis.money import CENT

from pricing.domain import explain
from pricing.domain.lines import WorkLine
from pricing.domain.model import (
    LINE_REWARDS,
    ZERO,
    CustomerRef,
    Promotion,
    Reason,
    RewardKind,
    Usage,
)
from pricing.domain.records import discount
from pricing.domain.rulebook import promotion_order

HUNDRED = Decimal(100)


class Candidate:
    """A promotion whose product scope touches the document, with its eligible lines. A promotion
    that fails the door checks (period, customer, coupon, usage) keeps only its first line."""

    __slots__ = (
        "applied_lines",
        "benefit",
        "everywhere",
        "excluded_lines",
        "is_line_reward",
        "lines",
        "message",
        "promotion",
        "reason",
    )

    def __init__(self, promotion: Promotion, lines: list[WorkLine], everywhere: bool = False) -> None:
        self.promotion = promotion
        self.lines = lines
        self.everywhere = everywhere
        self.is_line_reward = promotion.reward in LINE_REWARDS
        self.reason: Reason | None = None
        self.message = ""
        self.benefit = ZERO  # what it took off the document
        self.applied_lines: list[int] = []
        self.excluded_lines: list[tuple[int, str]] = []  # (line, the exclusive promotion's id)

    def reject(self, reason: Reason, message: str) -> None:
        self.reason = reason
        self.message = message


@dataclass(frozen=True, slots=True)
class Context:
    day: dt.date
    customer: CustomerRef
    usage: Usage
    unlocked: frozenset[str]  # promotions unlocked by accepted coupons
    quantity: Decimal  # the document's base units (for promotions on all products)
    gross: Decimal  # the document's gross
    texts: dict[str, tuple[Promotion, str]]  # the book's memo of benefit texts


def collect(lines: list[WorkLine], everywhere: tuple[Promotion, ...], context: Context) -> list[Candidate]:
    """Every active promotion touching the lines (those each line's product reaches, then those for
    all products), door checks done (see `admit`). An admitted candidate gets every line it
    touches, in line order; one that fails them keeps only the first."""
    found: dict[str, Candidate] = {}
    get = found.get
    for line in lines:
        for promotion in line.rules.promotions:
            candidate = get(promotion.id)
            if candidate is None:
                candidate = found[promotion.id] = Candidate(promotion, [line])
                admit(candidate, context)
            elif candidate.reason is None:
                candidate.lines.append(line)
    for promotion in everywhere:
        candidate = found[promotion.id] = Candidate(promotion, lines, everywhere=True)
        admit(candidate, context)
    return list(found.values())


def admit(candidate: Candidate, context: Context) -> bool:
    """The door checks: period, customer scope, coupon, usage limits."""
    promotion = candidate.promotion
    period = promotion.period
    day = context.day
    if (period.valid_from is not None and day < period.valid_from) or (
        period.valid_to is not None and period.valid_to < day
    ):
        candidate.reject(Reason.OUTSIDE_DATES, explain.period_reason(period, day))
        return False
    if promotion.customer_ids or promotion.group_ids:
        outside = explain.not_in_scope(promotion.customer_ids, promotion.group_ids, context.customer)
        if outside is not None:
            candidate.reject(Reason.NOT_CUSTOMER, outside)
            return False
    if promotion.coupon_required and promotion.id not in context.unlocked:
        candidate.reject(Reason.COUPON_REQUIRED, explain.REASON_TEXT[Reason.COUPON_REQUIRED])
        return False
    usage = context.usage
    if (
        promotion.usage_limit_total is not None
        and usage.promotion_total.get(promotion.id, 0) >= promotion.usage_limit_total
    ) or (
        promotion.usage_limit_per_customer is not None
        and usage.promotion_customer.get(promotion.id, 0) >= promotion.usage_limit_per_customer
    ):
        candidate.reject(Reason.USAGE_LIMIT_REACHED, explain.REASON_TEXT[Reason.USAGE_LIMIT_REACHED])
        return False
    return True


def qualify(candidate: Candidate, context: Context) -> bool:
    """Checks the conditions of an admitted candidate over its eligible units on the document:
    `min_quantity` (base units; for BUY_X_GET_Y at least X + Y), `min_amount` on the gross (and
    `min_spend` for order rewards); rejects with the missing quantity or amount if not."""
    promotion = candidate.promotion
    needed = promotion.min_quantity or ZERO
    if promotion.reward is RewardKind.BUY_X_GET_Y:
        needed = max(needed, (promotion.buy_quantity or ZERO) + (promotion.get_quantity or ZERO))
    if needed:
        quantity = (
            context.quantity
            if candidate.everywhere
            else sum((line.base_quantity for line in candidate.lines), ZERO)
        )
        if quantity < needed:
            message = explain.missing_quantity(needed - quantity, benefit(context, promotion))
            candidate.reject(Reason.MIN_QUANTITY_NOT_MET, message)
            return False
    spend = promotion.min_amount or ZERO
    if promotion.reward not in LINE_REWARDS:
        spend = max(spend, promotion.min_spend or ZERO)
    if spend:
        gross = context.gross if candidate.everywhere else sum((line.gross for line in candidate.lines), ZERO)
        if gross < spend:
            message = explain.missing_amount(spend - gross, benefit(context, promotion))
            candidate.reject(Reason.MIN_AMOUNT_NOT_MET, message)
            return False
    return True


def benefit(context: Context, promotion: Promotion) -> str:
    """The promotion's benefit text, memoised per rule book (checked by identity)."""
    entry = context.texts.get(promotion.id)
    if entry is None or entry[0] is not promotion:
        entry = context.texts[promotion.id] = (promotion, explain.benefit_text(promotion))
    return entry[1]


def line_reward(promotion: Promotion, lines: list[WorkLine], amounts: list[Decimal]) -> list[Decimal]:
    """The lines' amounts after one line reward (each ≤ before, ≥ 0, exact to 0.01)."""
    reward = promotion.reward
    if reward is RewardKind.PERCENT_OFF:
        keep = 1 - (promotion.percent or ZERO) / HUNDRED
        return [max((amount * keep).quantize(CENT, ROUND_HALF_UP), ZERO) for amount in amounts]
    if reward is RewardKind.AMOUNT_OFF:
        off = promotion.amount or ZERO
        return [
            max((amount - off * line.quantity).quantize(CENT, ROUND_HALF_UP), ZERO)
            for line, amount in zip(lines, amounts, strict=True)
        ]
    if reward is RewardKind.FIXED_PRICE:
        price = promotion.amount or ZERO
        return [
            min(amount, max((price * line.quantity).quantize(CENT, ROUND_HALF_UP), ZERO))
            for line, amount in zip(lines, amounts, strict=True)
        ]
    if reward is RewardKind.BUY_X_GET_Y:
        return _buy_x_get_y(promotion, lines, amounts)
    return list(amounts)


def _buy_x_get_y(promotion: Promotion, lines: list[WorkLine], amounts: list[Decimal]) -> list[Decimal]:
    """For every X + Y eligible base units on the document the Y cheapest units (by current price
    per base unit; ties by line order) get `percent` off."""
    buy = promotion.buy_quantity or ZERO
    get = promotion.get_quantity or ZERO
    units = sum((line.base_quantity for line in lines), ZERO)
    if buy + get <= 0 or get <= 0:
        return list(amounts)
    free = (units / (buy + get)).to_integral_value(rounding=ROUND_FLOOR) * get
    share = (promotion.percent if promotion.percent is not None else HUNDRED) / HUNDRED
    order = sorted(range(len(lines)), key=lambda i: (amounts[i] / lines[i].base_quantity, lines[i].index))
    result = list(amounts)
    for position in order:
        if free <= 0:
            break
        line = lines[position]
        taken = min(free, line.base_quantity)
        free -= taken
        off = amounts[position] * taken / line.base_quantity * share
        result[position] = max((amounts[position] - off).quantize(CENT, ROUND_HALF_UP), ZERO)
    return result


def order_benefit(promotion: Promotion, base: Decimal) -> Decimal:
    """An order reward's discount on a base (the eligible lines' sum), exact to 0.01."""
    if base <= 0:
        return ZERO
    if promotion.reward is RewardKind.ORDER_PERCENT:
        discount = (base * (promotion.percent or ZERO) / HUNDRED).quantize(CENT, ROUND_HALF_UP)
        if promotion.cap is not None:
            discount = min(discount, promotion.cap)
    else:
        discount = promotion.amount or ZERO
    return max(min(discount.quantize(CENT, ROUND_HALF_UP), base), ZERO)


def standalone_benefit(candidate: Candidate) -> Decimal:
    """What the promotion alone would take off the document at list prices."""
    lines = candidate.lines
    gross = [line.gross for line in lines]
    if candidate.is_line_reward:
        after = line_reward(candidate.promotion, lines, gross)
        return sum(gross, ZERO) - sum(after, ZERO)
    return order_benefit(candidate.promotion, sum(gross, ZERO))


def resolve_groups(qualified: list[Candidate]) -> list[Candidate]:
    """Keeps one promotion per group (the largest benefit; tie: lower priority, earlier seq);
    the others are rejected as LOST_IN_GROUP naming the winner."""
    groups: dict[str, list[Candidate]] = {}
    for candidate in qualified:
        if candidate.promotion.group is not None:
            groups.setdefault(candidate.promotion.group, []).append(candidate)
    if not groups:
        return qualified
    losers: set[int] = set()
    for members in groups.values():
        if len(members) < 2:
            continue
        ranked = sorted(members, key=lambda c: (-standalone_benefit(c), *promotion_order(c.promotion)))
        winner = ranked[0].promotion
        for loser in ranked[1:]:
            loser.reject(Reason.LOST_IN_GROUP, explain.lost_in_group(winner))
            losers.add(id(loser))
    return [c for c in qualified if id(c) not in losers]


def apply_line_rewards(candidates: list[Candidate], context: Context) -> None:
    """Exclusives claim their lines first (by priority), then every line reward applies in
    stacking order to the lines it may touch."""
    claims: dict[int, str] = {}
    for candidate in candidates:
        if not candidate.promotion.exclusive:
            continue
        free = [line for line in candidate.lines if line.index not in claims]
        for line in free:
            claims[line.index] = candidate.promotion.id
    for candidate in candidates:
        promotion = candidate.promotion
        allowed: list[WorkLine] = []
        for line in candidate.lines:
            owner = claims.get(line.index)
            if owner is None or owner == promotion.id:
                allowed.append(line)
            else:
                candidate.excluded_lines.append((line.index, owner))
        if not allowed:
            candidate.excluded_lines.clear()
            owner = claims[candidate.lines[0].index]
            candidate.reject(Reason.EXCLUDED_BY_EXCLUSIVE, explain.excluded_by(owner))
            continue
        before = [line.amount for line in allowed]
        after = line_reward(promotion, allowed, before)
        description = ""  # built for the first line the reward lowers
        for line, old, new in zip(allowed, before, after, strict=True):
            if new < old:
                description = description or f"{promotion.name}: {benefit(context, promotion)}"
                line.discounts.append(discount(promotion.id, promotion.reward.value, description, old - new))
                line.amount = new
                candidate.benefit += old - new
                candidate.applied_lines.append(line.index)
        if candidate.benefit <= 0:
            candidate.reject(
                Reason.NO_BENEFIT, f"no benefit: the price is already at or below {_offer(promotion)}"
            )


def _offer(promotion: Promotion) -> str:
    if promotion.reward is RewardKind.FIXED_PRICE:
        return explain.amount_text(promotion.amount or ZERO)
    return "what it gives"
