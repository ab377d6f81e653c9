"""Checks of rules as marketing authors them: each check raises one InvalidArgument naming every
bad field, and nothing else, so the service refuses the change before anything is written.

What is refused here can then never happen at the moment of sale: overlapping standard-price
periods, category and price-list cycles, tiers out of order, volume tiers that raise the price.
Conflicts between promotions are not errors (see `promotion_review`, re-exported here).
"""

from __future__ import annotations

from decimal import Decimal

from chassis.errors import InvalidArgument, ViolationCollector

from pricing.domain.model import (
    LINE_REWARDS,
    Category,
    Coupon,
    GiftRule,
    ItemBase,
    ItemKind,
    Period,
    PriceList,
    PriceListItem,
    Product,
    Promotion,
    RewardKind,
    StandardPrice,
    TierMode,
)
from pricing.domain.promotion_review import Finding, applicable_promotions, period_text, validate_promotion
from pricing.domain.rulebook import MAX_CATEGORY_DEPTH, RuleBook

__all__ = [
    "Finding",
    "applicable_promotions",
    "check_category",
    "check_coupon",
    "check_gift_rule",
    "check_price_list",
    "check_price_list_item",
    "check_product",
    "check_promotion",
    "check_standard_price",
    "validate_promotion",
]

HUNDRED = Decimal(100)
MAX_MARKUP = Decimal(-1000)


def _required(found: ViolationCollector, field: str, value: str | None) -> None:
    if value is None or not value.strip():
        found.add(field, "is required")


def _period(found: ViolationCollector, period: Period) -> None:
    if period.valid_from and period.valid_to and period.valid_to < period.valid_from:
        found.add("valid_to", f"is before valid_from ({period.valid_from.isoformat()})")


def _currency(found: ViolationCollector, currency: str) -> None:
    if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
        found.add("currency", f"must be an ISO 4217 code, got {currency!r}")


def _percent(found: ViolationCollector, field: str, value: Decimal | None, low: Decimal = Decimal(0)) -> None:
    if value is not None and not low <= value <= HUNDRED:
        found.add(field, f"must be between {low} and 100")


def _at_least(found: ViolationCollector, field: str, value: Decimal | int | None, low: Decimal | int) -> None:
    if value is not None and value < low:
        found.add(field, f"must be at least {low}")


def _positive(found: ViolationCollector, field: str, value: Decimal | None) -> None:
    if value is not None and value <= 0:
        found.add(field, "must be greater than zero")


def _products_exist(found: ViolationCollector, field: str, ids: frozenset[str], book: RuleBook) -> None:
    for product_id in sorted(ids):
        if book.product(product_id) is None:
            found.add(field, f"unknown product {product_id!r}")


def _categories_exist(found: ViolationCollector, field: str, ids: frozenset[str], book: RuleBook) -> None:
    for category_id in sorted(ids):
        if book.category(category_id) is None:
            found.add(field, f"unknown category {category_id!r}")


def check_product(product: Product) -> None:
    """Ids and units: each unit once, not the base unit, factor > 0; cost ≥ 0."""
    found = ViolationCollector()
    _required(found, "id", product.id)
    _required(found, "sku", product.sku)
    _required(found, "base_unit", product.base_unit)
    seen = {product.base_unit}
    for index, conversion in enumerate(product.units):
        if conversion.unit in seen:
            found.add(f"units[{index}].unit", f"{conversion.unit!r} is listed twice (or is the base unit)")
        seen.add(conversion.unit)
        _positive(found, f"units[{index}].factor", conversion.factor)
    _at_least(found, "cost", product.cost, 0)
    found.raise_if_any()


def check_category(category: Category, book: RuleBook) -> None:
    """The parent exists and the tree stays a tree (no cycle)."""
    found = ViolationCollector()
    _required(found, "id", category.id)
    _required(found, "code", category.code)
    found.raise_if_any()
    if category.parent_id is None:
        return
    path = [category.id]
    parent: str | None = category.parent_id
    while parent is not None and len(path) <= MAX_CATEGORY_DEPTH:
        path.append(parent)
        if parent == category.id:
            raise InvalidArgument("parent_id", f"would make a cycle: {' → '.join(path)}")
        node = book.category(parent)
        if node is None:
            raise InvalidArgument("parent_id", f"unknown category {parent!r}")
        parent = node.parent_id
    if parent is not None:
        raise InvalidArgument("parent_id", f"the tree would be deeper than {MAX_CATEGORY_DEPTH} levels")


