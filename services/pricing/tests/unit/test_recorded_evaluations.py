"""Evaluations of synthetic documents must not change when the evaluator is made faster: each case
is compared with a digest (sha256 of the canonical repr) recorded with the evaluator before its
speed-ups. Cases cover every line count the benchmark uses, coupons (accepted, rejected,
duplicate), usage limits, customer-scoped promotions, gift choices, and books made by
`with_changes` after the old book had already evaluated (so cached lookups must follow changes)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from decimal import Decimal

from chassis.errors import InvalidArgument
from pricing.domain.evaluator import evaluate
from pricing.domain.model import CustomerRef, EvaluationRequest, LineRequest, Usage
from pricing.domain.rulebook import RuleBook
from pricing.synthetic import SAMPLE_DAY, generate_rules, sample_request

RULES = generate_rules(
    products=2_000,
    price_list_items=20_000,
    promotions=1_500,
    gift_rules=300,
    price_lists=40,
    categories=60,
    groups=8,
    seed=11,
)
LIMITED = [p for p in RULES.promotions if p.usage_limit_total or p.usage_limit_per_customer]
USAGE = Usage(
    promotion_total={p.id: p.usage_limit_total or 0 for p in LIMITED[::2]},
    promotion_customer={p.id: p.usage_limit_per_customer or 0 for p in LIMITED[1::2]},
    coupon_total={c.code: 1 for c in RULES.coupons[::3]},
    coupon_customer={c.code: 1 for c in RULES.coupons[1::3]},
)


def _outcome(book: RuleBook, request: EvaluationRequest, usage: Usage = USAGE) -> str:
    try:
        return repr(evaluate(book, request, usage))
    except InvalidArgument as error:
        return repr([(v.field, v.reason) for v in error.violations])


def _digest(outcomes: list[str]) -> str:
    return hashlib.sha256("\n".join(outcomes).encode()).hexdigest()


def _sampled(count: int, lines: int, first_seed: int) -> list[EvaluationRequest]:
    return [sample_request(RULES, lines=lines, seed=first_seed + n) for n in range(count)]


def _with_coupons(requests: list[EvaluationRequest]) -> list[EvaluationRequest]:
    codes = [c.code for c in RULES.coupons]
    result = []
    for n, request in enumerate(requests):
        presented = (codes[n * 7 % len(codes)], codes[n * 13 % len(codes)], "NO-SUCH-CODE")
        result.append(replace(request, coupon_codes=presented + presented[:1]))
    return result


def _scoped_customers() -> list[EvaluationRequest]:
    """Documents of customers named by promotions, with the products those promotions name."""
    priced = {p.product_id for p in RULES.standard_prices if p.period.contains(SAMPLE_DAY)}
    active = {p.id for p in RULES.products if p.active}
    requests = []
    for promotion in RULES.promotions:
        products = sorted(promotion.product_ids & priced & active)
        if not promotion.customer_ids or not products:
            continue
        customer = CustomerRef(sorted(promotion.customer_ids)[0], frozenset({"G001"}))
        filler = sample_request(RULES, lines=15, seed=promotion.seq, customer_id=customer.id)
        lines = tuple(LineRequest(p, Decimal(12)) for p in products) + filler.lines
        requests.append(replace(filler, customer=customer, lines=lines))
        if len(requests) == 12:
            break
    return requests


def _gift_choices() -> list[EvaluationRequest]:
    requests = []
    for rule in RULES.gift_rules:
        if len(rule.gift_product_ids) < 2 or not rule.product_ids:
            continue
        base = sample_request(RULES, lines=10, seed=rule.seq)
        lines = tuple(LineRequest(p, Decimal(10)) for p in sorted(rule.product_ids)) + base.lines
        requests.append(replace(base, lines=lines, gift_choices=((rule.id, rule.gift_product_ids[1]),)))
        if len(requests) == 8:
            break
    return requests


def _changes(book: RuleBook) -> RuleBook:
    """A later book: promotions and gift rules changed, retired and removed, a category moved."""
    promotions = RULES.promotions
    changed = [
        replace(promotions[0], percent=Decimal(7), product_ids=frozenset(), category_ids=frozenset()),
        replace(promotions[3], active=False),
        replace(promotions[5], customer_ids=frozenset(), group_ids=frozenset()),
        replace(promotions[8], category_ids=frozenset({RULES.categories[-1].id}), product_ids=frozenset()),
        replace(promotions[9], period=replace(promotions[9].period, valid_to=None)),
        replace(
            RULES.gift_rules[0], category_ids=frozenset({RULES.categories[-2].id}), product_ids=frozenset()
        ),
        replace(RULES.gift_rules[1], active=False),
        replace(RULES.categories[-1], parent_id=RULES.categories[0].id),
        replace(RULES.products[0], category_id=RULES.categories[-3].id),
    ]
    removed = [("promotion", promotions[10].id), ("gift_rule", RULES.gift_rules[2].id)]
    return book.with_changes(changed, removed, version=2)


def _cases() -> dict[str, list[str]]:
    book = RuleBook.build(RULES, 1)
    documents = _sampled(6, 1, 100) + _sampled(6, 20, 200) + _sampled(4, 200, 300) + _sampled(4, 60, 400)
    cases = {
        "sampled": [_outcome(book, r) for r in documents],
        "no_usage": [_outcome(book, r, Usage()) for r in documents[6:12]],
        "coupons": [_outcome(book, r) for r in _with_coupons(_sampled(6, 30, 500))],
        "customers": [_outcome(book, r) for r in _scoped_customers()],
        "gift_choices": [_outcome(book, r) for r in _gift_choices()],
    }
    later = _changes(book)
    touched = documents[12:16] + [sample_request(RULES, lines=40, seed=s) for s in range(600, 606)]
    cases["changed"] = [_outcome(later, r) for r in touched]
    cases["old_after_change"] = [_outcome(book, r) for r in touched]
    return cases


RECORDED = {
    "sampled": "157110c88e5437efdaf93ddfb7ce199ea19391277f13d31f4850b9d0fc85a18a",
    "no_usage": "298c41ba1edd7c835ef9334b37bc1a5ce20d58e485386847707a5df7e0690d13",
    "coupons": "b914cf3aef462e1396e5c7be0b89cd23bdfb0ecd7be99d33cb25a1e5da0eed65",
    "customers": "72f7403b700c5067e695781c0a059ac90f76b2b43584aac26b436604c5fdf353",
    "gift_choices": "26f63fe9e76bbc29356f3d8669db884e376b1a2edb4ec0afd1adc8b5b87cb352",
    "changed": "afabbc58dfd26a64d0dc78602ea7f3476307117b085f43de1bb513994bac9f55",
    "old_after_change": "7cb2b1e8c52f17f1f735a044f0b4e3dfee23bafe8cbe3d45e7ed7a087f0150cc",
}


def test_evaluations_are_the_recorded_ones():
    digests = {name: _digest(outcomes) for name, outcomes in _cases().items()}
    assert digests == RECORDED
