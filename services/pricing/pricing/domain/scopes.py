"""Indexes of rules by the products they touch, kept per price list or per rule kind.

The evaluator must not scan 5,000 promotions or 100,000 price-list items for every line: it looks
up the line's product, the product's category and its ancestors, and the rules for "all
products". These indexes hold, for each key, the rules already sorted in the order the evaluator
tries them, and are changed by copying only the touched keys.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from pricing.domain.model import PriceListItem
from pricing.domain.persistent import PersistentMap


class Scoped(Protocol):
    """A rule with a product scope (promotions and gift rules)."""

    @property
    def id(self) -> str: ...

    @property
    def product_ids(self) -> frozenset[str]: ...

    @property
    def category_ids(self) -> frozenset[str]: ...


S = TypeVar("S", bound=Scoped)
T = TypeVar("T")
Order = Callable[[Any], tuple[Any, ...]]


def _merge(
    current: tuple[T, ...], drop_ids: set[str], adds: Sequence[T], order: Order, ident: Callable[[T], str]
) -> tuple[T, ...]:
    kept = [rule for rule in current if ident(rule) not in drop_ids]
    kept.extend(adds)
    kept.sort(key=order)
    return tuple(kept)


def _evolve_map(
    mapping: PersistentMap[Any, tuple[T, ...]],
    touched: dict[Any, list[T]],
    drop_ids: set[str],
    order: Order,
    ident: Callable[[T], str],
) -> PersistentMap[Any, tuple[T, ...]]:
    sets: dict[Any, tuple[T, ...]] = {}
    deletes: list[Any] = []
    for key, adds in touched.items():
        merged = _merge(mapping.get(key, ()) or (), drop_ids, adds, order, ident)
        if merged:
            sets[key] = merged
        else:
            deletes.append(key)
    return mapping.evolve(sets, deletes)


@dataclass(frozen=True)
class ScopeIndex(Generic[S]):
    """Rules by product id, by category id, and those for all products (no product scope)."""

    by_product: PersistentMap[str, tuple[S, ...]]
    by_category: PersistentMap[str, tuple[S, ...]]
    everywhere: tuple[S, ...]

    @staticmethod
    def build(rules: Iterable[S], order: Order) -> ScopeIndex[S]:
        by_product: dict[str, list[S]] = {}
        by_category: dict[str, list[S]] = {}
        everywhere: list[S] = []
        for rule in rules:
            for product_id in rule.product_ids:
                by_product.setdefault(product_id, []).append(rule)
            for category_id in rule.category_ids:
                by_category.setdefault(category_id, []).append(rule)
            if not rule.product_ids and not rule.category_ids:
                everywhere.append(rule)
        return ScopeIndex(
            PersistentMap.of((k, tuple(sorted(v, key=order))) for k, v in by_product.items()),
            PersistentMap.of((k, tuple(sorted(v, key=order))) for k, v in by_category.items()),
            tuple(sorted(everywhere, key=order)),
        )

    def evolve(self, old: Sequence[S], new: Sequence[S], order: Order) -> ScopeIndex[S]:
        """Drops every rule of `old` and `new` by id, then indexes `new` (copy-on-write)."""
        drop_ids = {rule.id for rule in old} | {rule.id for rule in new}
        products: dict[str, list[S]] = {}
        categories: dict[str, list[S]] = {}
        everywhere_touched = False
        for rule in old:
            for product_id in rule.product_ids:
                products.setdefault(product_id, [])
            for category_id in rule.category_ids:
                categories.setdefault(category_id, [])
            everywhere_touched |= not rule.product_ids and not rule.category_ids
        everywhere_adds: list[S] = []
        for rule in new:
            for product_id in rule.product_ids:
                products.setdefault(product_id, []).append(rule)
            for category_id in rule.category_ids:
                categories.setdefault(category_id, []).append(rule)
            if not rule.product_ids and not rule.category_ids:
                everywhere_adds.append(rule)
                everywhere_touched = True
        ident: Callable[[S], str] = _rule_id
        everywhere = self.everywhere
        if everywhere_touched:
            everywhere = _merge(everywhere, drop_ids, everywhere_adds, order, ident)
        return ScopeIndex(
            _evolve_map(self.by_product, products, drop_ids, order, ident),
            _evolve_map(self.by_category, categories, drop_ids, order, ident),
            everywhere,
        )


def _rule_id(rule: Scoped) -> str:
    return rule.id


def item_order(item: PriceListItem) -> tuple[Any, ...]:
    """Items are tried highest `min_quantity` first, then later `seq` first."""
    return (-item.min_quantity, -item.seq, item.id)


def _item_slot(item: PriceListItem) -> tuple[str, Hashable]:
    if item.product_id is not None:
        if item.unit is not None:
            return "exact", (item.product_id, item.unit)
        return "product", item.product_id
    if item.category_id is not None:
        return "category", item.category_id
    return "all", None


@dataclass(frozen=True)
class ListItems:
    """The items of one price list by specificity: product + unit, product, category, all."""

    exact: dict[tuple[str, str], tuple[PriceListItem, ...]]
    by_product: dict[str, tuple[PriceListItem, ...]]
    by_category: dict[str, tuple[PriceListItem, ...]]
    everywhere: tuple[PriceListItem, ...]

    @staticmethod
    def build(items: Iterable[PriceListItem]) -> ListItems:
        return ListItems({}, {}, {}, ()).evolve((), tuple(items))

    def all_items(self) -> tuple[PriceListItem, ...]:
        found: list[PriceListItem] = list(self.everywhere)
        for group in (self.exact, self.by_product, self.by_category):
            for items in group.values():
                found.extend(items)
        found.sort(key=lambda item: (item.seq, item.id))
        return tuple(found)

    def evolve(self, old: Sequence[PriceListItem], new: Sequence[PriceListItem]) -> ListItems:
        """A new index without `old` (by id) and with `new`; copies this list's maps only."""
        drop_ids = {item.id for item in old} | {item.id for item in new}
        maps: dict[str, dict[Any, tuple[PriceListItem, ...]]] = {
            "exact": self.exact,
            "product": self.by_product,
            "category": self.by_category,
        }
        touched: dict[str, dict[Hashable, list[PriceListItem]]] = {}
        for item in old:
            slot, key = _item_slot(item)
            touched.setdefault(slot, {}).setdefault(key, [])
        for item in new:
            slot, key = _item_slot(item)
            touched.setdefault(slot, {}).setdefault(key, []).append(item)
        everywhere = self.everywhere
        copied: dict[str, dict[Any, tuple[PriceListItem, ...]]] = {}
        for slot, keys in touched.items():
            if slot == "all":
                everywhere = _merge(everywhere, drop_ids, keys[None], item_order, _item_id)
                continue
            target = copied[slot] = dict(maps[slot])
            for key, adds in keys.items():
                merged = _merge(target.get(key, ()), drop_ids, adds, item_order, _item_id)
                if merged:
                    target[key] = merged
                else:
                    target.pop(key, None)
        return ListItems(
            copied.get("exact", self.exact),
            copied.get("product", self.by_product),
            copied.get("category", self.by_category),
            everywhere,
        )

    def is_empty(self) -> bool:
        return not (self.exact or self.by_product or self.by_category or self.everywhere)


def _item_id(item: PriceListItem) -> str:
    return item.id
