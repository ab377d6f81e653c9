"""Deterministic synthetic pricing rules and requests, for the benchmark and the property tests.

`generate_rules` makes a realistic catalogue of a Thai B2B seller (a three-level category tree,
products sold by the piece and by the box, standard prices with periods, price lists for customer
groups and for single customers, items of every kind with tiers and chained lists, promotions of
every reward kind with groups, exclusives, coupons and limits, and free-gift rules). The same seed
gives the same rules. `sample_request` makes a request whose lines can all be priced on
`SAMPLE_DAY`.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace
from decimal import Decimal

from pricing.domain.model import (
    ALWAYS,
    Category,
    Coupon,
    CustomerRef,
    EvaluationRequest,
    GiftRule,
    ItemBase,
    ItemKind,
    LineRequest,
    Period,
    PriceList,
    PriceListItem,
    Product,
    Promotion,
    RewardKind,
    StandardPrice,
    Tier,
    TierMode,
    UnitConversion,
    VatClass,
)
from pricing.domain.rulebook import Rules

SAMPLE_DAY = dt.date(2026, 3, 15)
CUSTOMERS = 2_000
CENT = Decimal("0.01")
_BASE_UNITS = ("EA", "EA", "EA", "KG", "BTL", "M")
_BOXES = (("BOX", 6), ("BOX", 12), ("BOX", 24), ("PACK", 10))
_PROMO_GROUPS = tuple(f"group-{n}" for n in range(20))
_CURRENT = Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
_FUTURE = Period(dt.date(2026, 6, 1), dt.date(2026, 8, 31))
_PAST = Period(dt.date(2025, 6, 1), dt.date(2025, 12, 31))


def _money(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(rng.randint(int(low * 100), int(high * 100))) * CENT


def _period(rng: random.Random) -> Period:
    roll = rng.random()
    return _CURRENT if roll < 0.6 else ALWAYS if roll < 0.75 else _FUTURE if roll < 0.88 else _PAST


def _categories(count: int) -> list[Category]:
    roots = max(1, count // 10)
    middles = max(1, (count - roots) // 3)
    result: list[Category] = []
    for n in range(count):
        if n < roots:
            parent = None
        elif n < roots + middles:
            parent = f"CAT{(n % roots):04d}"
        else:
            parent = f"CAT{(roots + n % middles):04d}"
        result.append(Category(f"CAT{n:04d}", f"C{n:04d}", f"หมวด {n}", f"Category {n}", parent))
    return result


def _products(rng: random.Random, count: int, leaves: list[str]) -> list[Product]:
    result = []
    for n in range(count):
        base = rng.choice(_BASE_UNITS)
        units: tuple[UnitConversion, ...] = ()
        if rng.random() < 0.4:
            box, factor = rng.choice(_BOXES)
            units = (UnitConversion(box, Decimal(factor)),)
            if rng.random() < 0.25:
                units += (UnitConversion("CASE", Decimal(factor * 4)),)
        roll = rng.random()
        vat = VatClass.STANDARD if roll < 0.9 else VatClass.ZERO_RATED if roll < 0.95 else VatClass.EXEMPT
        cost = _money(rng, 5, 1500) if rng.random() < 0.95 else None
        result.append(
            Product(
                id=f"P{n:05d}",
                sku=f"SKU-{n:05d}",
                name_th=f"สินค้า {n}",
                name_en=f"Product {n}",
                base_unit=base,
                category_id=rng.choice(leaves) if leaves else None,
                units=units,
                vat_class=vat,
                cost=cost,
                active=rng.random() > 0.02,
            )
        )
    return result


def _standard_prices(
    rng: random.Random, products: list[Product]
) -> tuple[list[StandardPrice], dict[str, Decimal]]:
    prices: list[StandardPrice] = []
    current: dict[str, Decimal] = {}
    for product in products:
        cost = product.cost if product.cost is not None else _money(rng, 5, 1500)
        amount = (cost * Decimal(rng.randint(120, 180)) / 100).quantize(CENT)
        current[product.id] = amount
        if rng.random() < 0.2:
            old = (amount * Decimal("0.95")).quantize(CENT)
            periods = [
                (old, Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))),
                (amount, Period(dt.date(2026, 1, 1))),
            ]
        else:
            periods = [(amount, Period(dt.date(2025, 1, 1)))]
        for n, (value, period) in enumerate(periods):
            prices.append(
                StandardPrice(f"SP-{product.id}-{n}", product.id, product.base_unit, value, "THB", period)
            )
        for conversion in product.units:
            if rng.random() < 0.3:
                boxed = (amount * conversion.factor * Decimal("0.97")).quantize(CENT)
                prices.append(
                    StandardPrice(
                        f"SP-{product.id}-{conversion.unit}",
                        product.id,
                        conversion.unit,
                        boxed,
                        "THB",
                        ALWAYS,
                    )
                )
    return prices, current


def _price_lists(rng: random.Random, count: int, groups: list[str]) -> list[PriceList]:
    result = []
    for n in range(count):
        customer_ids: frozenset[str] = frozenset()
        group_ids: frozenset[str] = frozenset()
        if rng.random() < 0.2:
            customer_ids = frozenset(f"C{rng.randrange(CUSTOMERS):04d}" for _ in range(rng.randint(1, 3)))
        else:
            group_ids = frozenset(rng.sample(groups, min(len(groups), rng.randint(1, 2))))
        result.append(
            PriceList(
                id=f"PL{n:04d}",
                name=f"Price list {n}",
                seq=n + 1,
                priority=rng.randint(0, 10),
                vat_inclusive=rng.random() < 0.05,
                customer_ids=customer_ids,
                group_ids=group_ids,
                active=rng.random() > 0.03,
            )
        )
    return result


def _tiers(rng: random.Random, kind: ItemKind, start: Decimal) -> tuple[Tier, ...]:
    steps = (Decimal(1), Decimal(10), Decimal(50))
    if kind is ItemKind.FIXED:
        values = sorted((start * Decimal(rng.randint(80, 100)) / 100).quantize(CENT) for _ in steps)
        return tuple(Tier(q, v) for q, v in zip(steps, reversed(values), strict=True))
    percents = sorted(Decimal(rng.randint(0, 25)) for _ in steps)
    return tuple(Tier(q, p) for q, p in zip(steps, percents, strict=True))


def _items(
    rng: random.Random,
    count: int,
    lists: list[PriceList],
    products: list[Product],
    categories: list[Category],
    prices: dict[str, Decimal],
) -> list[PriceListItem]:
    result: list[PriceListItem] = []
    for n in range(count):
        list_index = rng.randrange(len(lists))
        product = rng.choice(products)
        roll = rng.random()
        product_id: str | None = product.id
        unit: str | None = None
        category_id: str | None = None
        if roll < 0.25 and product.units:
            unit = rng.choice(product.units).unit
        elif roll >= 0.8:
            product_id = None
            if roll < 0.98:
                category_id = rng.choice(categories).id
        kind_roll = rng.random()
        kind = (
            ItemKind.FIXED if kind_roll < 0.4 else ItemKind.PERCENT if kind_roll < 0.8 else ItemKind.FORMULA
        )
        if product_id is None and kind is ItemKind.FIXED:
            kind = ItemKind.PERCENT
        base_roll = rng.random()
        base = ItemBase.STANDARD_PRICE
        base_list: str | None = None
        if kind is not ItemKind.FIXED and base_roll < 0.12 and list_index > 0:
            base, base_list = ItemBase.PRICE_LIST, lists[rng.randrange(list_index)].id
        elif kind is ItemKind.FORMULA and base_roll < 0.5:
            base = ItemBase.COST
        factor = product.factor(unit) if unit else Decimal(1)
        start = prices[product.id] * (factor or Decimal(1))
        tiers: tuple[Tier, ...] = ()
        fixed_price = percent = None
        if kind is not ItemKind.FORMULA and rng.random() < 0.2:
            tiers = _tiers(rng, kind, start)
        elif kind is ItemKind.FIXED:
            fixed_price = (start * Decimal(rng.randint(80, 98)) / 100).quantize(CENT)
        else:
            percent = Decimal(rng.randint(0, 20))
        if base is ItemBase.COST:
            percent = Decimal(-rng.randint(20, 60))  # cost plus: a negative FORMULA discount
        formula = kind is ItemKind.FORMULA
        result.append(
            PriceListItem(
                id=f"PLI{n:06d}",
                price_list_id=lists[list_index].id,
                seq=n + 1,
                kind=kind,
                product_id=product_id,
                unit=unit,
                category_id=category_id,
                min_quantity=Decimal(1) if tiers or rng.random() < 0.8 else Decimal(rng.choice((5, 10, 50))),
                period=ALWAYS if rng.random() < 0.85 else _period(rng),
                fixed_price=fixed_price,
                percent=percent if kind is not ItemKind.FIXED else None,
                base=base,
                base_price_list_id=base_list,
                rounding_multiple=Decimal(rng.choice((1, 5, 10))) if formula and rng.random() < 0.7 else None,
                rounding_offset=Decimal("-0.01") if formula and rng.random() < 0.4 else Decimal(0),
                surcharge=Decimal(5) if formula and rng.random() < 0.2 else Decimal(0),
                min_margin=Decimal(1) if formula and rng.random() < 0.3 else None,
                max_margin=None,
                tiers=tiers,
                tier_mode=TierMode.GRADUATED if rng.random() < 0.5 else TierMode.VOLUME,
            )
        )
    return result


def _customer_scope(rng: random.Random, groups: list[str]) -> tuple[frozenset[str], frozenset[str]]:
    roll = rng.random()
    if roll < 0.6:
        return frozenset(), frozenset()
    if roll < 0.9:
        return frozenset(), frozenset(rng.sample(groups, min(len(groups), rng.randint(1, 3))))
    return frozenset(f"C{rng.randrange(CUSTOMERS):04d}" for _ in range(rng.randint(1, 5))), frozenset()


def _promotions(
    rng: random.Random, count: int, products: list[Product], categories: list[Category], groups: list[str]
) -> tuple[list[Promotion], list[Coupon]]:
    promotions: list[Promotion] = []
    coupons: list[Coupon] = []
    # Order rewards are few and mostly spend tiers of one group (spend 10,000 get 3%, 20,000 get 5%).
    kinds = [RewardKind.PERCENT_OFF] * 400 + [RewardKind.AMOUNT_OFF] * 200 + [RewardKind.FIXED_PRICE] * 150
    kinds += [RewardKind.BUY_X_GET_Y] * 230 + [RewardKind.ORDER_PERCENT] * 12 + [RewardKind.ORDER_AMOUNT] * 8
    # Category promotions mostly target the narrow categories ("soft drinks"), rarely a whole root.
    roots = [c for c in categories if c.parent_id is None]
    narrow = [c for c in categories if c.parent_id is not None]
    for n in range(count):
        reward = rng.choice(kinds)
        order = reward in (RewardKind.ORDER_PERCENT, RewardKind.ORDER_AMOUNT)
        scope_roll = rng.random()
        product_ids: frozenset[str] = frozenset()
        category_ids: frozenset[str] = frozenset()
        if scope_roll < (0.6 if order else 0.002):
            pass  # all products
        elif scope_roll < (0.7 if order else 0.92):
            product_ids = frozenset(p.id for p in rng.sample(products, rng.randint(1, 3)))
        else:
            pool = roots if rng.random() < 0.05 or not narrow else narrow
            category_ids = frozenset({rng.choice(pool).id})
        customer_ids, group_ids = _customer_scope(rng, groups)
        coupon_required = rng.random() < 0.05
        promotion = Promotion(
            id=f"PROMO{n:05d}",
            name=f"Promotion {n}",
            seq=n + 1,
            reward=reward,
            priority=rng.randrange(1, 21) * 10,
            group=f"spend-tier-{n % 3}"
            if order and rng.random() < 0.8
            else rng.choice(_PROMO_GROUPS)
            if rng.random() < 0.1
            else None,
            exclusive=rng.random() < 0.03,
            period=_period(rng),
            customer_ids=customer_ids,
            group_ids=group_ids,
            product_ids=product_ids,
            category_ids=category_ids,
            min_quantity=Decimal(rng.choice((2, 5, 10))) if rng.random() < 0.15 else None,
            min_amount=_money(rng, 500, 5000) if not order and rng.random() < 0.1 else None,
            percent=Decimal(rng.choice((100, 50)))
            if reward is RewardKind.BUY_X_GET_Y
            else Decimal(rng.randint(2, 30))
            if reward in (RewardKind.PERCENT_OFF, RewardKind.ORDER_PERCENT)
            else None,
            amount=_money(rng, 1, 100)
            if reward in (RewardKind.AMOUNT_OFF, RewardKind.ORDER_AMOUNT)
            else None,
            buy_quantity=Decimal(rng.randint(1, 5)) if reward is RewardKind.BUY_X_GET_Y else None,
            get_quantity=Decimal(rng.randint(1, 2)) if reward is RewardKind.BUY_X_GET_Y else None,
            min_spend=_money(rng, 1000, 20000) if order and rng.random() < 0.7 else None,
            cap=_money(rng, 200, 2000) if reward is RewardKind.ORDER_PERCENT and rng.random() < 0.5 else None,
            coupon_required=coupon_required,
            usage_limit_total=rng.randint(10, 1000) if rng.random() < 0.1 else None,
            usage_limit_per_customer=rng.randint(1, 5) if rng.random() < 0.05 else None,
            active=rng.random() > 0.03,
        )
        if reward is RewardKind.FIXED_PRICE:
            promotion = replace(promotion, amount=_money(rng, 10, 500))
        promotions.append(promotion)
        if coupon_required:
            for c in range(rng.randint(1, 3)):
                coupons.append(
                    Coupon(
                        code=f"CODE{n:05d}{c}",
                        promotion_id=promotion.id,
                        period=promotion.period,
                        single_use=rng.random() < 0.3,
                        limit_total=rng.randint(50, 500) if rng.random() < 0.3 else None,
                        limit_per_customer=1 if rng.random() < 0.3 else None,
                    )
                )
    return promotions, coupons


def _gift_rules(
    rng: random.Random, count: int, products: list[Product], categories: list[Category], groups: list[str]
) -> list[GiftRule]:
    by_unit: dict[str, list[Product]] = {}
    for product in products:
        if product.active:
            by_unit.setdefault(product.base_unit, []).append(product)
    units = sorted(by_unit)
    result = []
    for n in range(count):
        unit = rng.choice(units)
        gifts = tuple(p.id for p in rng.sample(by_unit[unit], min(len(by_unit[unit]), rng.randint(1, 3))))
        roll = rng.random()
        customer_ids, group_ids = (
            _customer_scope(rng, groups) if rng.random() < 0.3 else (frozenset(), frozenset())
        )
        result.append(
            GiftRule(
                id=f"GIFT{n:05d}",
                name=f"Free gift {n}",
                seq=n + 1,
                gift_product_ids=gifts,
                gift_unit=unit,
                gift_quantity=Decimal(rng.randint(1, 2)),
                buy_quantity=Decimal(rng.choice((1, 2, 3, 5, 10))),
                recursive=rng.random() < 0.5,
                product_ids=frozenset(p.id for p in rng.sample(products, rng.randint(1, 2)))
                if roll < 0.85
                else frozenset(),
                category_ids=frozenset({rng.choice(categories).id}) if 0.85 <= roll < 0.98 else frozenset(),
                min_order_amount=_money(rng, 5000, 50000) if roll >= 0.98 else None,
                customer_ids=customer_ids,
                group_ids=group_ids,
                period=_period(rng),
            )
        )
    return result


def generate_rules(
    *,
    products: int = 10_000,
    price_list_items: int = 100_000,
    promotions: int = 5_000,
    gift_rules: int = 1_000,
    price_lists: int = 200,
    categories: int = 300,
    groups: int = 50,
    seed: int = 1,
) -> Rules:
    """A realistic rule set of the given sizes; the same arguments give the same rules."""
    rng = random.Random(seed)
    group_ids = [f"G{n:03d}" for n in range(max(1, groups))]
    category_list = _categories(max(1, categories))
    parents = {c.parent_id for c in category_list}
    leaves = [c.id for c in category_list if c.id not in parents]
    product_list = _products(rng, max(1, products), leaves)
    prices, current = _standard_prices(rng, product_list)
    lists = _price_lists(rng, max(1, price_lists), group_ids)
    items = _items(rng, price_list_items, lists, product_list, category_list, current)
    promotion_list, coupons = _promotions(rng, promotions, product_list, category_list, group_ids)
    gifts = _gift_rules(rng, gift_rules, product_list, category_list, group_ids)
    return Rules(
        categories=tuple(category_list),
        products=tuple(product_list),
        standard_prices=tuple(prices),
        price_lists=tuple(lists),
        price_list_items=tuple(items),
        promotions=tuple(promotion_list),
        coupons=tuple(coupons),
        gift_rules=tuple(gifts),
    )


def sample_request(
    rules: Rules,
    *,
    lines: int,
    seed: int,
    customer_id: str | None = None,
    group_ids: frozenset[str] | None = None,
    day: dt.date = SAMPLE_DAY,
) -> EvaluationRequest:
    """A request of `lines` distinct priceable products (an active product with a base-unit
    standard price valid on `day`); the customer and groups are drawn from the seed unless given."""
    rng = random.Random(seed)
    priced = {p.product_id for p in rules.standard_prices if p.period.contains(day)}
    products = [p for p in rules.products if p.active and p.id in priced]
    chosen = rng.sample(products, min(lines, len(products)))
    while len(chosen) < lines:  # fewer priceable products than lines: repeat some
        chosen.append(rng.choice(products))
    all_groups = sorted({g for pl in rules.price_lists for g in pl.group_ids}) or ["G000"]
    if group_ids is None:
        group_ids = frozenset(rng.sample(all_groups, min(len(all_groups), rng.randint(1, 3))))
    if customer_id is None:
        customer_id = f"C{rng.randrange(CUSTOMERS):04d}"
    requested = []
    for product in chosen:
        unit = product.base_unit
        if product.units and rng.random() < 0.3:
            unit = rng.choice(product.units).unit
        quantity = Decimal(rng.randint(1, 20))
        if product.base_unit == "KG" and unit == "KG" and rng.random() < 0.3:
            quantity += Decimal("0.5")
        requested.append(LineRequest(product.id, quantity, unit))
    codes: tuple[str, ...] = ()
    if rules.coupons and rng.random() < 0.3:
        codes = (rng.choice(rules.coupons).code,)
    return EvaluationRequest(
        customer=CustomerRef(customer_id, group_ids),
        document_date=day,
        lines=tuple(requested),
        currency="THB",
        coupon_codes=codes,
    )
