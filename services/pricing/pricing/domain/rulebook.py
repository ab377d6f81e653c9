"""The compiled rule book: every pricing rule held in memory, indexed for evaluation.

The service builds one `RuleBook` from the database at start and replaces it with
`with_changes` when rules change. A book never changes after it is built, so an evaluation in
flight on another thread keeps reading a consistent book while a new one is being made; the new
book shares everything the change did not touch (copy-on-write), so changing one promotion does
not copy 100,000 price-list items.

Indexes: products and categories by id with each category's ancestor chain; standard prices by
product and unit; price lists by customer and by customer group (most preferred first); each
list's items by product + unit, product, category and "all products"; promotions and gift rules
by product, category and "all products" (active ones only: inactive rules are retired and are
neither applied nor explained). Per product, what an evaluation needs of it (the product, its
category chain, the promotions and gift rules it reaches through them) is computed on first use
and kept in the book; `with_changes` carries these entries over except those the change touches.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pricing.domain.model import (
    Category,
    Coupon,
    GiftRule,
    PriceList,
    PriceListItem,
    Product,
    Promotion,
    StandardPrice,
)
from pricing.domain.persistent import PersistentMap
from pricing.domain.scopes import ListItems, ScopeIndex

Rule = Category | Product | StandardPrice | PriceList | PriceListItem | Promotion | Coupon | GiftRule

RULE_KINDS = (
    "category",
    "product",
    "standard_price",
    "price_list",
    "price_list_item",
    "promotion",
    "coupon",
    "gift_rule",
)
MAX_CATEGORY_DEPTH = 32


@dataclass(frozen=True)
class Rules:
    """All rules as plain values: what the adapters load and what `RuleBook.build` compiles."""

    categories: tuple[Category, ...] = ()
    products: tuple[Product, ...] = ()
    standard_prices: tuple[StandardPrice, ...] = ()
    price_lists: tuple[PriceList, ...] = ()
    price_list_items: tuple[PriceListItem, ...] = ()
    promotions: tuple[Promotion, ...] = ()
    coupons: tuple[Coupon, ...] = ()
    gift_rules: tuple[GiftRule, ...] = ()


def rule_key(rule: Rule) -> tuple[str, str]:
    """(kind, id) of a rule, as used in `with_changes` removals (a coupon's id is its code)."""
    if isinstance(rule, Category):
        return "category", rule.id
    if isinstance(rule, Product):
        return "product", rule.id
    if isinstance(rule, StandardPrice):
        return "standard_price", rule.id
    if isinstance(rule, PriceList):
        return "price_list", rule.id
    if isinstance(rule, PriceListItem):
        return "price_list_item", rule.id
    if isinstance(rule, Promotion):
        return "promotion", rule.id
    if isinstance(rule, Coupon):
        return "coupon", rule.code
    return "gift_rule", rule.id


def promotion_order(promotion: Promotion) -> tuple[Any, ...]:
    """Line rewards stack in ascending priority, then creation order."""
    return (promotion.priority, promotion.seq, promotion.id)


def gift_order(rule: GiftRule) -> tuple[Any, ...]:
    return (rule.seq, rule.id)


def list_preference(price_list: PriceList) -> tuple[Any, ...]:
    """The preferred list first: larger priority, then earlier seq."""
    return (-price_list.priority, price_list.seq, price_list.id)


def _price_order(price: StandardPrice) -> tuple[Any, ...]:
    return (price.period.valid_from is not None, price.period.valid_from, price.id)


def _ancestor_chains(categories: PersistentMap[str, Category]) -> dict[str, tuple[str, ...]]:
    """Each category's chain (itself, parent, …, root); a cycle or a missing parent ends it."""
    chains: dict[str, tuple[str, ...]] = {}
    for category in categories.values():
        chain = [category.id]
        parent = category.parent_id
        while parent is not None and parent not in chain and len(chain) < MAX_CATEGORY_DEPTH:
            found = categories.get(parent)
            if found is None:
                break
            chain.append(parent)
            parent = found.parent_id
        chains[category.id] = tuple(chain)
    return chains


def _lists_by(
    price_lists: PersistentMap[str, PriceList],
) -> tuple[dict[str, tuple[PriceList, ...]], dict[str, tuple[PriceList, ...]]]:
    by_customer: dict[str, list[PriceList]] = {}
    by_group: dict[str, list[PriceList]] = {}
    for price_list in price_lists.values():
        if not price_list.active:
            continue
        for customer_id in price_list.customer_ids:
            by_customer.setdefault(customer_id, []).append(price_list)
        for group_id in price_list.group_ids:
            by_group.setdefault(group_id, []).append(price_list)
    return (
        {k: tuple(sorted(v, key=list_preference)) for k, v in by_customer.items()},
        {k: tuple(sorted(v, key=list_preference)) for k, v in by_group.items()},
    )


def _group_by(pairs: Iterable[tuple[Any, Any]]) -> dict[Any, list[Any]]:
    grouped: dict[Any, list[Any]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped


class ProductRules:
    """What an evaluation needs of one product, looked up once per book: the product, its category
    chain (deepest first), and the active promotions and gift rules scoped to the product or to
    one of those categories (each once; rules for all products are not included)."""

    __slots__ = ("categories", "gift_rules", "product", "promotions")

    def __init__(
        self,
        product: Product,
        categories: tuple[str, ...],
        promotions: tuple[Promotion, ...],
        gift_rules: tuple[GiftRule, ...],
    ) -> None:
        self.product = product
        self.categories = categories
        self.promotions = promotions
        self.gift_rules = gift_rules


def _reached(index: ScopeIndex[Any], product_id: str, categories: tuple[str, ...]) -> tuple[Any, ...]:
    found = {rule.id: rule for rule in index.by_product.get(product_id) or ()}
    for category_id in categories:
        for rule in index.by_category.get(category_id) or ():
            found[rule.id] = rule
    return tuple(found.values())


class RuleBook:
    """An immutable, indexed set of rules at one `version` (see the module docstring)."""

    __slots__ = (
        "_ancestors",
        "_categories",
        "_coupons",
        "_coupons_by_promotion",
        "_gift_index",
        "_gift_rules",
        "_items",
        "_list_items",
        "_lists_by_customer",
        "_lists_by_group",
        "_price_lists",
        "_prices",
        "_prices_by_key",
        "_product_rules",
        "_products",
        "_promotion_index",
        "_promotions",
        "memo",
        "version",
    )

    version: int
    memo: dict[str, Any]  # texts derived from rules, keyed by rule id and checked by identity
    _categories: PersistentMap[str, Category]
    _ancestors: dict[str, tuple[str, ...]]
    _products: PersistentMap[str, Product]
    _product_rules: dict[str, ProductRules]  # filled on first use (see `product_rules`)
    _prices: PersistentMap[str, StandardPrice]
    _prices_by_key: PersistentMap[tuple[str, str], tuple[StandardPrice, ...]]
    _price_lists: PersistentMap[str, PriceList]
    _lists_by_customer: dict[str, tuple[PriceList, ...]]
    _lists_by_group: dict[str, tuple[PriceList, ...]]
    _items: PersistentMap[str, PriceListItem]
    _list_items: dict[str, ListItems]
    _promotions: PersistentMap[str, Promotion]
    _promotion_index: ScopeIndex[Promotion]
    _coupons: PersistentMap[str, Coupon]
    _coupons_by_promotion: PersistentMap[str, tuple[str, ...]]
    _gift_rules: PersistentMap[str, GiftRule]
    _gift_index: ScopeIndex[GiftRule]

    @classmethod
    def build(cls, rules: Rules, version: int) -> RuleBook:
        """Compiles all rules (any order; a later duplicate id wins)."""
        book = cls.__new__(cls)
        book.version = version
        book.memo = {}
        book._categories = PersistentMap.of((c.id, c) for c in rules.categories)
        book._ancestors = _ancestor_chains(book._categories)
        book._products = PersistentMap.of((p.id, p) for p in rules.products)
        book._product_rules = {}
        book._prices = PersistentMap.of((p.id, p) for p in rules.standard_prices)
        book._prices_by_key = PersistentMap.of(
            (key, tuple(sorted(prices, key=_price_order)))
            for key, prices in _group_by(((p.product_id, p.unit), p) for p in book._prices.values()).items()
        )
        book._price_lists = PersistentMap.of((p.id, p) for p in rules.price_lists)
        book._lists_by_customer, book._lists_by_group = _lists_by(book._price_lists)
        book._items = PersistentMap.of((i.id, i) for i in rules.price_list_items)
        book._list_items = {
            list_id: ListItems.build(items)
            for list_id, items in _group_by((i.price_list_id, i) for i in book._items.values()).items()
        }
        book._promotions = PersistentMap.of((p.id, p) for p in rules.promotions)
        book._promotion_index = ScopeIndex.build(
            (p for p in book._promotions.values() if p.active), promotion_order
        )
        book._coupons = PersistentMap.of((c.code, c) for c in rules.coupons)
        book._coupons_by_promotion = PersistentMap.of(
            (k, tuple(sorted(v)))
            for k, v in _group_by((c.promotion_id, c.code) for c in book._coupons.values()).items()
        )
        book._gift_rules = PersistentMap.of((g.id, g) for g in rules.gift_rules)
        book._gift_index = ScopeIndex.build((g for g in book._gift_rules.values() if g.active), gift_order)
        return book

    def with_changes(
        self, upserts: Sequence[Rule], removals: Sequence[tuple[str, str]], version: int
    ) -> RuleBook:
        """A new book with `removals` ((kind, id) pairs) applied, then `upserts` (the last value of
        a key wins). This book stays valid and unchanged."""
        from pricing.domain.rulebook_changes import apply_changes

        return apply_changes(self, upserts, removals, version)

    def _clone(self, version: int) -> RuleBook:
        book = RuleBook.__new__(RuleBook)
        for name in RuleBook.__slots__:
            setattr(book, name, getattr(self, name))
        book.version = version
        return book

    # --- lookups --------------------------------------------------------------------------------

    def product(self, product_id: str) -> Product | None:
        return self._products.get(product_id)

    def product_rules(self, product_id: str) -> ProductRules | None:
        """The product with its category chain and the rules it reaches (None if unknown); kept
        in the book after the first call. Dict writes are atomic, so threads may race to fill an
        entry and both compute the same value."""
        entry = self._product_rules.get(product_id)
        if entry is None:
            product = self._products.get(product_id)
            if product is None:
                return None
            categories = self.ancestors(product.category_id)
            entry = ProductRules(
                product,
                categories,
                _reached(self._promotion_index, product_id, categories),
                _reached(self._gift_index, product_id, categories),
            )
            self._product_rules[product_id] = entry
        return entry

    def category(self, category_id: str) -> Category | None:
        return self._categories.get(category_id)

    def standard_price(self, price_id: str) -> StandardPrice | None:
        return self._prices.get(price_id)

    def price_list(self, list_id: str) -> PriceList | None:
        return self._price_lists.get(list_id)

    def price_list_item(self, item_id: str) -> PriceListItem | None:
        return self._items.get(item_id)

    def promotion(self, promotion_id: str) -> Promotion | None:
        return self._promotions.get(promotion_id)

    def coupon(self, code: str) -> Coupon | None:
        return self._coupons.get(code)

    def gift_rule(self, rule_id: str) -> GiftRule | None:
        return self._gift_rules.get(rule_id)

    def standard_prices_of(self, product_id: str, unit: str) -> tuple[StandardPrice, ...]:
        """The prices of one product and unit, earliest period first."""
        return self._prices_by_key.get((product_id, unit), ()) or ()

    def items_of_list(self, list_id: str) -> tuple[PriceListItem, ...]:
        """A list's items in creation order."""
        items = self._list_items.get(list_id)
        return items.all_items() if items is not None else ()

    def active_promotions(self) -> list[Promotion]:
        """Every active promotion (any order)."""
        return [p for p in self._promotions.values() if p.active]

    def coupons_of(self, promotion_id: str) -> tuple[str, ...]:
        """The codes that unlock a promotion."""
        return self._coupons_by_promotion.get(promotion_id, ()) or ()

    def ancestors(self, category_id: str | None) -> tuple[str, ...]:
        """The category and its ancestors, deepest first (empty for None or unknown)."""
        if category_id is None:
            return ()
        return self._ancestors.get(category_id, ())

    def list_index(self, list_id: str) -> ListItems | None:
        return self._list_items.get(list_id)

    def lists_of_customer(self, customer_id: str) -> tuple[PriceList, ...]:
        return self._lists_by_customer.get(customer_id, ())

    def lists_of_group(self, group_id: str) -> tuple[PriceList, ...]:
        return self._lists_by_group.get(group_id, ())

    @property
    def promotion_index(self) -> ScopeIndex[Promotion]:
        return self._promotion_index

    @property
    def gift_index(self) -> ScopeIndex[GiftRule]:
        return self._gift_index

    def rules(self) -> Rules:
        """Every current rule, each kind in id order."""
        return Rules(
            categories=tuple(sorted(self._categories.values(), key=lambda r: r.id)),
            products=tuple(sorted(self._products.values(), key=lambda r: r.id)),
            standard_prices=tuple(sorted(self._prices.values(), key=lambda r: r.id)),
            price_lists=tuple(sorted(self._price_lists.values(), key=lambda r: r.id)),
            price_list_items=tuple(sorted(self._items.values(), key=lambda r: r.id)),
            promotions=tuple(sorted(self._promotions.values(), key=lambda r: r.id)),
            coupons=tuple(sorted(self._coupons.values(), key=lambda r: r.code)),
            gift_rules=tuple(sorted(self._gift_rules.values(), key=lambda r: r.id)),
        )

    def counts(self) -> dict[str, int]:
        """How many rules of each kind the book holds (for metrics and logs)."""
        return {
            "category": len(self._categories),
            "product": len(self._products),
            "standard_price": len(self._prices),
            "price_list": len(self._price_lists),
            "price_list_item": len(self._items),
            "promotion": len(self._promotions),
            "coupon": len(self._coupons),
            "gift_rule": len(self._gift_rules),
        }
