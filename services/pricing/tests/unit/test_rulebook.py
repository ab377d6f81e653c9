"""The rule book: lookups, copy-on-write changes that leave the old book valid, and changes that
give the same book as a fresh build."""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal

import pytest
from chassis.errors import InvalidArgument
from hypothesis import given, settings
from hypothesis import strategies as st
from pricing.domain.evaluator import evaluate
from pricing.domain.model import (
    Category,
    ItemKind,
    PriceList,
    PriceListItem,
    Promotion,
    RewardKind,
    Usage,
)
from pricing.domain.persistent import PersistentMap
from pricing.domain.rulebook import RuleBook, Rules, rule_key
from pricing.synthetic import generate_rules, sample_request

D = Decimal
LIST = PriceList("PL", "group", 1, group_ids=frozenset({"G1"}))
ITEM = PriceListItem("I1", "PL", 1, ItemKind.FIXED, product_id="P1", fixed_price=D(900))
PROMO = Promotion("TEN", "10%", 1, RewardKind.PERCENT_OFF, percent=D(10))
CATEGORIES_SNACK = Category("SNACK", "SNACK", "ขนม", "Snacks", "FOOD")


def test_lookups_find_rules_by_id(shop):
    book = shop.add(LIST, ITEM, PROMO).book(version=7)
    assert book.version == 7
    assert book.product("P1").sku == "SKU1"
    assert book.category("SODA").parent_id == "DRINKS"
    assert book.ancestors("SODA") == ("SODA", "DRINKS", "FOOD")
    assert book.price_list("PL") == LIST
    assert book.items_of_list("PL") == (ITEM,)
    assert book.promotion("TEN") == PROMO
    assert [p.id for p in book.standard_prices_of("P1", "EA")] == ["SP-P1"]
    assert book.product("NOPE") is None
    assert book.standard_prices_of("P1", "BOX") == ()


def test_with_changes_returns_a_new_book_and_leaves_the_old_one_as_it_was(shop, make_request):
    old = shop.add(LIST, ITEM).book(version=1)
    new = old.with_changes([replace(ITEM, fixed_price=D(800)), PROMO], [], version=2)
    request = make_request(("P1", "1"))
    before = evaluate(old, request, Usage())
    assert before.lines[0].line_net == D("900.00")
    assert before.pricing_version == 1
    after = evaluate(new, request, Usage())
    assert after.lines[0].line_net == D("720.00")
    assert after.pricing_version == 2
    assert evaluate(old, request, Usage()) == before


def test_removals_take_rules_out_by_kind_and_id(shop, make_request):
    old = shop.add(LIST, ITEM, PROMO).book()
    new = old.with_changes([], [("price_list_item", "I1"), ("promotion", "TEN")], version=2)
    line = evaluate(new, make_request(("P1", "1")), Usage()).lines[0]
    assert (line.line_net, line.source.item_id) == (D("1000.00"), None)
    assert new.items_of_list("PL") == ()
    assert new.promotion("TEN") is None
    assert old.items_of_list("PL") == (ITEM,)


def test_an_unknown_kind_of_removal_is_refused(shop):
    with pytest.raises(InvalidArgument) as raised:
        shop.book().with_changes([], [("nonsense", "x")], version=2)
    assert raised.value.violations[0].field == "removals[0].kind"


def test_moving_an_item_to_another_list_reindexes_it(shop):
    other = PriceList("PL2", "other", 2)
    old = shop.add(LIST, other, ITEM).book()
    new = old.with_changes([replace(ITEM, price_list_id="PL2")], [], version=2)
    assert new.items_of_list("PL") == ()
    assert [i.id for i in new.items_of_list("PL2")] == ["I1"]


def test_a_deactivated_promotion_leaves_the_index(shop, make_request):
    old = shop.add(PROMO).book()
    new = old.with_changes([replace(PROMO, active=False)], [], version=2)
    assert evaluate(new, make_request(("P1", "1")), Usage()).applied_promotion_ids == ()
    assert new.promotion("TEN") is not None