def check_standard_price(price: StandardPrice, book: RuleBook) -> None:
    """Product and unit sold, amount ≥ 0, a valid period that overlaps no other price of the same
    product and unit."""
    found = ViolationCollector()
    product = book.product(price.product_id)
    if product is None:
        found.add("product_id", f"unknown product {price.product_id!r}")
    elif product.factor(price.unit) is None:
        found.add("unit", f"{product.id} is not sold in {price.unit!r}")
    _at_least(found, "amount", price.amount, 0)
    _currency(found, price.currency)
    _period(found, price.period)
    found.raise_if_any()
    for other in book.standard_prices_of(price.product_id, price.unit):
        if other.id != price.id and other.period.overlaps(price.period):
            raise InvalidArgument(
                "valid_from", f"overlaps the price {other.id} valid {period_text(other.period)}"
            )


def check_price_list(price_list: PriceList) -> None:
    found = ViolationCollector()
    _required(found, "id", price_list.id)
    _required(found, "name", price_list.name)
    _currency(found, price_list.currency)
    found.raise_if_any()


def _item_scope(found: ViolationCollector, item: PriceListItem, book: RuleBook) -> None:
    if book.price_list(item.price_list_id) is None:
        found.add("price_list_id", f"unknown price list {item.price_list_id!r}")
    if item.product_id is not None and item.category_id is not None:
        found.add("category_id", "give a product or a category, not both")
    if item.product_id is not None:
        product = book.product(item.product_id)
        if product is None:
            found.add("product_id", f"unknown product {item.product_id!r}")
        elif item.unit is not None and product.factor(item.unit) is None:
            found.add("unit", f"{product.id} is not sold in {item.unit!r}")
    elif item.unit is not None:
        found.add("unit", "a unit needs a product_id")
    if item.category_id is not None and book.category(item.category_id) is None:
        found.add("category_id", f"unknown category {item.category_id!r}")


def _item_values(found: ViolationCollector, item: PriceListItem) -> None:
    if item.kind is ItemKind.FIXED:
        if item.fixed_price is None and not item.tiers:
            found.add("fixed_price", "is required for a fixed item without tiers")
        if item.fixed_price is not None and item.tiers:
            found.add("fixed_price", "give a fixed price or tiers, not both")
        _at_least(found, "fixed_price", item.fixed_price, 0)
    elif item.kind is ItemKind.PERCENT:
        if item.percent is None and not item.tiers:
            found.add("percent", "is required for a percent item without tiers")
        _percent(found, "percent", item.percent)
    else:
        # A negative FORMULA percent is a mark-up (cost plus 30% = −30).
        _percent(found, "percent", item.percent, MAX_MARKUP)
        if item.tiers:
            found.add("tiers", "a formula item has no tiers")
        _positive(found, "rounding_multiple", item.rounding_multiple)
        if item.min_margin is not None and item.max_margin is not None and item.min_margin > item.max_margin:
            found.add("max_margin", "must not be below min_margin")
    _positive(found, "min_quantity", item.min_quantity)
    previous = None
    for index, tier in enumerate(item.tiers):
        _positive(found, f"tiers[{index}].min_quantity", tier.min_quantity)
        if item.kind is ItemKind.PERCENT:
            _percent(found, f"tiers[{index}].value", tier.value)
        else:
            _at_least(found, f"tiers[{index}].value", tier.value, 0)
        if previous is not None:
            if tier.min_quantity <= previous.min_quantity:
                found.add(f"tiers[{index}].min_quantity", "must be greater than the previous tier's")
            raises = (
                tier.value > previous.value if item.kind is ItemKind.FIXED else tier.value < previous.value
            )
            if item.tier_mode is TierMode.VOLUME and raises:
                found.add(f"tiers[{index}].value", "a volume tier must not raise the price of more units")
        previous = tier


def _chain_cycle(item: PriceListItem, book: RuleBook) -> list[str] | None:
    """The path back to the item's own list through base lists, if the item would close one."""
    start = item.price_list_id
    stack: list[tuple[str, list[str]]] = [(item.base_price_list_id or "", [start])]
    seen: set[str] = set()
    while stack:
        list_id, path = stack.pop()
        path = [*path, list_id]
        if list_id == start:
            return path
        if list_id in seen:
            continue
        seen.add(list_id)
        targets = sorted(
            {
                other.base_price_list_id
                for other in book.items_of_list(list_id)
                if other.id != item.id and other.base is ItemBase.PRICE_LIST and other.base_price_list_id
            }
        )
        stack.extend((target, path) for target in reversed(targets))
    return None


def check_price_list_item(item: PriceListItem, book: RuleBook) -> None:
    """Scope, the fields of its kind, tiers ascending (volume tiers never raising the price), and a
    base list that exists and closes no cycle."""
    found = ViolationCollector()
    _item_scope(found, item, book)
    _item_values(found, item)
    _period(found, item.period)
    if item.kind is not ItemKind.FIXED and item.base is ItemBase.PRICE_LIST:
        if not item.base_price_list_id:
            found.add("base_price_list_id", "is required when the base is another price list")
        elif book.price_list(item.base_price_list_id) is None:
            found.add("base_price_list_id", f"unknown price list {item.base_price_list_id!r}")
        else:
            cycle = _chain_cycle(item, book)
            if cycle is not None:
                found.add(
                    "base_price_list_id",
                    f"basing {item.price_list_id} on {item.base_price_list_id} would make a cycle: "
                    + " → ".join(cycle),
                )
    found.raise_if_any()


