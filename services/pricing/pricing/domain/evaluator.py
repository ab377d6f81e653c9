"""Evaluate: the price of a document for one customer on one day, with every rule explained.

The steps, each in its own module: check the request (`lines`), choose the price list and price
each line (`list_prices`), check coupons (`coupons`), apply line rewards (`promotions`) and then
order rewards (`order_rewards`), earn free gifts (`gifts`), total and allocate VAT (`totals`).
The result depends only on the rule book and the request: rules are tried in a fixed order
(priority, then seq), never in the order they were loaded.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from operator import itemgetter
from typing import Any

from chassis.errors import InvalidArgument, ViolationCollector
from chassis.money import THAI_VAT_RATE

from pricing.domain import explain
from pricing.domain.coupons import check_coupons
from pricing.domain.gifts import GiftCandidate, collect_gifts, free_gifts
from pricing.domain.lines import WorkLine, check_gift_choices, work_lines
from pricing.domain.list_prices import price_lines, select_price_list
from pricing.domain.model import (
    ZERO,
    Evaluation,
    EvaluationRequest,
    Explanation,
    LineResult,
    Reason,
    Usage,
    VatClass,
)
from pricing.domain.order_rewards import apply_order_rewards
from pricing.domain.promotions import (
    Candidate,
    Context,
    apply_line_rewards,
    benefit,
    collect,
    qualify,
    resolve_groups,
)
from pricing.domain.records import explanation, line_result
from pricing.domain.rulebook import RuleBook, promotion_order
from pricing.domain.totals import compute_totals

FOUR_PLACES = Decimal("0.0001")
_EXCLUDED = Reason.EXCLUDED_BY_EXCLUSIVE


def evaluate(book: RuleBook, request: EvaluationRequest, usage: Usage) -> Evaluation:
    """Prices `request` with the rules of `book`. Raises InvalidArgument naming every bad field
    (`lines[2].quantity`, `lines[0].product_id`, `lines[0].unit`, `lines`, `currency`,
    `gift_choices[0]`); rules that do not apply are never an error, they are explained."""
    violations = ViolationCollector()
    lines = work_lines(book, request, violations)
    check_gift_choices(book, request, violations)
    price_list = select_price_list(book, request.customer)
    if price_list is not None and price_list.currency != request.currency:
        violations.add("currency", f"the customer's price list {price_list.id} is in {price_list.currency}")
    else:
        price_lines(book, price_list, lines, request.document_date, request.currency, violations)
    violations.raise_if_any()
    if not lines:  # pragma: no cover - work_lines reports an empty request
        raise InvalidArgument("lines", "at least one line is required")
    inclusive = price_list.vat_inclusive if price_list is not None else False

    coupon_outcomes, unlocked = check_coupons(book, request, usage)
    context = Context(
        request.document_date,
        request.customer,
        usage,
        unlocked,
        sum((line.base_quantity for line in lines), ZERO),
        sum((line.gross for line in lines), ZERO),
        book.memo,
    )
    candidates = collect(lines, book.promotion_index.everywhere, context)
    admitted = [c for c in candidates if c.reason is None and qualify(c, context)]
    admitted.sort(key=lambda c: promotion_order(c.promotion))
    qualified = resolve_groups(admitted)
    apply_line_rewards([c for c in qualified if c.is_line_reward], context)
    order_discounts = apply_order_rewards([c for c in qualified if not c.is_line_reward], context)

    gift_candidates = collect_gifts(lines, book.gift_index.everywhere)
    total_net = sum((line.net for line in lines), ZERO)
    gifts = free_gifts(
        gift_candidates, request.document_date, request.customer, total_net, dict(request.gift_choices)
    )
    totals = compute_totals(lines, inclusive)
    applied = sorted(c.promotion.id for c in candidates if c.reason is None and c.benefit > 0)
    return Evaluation(
        lines=tuple(_line_result(line) for line in lines),
        gifts=tuple(gifts),
        order_discounts=tuple(order_discounts),
        totals=totals,
        explanations=_explanations(candidates, gift_candidates, context),
        coupons=coupon_outcomes,
        currency=request.currency,
        vat_inclusive=inclusive,
        price_list_id=price_list.id if price_list is not None else None,
        pricing_version=book.version,
        applied_promotion_ids=tuple(applied),
    )


def _line_result(line: WorkLine) -> LineResult:
    line_net = line.amount - line.order_discount
    vat_class = line.product.vat_class
    return line_result(
        line.index,
        line.product.id,
        line.unit,
        line.quantity,
        line.base_unit_price,
        line.list_unit_price,
        line.source,
        line.gross,
        tuple(line.discounts),
        line.gross - line.amount,
        line.order_discount,
        line_net,
        (line_net / line.quantity).quantize(FOUR_PLACES, ROUND_HALF_UP),
        vat_class,
        THAI_VAT_RATE if vat_class is VatClass.STANDARD else ZERO,
        line.vat,
    )


def _explanations(
    candidates: list[Candidate], gift_candidates: list[GiftCandidate], context: Context
) -> tuple[Explanation, ...]:
    """One explanation per promotion and gift rule touching the document (applied or why not),
    plus one per line an exclusive promotion kept from a promotion; sorted by line, then seq."""
    keyed: list[tuple[tuple[Any, ...], Explanation]] = []
    append = keyed.append
    for candidate in candidates:
        promotion = candidate.promotion
        line_index = candidate.lines[0].index if candidate.is_line_reward else None
        if candidate.reason is None and candidate.benefit > 0:
            first = candidate.applied_lines[0] if candidate.applied_lines else line_index
            message = f"applied: {benefit(context, promotion)}"
            append(
                (
                    (first is None, first or 0, promotion.seq, "promotion", promotion.id),
                    explanation(promotion.id, "promotion", True, None, message, first),
                )
            )
            for owner, excluded in _by_owner(candidate.excluded_lines).items():
                message = f"{explain.excluded_by(owner)} on {_lines_text(excluded)}"
                append(
                    (
                        (False, excluded[0], promotion.seq, "promotion", promotion.id),
                        explanation(promotion.id, "promotion", False, _EXCLUDED, message, excluded[0]),
                    )
                )
        elif candidate.reason is not None:
            append(
                (
                    (line_index is None, line_index or 0, promotion.seq, "promotion", promotion.id),
                    Explanation(
                        promotion.id, "promotion", False, candidate.reason, candidate.message, line_index
                    ),
                )
            )
    for gift in gift_candidates:
        rule = gift.rule
        line_index = None if gift.order_amount_rule else gift.lines[0].index
        key = (line_index is None, line_index or 0, rule.seq, "gift_rule", rule.id)
        if gift.reason is None and gift.quantity > 0:
            message = f"applied: {explain.gift_text(rule, gift.quantity)}"
            append((key, explanation(rule.id, "gift_rule", True, None, message, line_index)))
        elif gift.reason is not None:
            append((key, explanation(rule.id, "gift_rule", False, gift.reason, gift.message, line_index)))
    keyed.sort(key=itemgetter(0))
    return tuple([explanation for _, explanation in keyed])


def _by_owner(excluded: list[tuple[int, str]]) -> dict[str, list[int]]:
    grouped: dict[str, list[int]] = {}
    for line_index, owner in excluded:
        grouped.setdefault(owner, []).append(line_index)
    return grouped


def _lines_text(indexes: list[int]) -> str:
    """Line numbers as people count them (from 1): "line 3", "lines 1, 2, 5"."""
    if len(indexes) == 1:
        return f"line {indexes[0] + 1}"
    return "lines " + ", ".join(str(i + 1) for i in indexes)
