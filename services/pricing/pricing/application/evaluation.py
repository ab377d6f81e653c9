"""Evaluate and Simulate over the in-memory rule book, and the promotion questions marketing
and sales ask (ValidatePromotion, ListApplicablePromotions).

An evaluation runs ONE statement (`read_snapshot`: versions, the customer's groups and own
redemption counts); only when another transaction (in any replica) has changed the rules or
the redemption totals since does it load what changed. Nothing is queried per line or rule.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from chassis.errors import InvalidArgument, NotFound
from chassis.identity import Caller

from pricing.adapters.customers import read_snapshot
from pricing.application.authoring import assign, check_rule, complete, request_fields
from pricing.application.context import PricingContext, require_reader
from pricing.domain import authoring as checks
from pricing.domain.evaluator import evaluate as evaluate_rules
from pricing.domain.model import CustomerRef, Evaluation, EvaluationRequest, Promotion, Usage
from pricing.domain.rulebook import Rule, RuleBook, rule_key


def _prepare(ctx: PricingContext, request: EvaluationRequest) -> tuple[RuleBook, EvaluationRequest, Usage]:
    customer_id = request.customer.id.strip()
    if not customer_id:
        raise InvalidArgument("customer_id", "is required")
    # The hot path: one statement on a driver connection, and the book and totals in memory.
    snapshot = ctx.snapshots.read(customer_id)
    book = ctx.books.current(snapshot.version)
    totals = ctx.usage.current(snapshot.usage_version)
    if book is None or totals is None:
        # Something changed since: read the snapshot again and load the changes in one read
        # transaction, so the book, the totals and the customer's counts agree.
        with ctx.database.read_engine.connect() as connection:
            snapshot = read_snapshot(connection, customer_id)
            book = ctx.books.fresh(connection, snapshot.version)
            totals = ctx.usage.fresh(connection, snapshot.usage_version)
    promotion_total, coupon_total = totals
    usage = Usage(
        promotion_total=promotion_total,
        promotion_customer=snapshot.promotion_uses,
        coupon_total=coupon_total,
        coupon_customer=snapshot.coupon_uses,
    )
    customer = CustomerRef(customer_id, snapshot.group_ids)
    return book, dataclasses.replace(request, customer=customer), usage


def evaluate(ctx: PricingContext, caller: Caller, request: EvaluationRequest) -> Evaluation:
    """What the customer pays for the lines on the document date, with every rule explained."""
    require_reader(caller)
    book, request, usage = _prepare(ctx, request)
    return evaluate_rules(book, request, usage)


def simulate(
    ctx: PricingContext, caller: Caller, request: EvaluationRequest, drafts: Sequence[tuple[str, Any]]
) -> tuple[Evaluation, Evaluation]:
    """(the evaluation with `drafts` applied to a copy of the book, the one without). Drafts are
    checked like saved rules (errors name `drafts[i].<kind>.<field>`); nothing is stored."""
    require_reader(caller)
    book, request, usage = _prepare(ctx, request)
    draft_book = book
    next_seq = 10**15  # after every stored rule: drafts come last in creation order
    for index, (kind, rule) in enumerate(drafts):
        rule_id = _draft_id(kind, rule, index)
        rule = assign(kind, rule, rule_id, _seq_of(draft_book, kind, rule_id) or next_seq + index)
        rule = complete(kind, rule, draft_book)
        with request_fields(f"drafts[{index}].{kind}"):
            check_rule(kind, rule, draft_book)
        draft_book = draft_book.with_changes([rule], [], book.version)
    return evaluate_rules(draft_book, request, usage), evaluate_rules(book, request, usage)


def _draft_id(kind: str, rule: Any, index: int) -> str:
    key = rule_key(rule)[1]
    return key or f"draft_{index + 1}"


def _seq_of(book: RuleBook, kind: str, rule_id: str) -> int | None:
    """An existing rule's seq (a draft replacing it keeps its place), else None."""
    lookup = {
        "price_list": book.price_list,
        "price_list_item": book.price_list_item,
        "promotion": book.promotion,
        "gift_rule": book.gift_rule,
    }.get(kind)
    found: Rule | None = lookup(rule_id) if lookup else None
    seq = getattr(found, "seq", None)
    return int(seq) if seq is not None else None


def validate_promotion(
    ctx: PricingContext, caller: Caller, promotion_id: str, draft: Promotion | None
) -> tuple[checks.Finding, ...]:
    """Findings about a saved promotion or a draft against the current rules."""
    require_reader(caller)
    book = _current_book(ctx)
    if draft is not None:
        promotion = assign(
            "promotion", draft, draft.id or "draft_1", _seq_of(book, "promotion", draft.id) or 10**15
        )
        with request_fields("promotion"):
            checks.check_promotion(promotion, book)
    else:
        found = book.promotion(promotion_id.strip())
        if found is None:
            raise NotFound("promotion", promotion_id)
        promotion = found
    return checks.validate_promotion(promotion, book)


def applicable_promotions(
    ctx: PricingContext, caller: Caller, customer_id: str, day: dt.date | None
) -> tuple[Promotion, ...]:
    require_reader(caller)
    if not customer_id.strip():
        raise InvalidArgument("customer_id", "is required")
    with ctx.database.read() as session:
        snapshot = read_snapshot(session, customer_id.strip())
        book = ctx.books.fresh(session, snapshot.version)
    customer = CustomerRef(customer_id.strip(), snapshot.group_ids)
    return checks.applicable_promotions(book, customer, day or ctx.today())


def _current_book(ctx: PricingContext) -> RuleBook:
    with ctx.reading() as uow:
        return ctx.books.fresh(uow.session, uow.rules.current_version())