def check_promotion(promotion: Promotion, book: RuleBook) -> None:
    """The reward's fields per kind, percentages 0–100, X and Y > 0, limits ≥ 1, known scope."""
    found = ViolationCollector()
    _required(found, "id", promotion.id)
    _required(found, "name", promotion.name)
    reward = promotion.reward
    if reward in (RewardKind.PERCENT_OFF, RewardKind.ORDER_PERCENT) and promotion.percent is None:
        found.add("percent", f"is required for {reward.value}")
    if reward in (RewardKind.AMOUNT_OFF, RewardKind.FIXED_PRICE, RewardKind.ORDER_AMOUNT):
        if promotion.amount is None:
            found.add("amount", f"is required for {reward.value}")
        _at_least(found, "amount", promotion.amount, 0)
    _percent(found, "percent", promotion.percent)
    if reward is RewardKind.BUY_X_GET_Y:
        for field, value in (
            ("buy_quantity", promotion.buy_quantity),
            ("get_quantity", promotion.get_quantity),
        ):
            if value is None:
                found.add(field, "is required for buy_x_get_y")
            _positive(found, field, value)
    if reward in LINE_REWARDS and (promotion.min_spend is not None or promotion.cap is not None):
        found.add("min_spend" if promotion.min_spend is not None else "cap", "applies to order rewards only")
    _at_least(found, "cap", promotion.cap, 0)
    _at_least(found, "min_spend", promotion.min_spend, 0)
    _positive(found, "min_quantity", promotion.min_quantity)
    _at_least(found, "min_amount", promotion.min_amount, 0)
    _at_least(found, "usage_limit_total", promotion.usage_limit_total, 1)
    _at_least(found, "usage_limit_per_customer", promotion.usage_limit_per_customer, 1)
    if promotion.group is not None and not promotion.group.strip():
        found.add("group", "must not be blank (leave it empty for no group)")
    _period(found, promotion.period)
    _products_exist(found, "product_ids", promotion.product_ids, book)
    _categories_exist(found, "category_ids", promotion.category_ids, book)
    found.raise_if_any()


def check_coupon(coupon: Coupon, book: RuleBook) -> None:
    found = ViolationCollector()
    _required(found, "code", coupon.code)
    if coupon.code and (coupon.code != coupon.code.strip() or " " in coupon.code):
        found.add("code", "must not contain spaces")
    if book.promotion(coupon.promotion_id) is None:
        found.add("promotion_id", f"unknown promotion {coupon.promotion_id!r}")
    if coupon.single_use and (coupon.limit_total is not None or coupon.limit_per_customer is not None):
        found.add("single_use", "a single-use coupon takes no other limits")
    _at_least(found, "limit_total", coupon.limit_total, 1)
    _at_least(found, "limit_per_customer", coupon.limit_per_customer, 1)
    if coupon.customer_id is not None and not coupon.customer_id.strip():
        found.add("customer_id", "must not be blank")
    _period(found, coupon.period)
    found.raise_if_any()


def check_gift_rule(rule: GiftRule, book: RuleBook) -> None:
    """Gift products exist and are sold in the gift unit; quantities > 0; a trigger is given."""
    found = ViolationCollector()
    _required(found, "name", rule.name)
    if not rule.gift_product_ids:
        found.add("gift_product_ids", "at least one gift product is required")
    for index, product_id in enumerate(rule.gift_product_ids):
        product = book.product(product_id)
        if product is None:
            found.add(f"gift_product_ids[{index}]", f"unknown product {product_id!r}")
        elif product.factor(rule.gift_unit) is None:
            found.add(f"gift_product_ids[{index}]", f"{product_id} is not sold in {rule.gift_unit!r}")
    if len(set(rule.gift_product_ids)) != len(rule.gift_product_ids):
        found.add("gift_product_ids", "lists a product twice")
    _positive(found, "gift_quantity", rule.gift_quantity)
    _positive(found, "buy_quantity", rule.buy_quantity)
    _at_least(found, "min_order_amount", rule.min_order_amount, 0)
    if not rule.product_ids and not rule.category_ids and rule.min_order_amount is None:
        found.add("min_order_amount", "is required when no product or category triggers the gift")
    _products_exist(found, "product_ids", rule.product_ids, book)
    _categories_exist(found, "category_ids", rule.category_ids, book)
    _period(found, rule.period)
    found.raise_if_any()