def test_a_change_reaches_products_the_old_book_had_already_looked_up(shop, make_request):
    old = shop.add(PROMO).book()
    request = make_request(("P1", "1"), ("P3", "1"))
    assert evaluate(old, request, Usage()).applied_promotion_ids == ("TEN",)
    soda_only = replace(PROMO, category_ids=frozenset({"SODA"}))
    snacks = Promotion(
        "SNACKS", "5%", 2, RewardKind.PERCENT_OFF, percent=D(5), category_ids=frozenset({"FOOD"})
    )
    new = old.with_changes([soda_only, snacks], [], version=2)
    lines = evaluate(new, request, Usage()).lines
    assert [[d.rule_id for d in line.discounts] for line in lines] == [["TEN", "SNACKS"], ["SNACKS"]]
    moved = new.with_changes([replace(shop.book().product("P1"), category_id="SNACK")], [], version=3)
    lines = evaluate(moved, request, Usage()).lines
    assert [[d.rule_id for d in line.discounts] for line in lines] == [["SNACKS"], ["SNACKS"]]
    regrouped = moved.with_changes([replace(CATEGORIES_SNACK, parent_id=None)], [], version=4)
    assert evaluate(regrouped, request, Usage()).applied_promotion_ids == ()
    assert [[d.rule_id for d in line.discounts] for line in evaluate(old, request, Usage()).lines] == [
        ["TEN"],
        ["TEN"],
    ]


def test_rules_gives_back_every_current_rule(shop):
    book = shop.add(LIST, ITEM, PROMO).book()
    rules = book.rules()
    assert rules.promotions == (PROMO,)
    assert rules.price_list_items == (ITEM,)
    assert RuleBook.build(rules, 1).counts() == book.counts()


def test_persistent_map_copies_only_what_changes():
    first = PersistentMap.of([(n, n) for n in range(1000)])
    second = first.evolve({5: -5, 2000: 2000}, [7, 99999])
    assert (len(first), len(second)) == (1000, 1000)
    assert (first[5], second[5], second.get(7), first.get(7), second[2000]) == (5, -5, None, 7, 2000)
    assert sum(1 for a, b in zip(first._shards, second._shards, strict=True) if a is b) >= 60


SMALL = generate_rules(
    products=150,
    price_list_items=1500,
    promotions=200,
    gift_rules=40,
    price_lists=15,
    categories=20,
    groups=4,
    seed=3,
)


def _all(rules: Rules) -> list:
    return [*rules.categories, *rules.products, *rules.standard_prices, *rules.price_lists,
            *rules.price_list_items, *rules.promotions, *rules.coupons, *rules.gift_rules]  # fmt: skip


@settings(max_examples=15, deadline=None)
@given(st.integers(min_value=0, max_value=10_000))
def test_a_changed_book_prices_like_a_fresh_build_of_the_same_rules(seed):
    rng = random.Random(seed)
    everything = _all(SMALL)
    early = [rng.random() < 0.7 for _ in everything]
    kept = [r for r, first in zip(everything, early, strict=True) if first]
    late = [r for r, first in zip(everything, early, strict=True) if not first]
    start = RuleBook.build(Rules(), 0).with_changes(kept, [], version=1)
    removed = {rule_key(r) for r in rng.sample(kept, 40)}
    for n in range(3):  # fills the start book's per-product entries, which the change carries over
        _outcome(start, sample_request(SMALL, lines=8, seed=seed + n))
    changed = start.with_changes(late, sorted(removed), version=2)
    final = [r for r, first in zip(everything, early, strict=True) if not first or rule_key(r) not in removed]
    fresh = RuleBook.build(_rules_of(final), 2)
    assert changed.counts() == fresh.counts()
    for n in range(3):
        request = sample_request(SMALL, lines=8, seed=seed + n)
        assert _outcome(changed, request) == _outcome(fresh, request)


def _rules_of(rules: list) -> Rules:
    kinds: dict[str, list] = {}
    for rule in rules:
        kinds.setdefault(rule_key(rule)[0], []).append(rule)
    return Rules(
        *(
            tuple(kinds.get(kind, ()))
            for kind in (
                "category", "product", "standard_price", "price_list",
                "price_list_item", "promotion", "coupon", "gift_rule",
            )
        )
    )  # fmt: skip


def _outcome(book: RuleBook, request):
    try:
        return evaluate(book, request, Usage())
    except InvalidArgument as error:
        return [(v.field, v.reason) for v in error.violations]
