"""`RuleBook.with_changes`: a new book from an old one and a batch of rule changes.

Only the index entries the changed rules touch are copied (see `persistent.PersistentMap`); the
small derived indexes (category ancestor chains, price lists by customer and group) are rebuilt,
which costs a few hundred entries. The per-product entries (`RuleBook.product_rules`) are carried
over except those of changed products and of products a changed promotion or gift rule reaches
(by product or through a category of their chain); a category change drops them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar, cast

from chassis.errors import InvalidArgument

from pricing.domain.model import (
    GiftRule,
    PriceListItem,
    Promotion,
    StandardPrice,
)
from pricing.domain.persistent import PersistentMap
from pricing.domain.rulebook import (
    RULE_KINDS,
    ProductRules,
    Rule,
    RuleBook,
    _ancestor_chains,
    _lists_by,
    _price_order,
    gift_order,
    promotion_order,
    rule_key,
)
from pricing.domain.scopes import ListItems

R = TypeVar("R")


def _diff(
    current: PersistentMap[str, R], changed: dict[str, Rule | None]
) -> tuple[list[R], list[R], PersistentMap[str, R]]:
    """(old values of the changed keys, new values, the evolved map)."""
    old = [value for key in changed if (value := current.get(key)) is not None]
    new = [cast(R, value) for value in changed.values() if value is not None]
    sets = {key: cast(R, value) for key, value in changed.items() if value is not None}
    deletes = [key for key, value in changed.items() if value is None]
    return old, new, current.evolve(sets, deletes)


def apply_changes(
    book: RuleBook, upserts: Sequence[Rule], removals: Sequence[tuple[str, str]], version: int
) -> RuleBook:
    """See `RuleBook.with_changes`."""
    changes: dict[str, dict[str, Rule | None]] = {kind: {} for kind in RULE_KINDS}
    for index, (kind, key) in enumerate(removals):
        if kind not in changes:
            raise InvalidArgument(f"removals[{index}].kind", f"unknown rule kind {kind!r}")
        changes[kind][key] = None
    for rule in upserts:
        kind, key = rule_key(rule)
        changes[kind][key] = rule
    new = book._clone(version)
    scoped: list[Promotion | GiftRule] = []
    if changes["category"]:
        _, _, new._categories = _diff(book._categories, changes["category"])
        new._ancestors = _ancestor_chains(new._categories)
    if changes["product"]:
        _, _, products = _diff(book._products, changes["product"])
        new._products = products
    if changes["standard_price"]:
        _change_prices(book, new, changes["standard_price"])
    if changes["price_list"]:
        _, _, lists = _diff(book._price_lists, changes["price_list"])
        new._price_lists = lists
        new._lists_by_customer, new._lists_by_group = _lists_by(new._price_lists)
    if changes["price_list_item"]:
        _change_items(book, new, changes["price_list_item"])
    if changes["promotion"]:
        old_p, new_p, promotions = _diff(book._promotions, changes["promotion"])
        new._promotions = promotions
        active = [p for p in new_p if p.active]
        new._promotion_index = book._promotion_index.evolve(old_p, active, promotion_order)
        scoped += old_p + new_p
    if changes["coupon"]:
        _change_coupons(book, new, changes["coupon"])
    if changes["gift_rule"]:
        old_g, new_g, gifts = _diff(book._gift_rules, changes["gift_rule"])
        new._gift_rules = gifts
        active_g = [g for g in new_g if g.active]
        new._gift_index = book._gift_index.evolve(old_g, active_g, gift_order)
        scoped += old_g + new_g
    new._product_rules = (
        {} if changes["category"] else _carried_over(book._product_rules, set(changes["product"]), scoped)
    )
    return new


def _carried_over(
    entries: dict[str, ProductRules], products: set[str], scoped: list[Promotion | GiftRule]
) -> dict[str, ProductRules]:
    """The old book's per-product entries without those of `products` and of the products the
    old or new versions of `scoped` rules reach. Other threads may still add entries to the old
    book's dict: copying a dict is one atomic step, and only the private copy is iterated."""
    kept = dict(entries)
    categories: set[str] = set()
    for rule in scoped:
        products.update(rule.product_ids)
        categories.update(rule.category_ids)
    for product_id in products:
        kept.pop(product_id, None)
    if categories:
        for product_id, entry in list(kept.items()):
            if not categories.isdisjoint(entry.categories):
                del kept[product_id]
    return kept


def _change_prices(book: RuleBook, new: RuleBook, changed: dict[str, Rule | None]) -> None:
    old, added, prices = _diff(book._prices, changed)
    new._prices = prices
    drop = set(changed)
    touched: dict[tuple[str, str], list[StandardPrice]] = {}
    for price in old:
        touched.setdefault((price.product_id, price.unit), [])
    for price in added:
        touched.setdefault((price.product_id, price.unit), []).append(price)
    sets: dict[tuple[str, str], tuple[StandardPrice, ...]] = {}
    deletes: list[tuple[str, str]] = []
    for key, adds in touched.items():
        kept = [p for p in book._prices_by_key.get(key, ()) or () if p.id not in drop]
        kept.extend(adds)
        if kept:
            sets[key] = tuple(sorted(kept, key=_price_order))
        else:
            deletes.append(key)
    new._prices_by_key = book._prices_by_key.evolve(sets, deletes)


def _change_items(book: RuleBook, new: RuleBook, changed: dict[str, Rule | None]) -> None:
    old, added, items = _diff(book._items, changed)
    new._items = items
    by_list: dict[str, tuple[list[PriceListItem], list[PriceListItem]]] = {}
    for item in old:
        by_list.setdefault(item.price_list_id, ([], []))[0].append(item)
    for item in added:
        by_list.setdefault(item.price_list_id, ([], []))[1].append(item)
    list_items = dict(book._list_items)
    for list_id, (removed, upserted) in by_list.items():
        current = list_items.get(list_id) or ListItems({}, {}, {}, ())
        # An item moved to another list is dropped here by id and indexed under its new list.
        changed_index = current.evolve([i for i in removed if i.price_list_id == list_id], upserted)
        if changed_index.is_empty():
            list_items.pop(list_id, None)
        else:
            list_items[list_id] = changed_index
    new._list_items = list_items


def _change_coupons(book: RuleBook, new: RuleBook, changed: dict[str, Rule | None]) -> None:
    old, added, coupons = _diff(book._coupons, changed)
    new._coupons = coupons
    promotion_ids = {c.promotion_id for c in old + added}
    sets: dict[str, tuple[str, ...]] = {}
    deletes: list[str] = []
    for promotion_id in promotion_ids:
        codes = {
            code for code in book._coupons_by_promotion.get(promotion_id, ()) or () if code not in changed
        }
        codes.update(c.code for c in added if c.promotion_id == promotion_id)
        if codes:
            sets[promotion_id] = tuple(sorted(codes))
        else:
            deletes.append(promotion_id)
    new._coupons_by_promotion = book._coupons_by_promotion.evolve(sets, deletes)
