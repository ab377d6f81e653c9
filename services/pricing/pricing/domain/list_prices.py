"""The price of a line before promotions: price-list selection, item matching, tiers, formulas.

Selection: the customer's own active list, else the preferred active list of its groups (larger
`priority`, then earlier `seq`), else standard prices.

Matching inside a list, most specific first: product + unit, product, category (the product's
category, then each ancestor: deeper wins), all products. Within one level, the valid item with the
highest satisfied `min_quantity` wins, then the later `seq`. Quantities are measured in the line's
unit for product + unit items and in base units for the other levels, whose FIXED values and
tier values are prices per base unit (converted by the unit's factor). An item that cannot price
the line (a cost base without a cost, a chained list that prices nothing) is passed over. No item
→ the standard price.

Modes: a VAT-inclusive list quotes inclusive prices; standard-price and cost bases are converted to
the list's mode (× 1.07 for standard-rated products, rounded to 0.01) and a chained base list's
price from its mode to ours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from chassis.errors import ViolationCollector
from chassis.money import CENT, THAI_VAT_RATE

from pricing.domain.lines import WorkLine
from pricing.domain.model import (
    ONE,
    ZERO,
    CustomerRef,
    ItemBase,
    ItemKind,
    PriceList,
    PriceListItem,
    PriceSourceKind,
    StandardPrice,
    Tier,
    TierMode,
    VatClass,
)
from pricing.domain.records import price_source
from pricing.domain.rulebook import RuleBook, list_preference

MAX_CHAIN_DEPTH = 8
HUNDRED = Decimal(100)
VAT_FACTOR = ONE + THAI_VAT_RATE
FOUR_PLACES = Decimal("0.0001")


def select_price_list(book: RuleBook, customer: CustomerRef) -> PriceList | None:
    """The customer's own list, else the preferred list among its groups' lists."""
    own = book.lists_of_customer(customer.id)
    if own:
        return own[0]
    best: PriceList | None = None
    for group_id in customer.group_ids:
        lists = book.lists_of_group(group_id)
        if lists and (best is None or list_preference(lists[0]) < list_preference(best)):
            best = lists[0]
    return best


def convert_mode(amount: Decimal, vat_class: VatClass, from_inclusive: bool, to_inclusive: bool) -> Decimal:
    """An amount from one VAT mode to the other (only standard-rated products carry VAT)."""
    if from_inclusive == to_inclusive or vat_class is not VatClass.STANDARD:
        return amount
    if to_inclusive:
        return (amount * VAT_FACTOR).quantize(CENT, ROUND_HALF_UP)
    return (amount / VAT_FACTOR).quantize(CENT, ROUND_HALF_UP)


class Priced(NamedTuple):
    """A list's price for a line: the unit price (exact gross / quantity for graduated tiers),
    the gross amount of the line and the item that priced it. (A named tuple: one is made per
    line and per chained list, and a frozen dataclass's `__init__` costs several times more.)"""

    unit_price: Decimal
    gross: Decimal
    item: PriceListItem | None
    standard_price: StandardPrice | None = None


class StandardPrices:
    """Standard prices of the document's lines (VAT-exclusive), looked up once per line."""

    __slots__ = ("_book", "_cache", "currency_mismatch", "day")

    def __init__(self, book: RuleBook, day: dt.date) -> None:
        self._book = book
        self.day = day
        self._cache: dict[int, tuple[Decimal, StandardPrice] | None] = {}
        self.currency_mismatch: StandardPrice | None = None

    def of(self, line: WorkLine) -> tuple[Decimal, StandardPrice] | None:
        """The unit price for the line's unit on the day: its own price, else base price × factor."""
        key = line.index
        if key in self._cache:
            return self._cache[key]
        found = self._valid(line.product.id, line.unit)
        result: tuple[Decimal, StandardPrice] | None = None
        if found is not None:
            result = (found.amount, found)
        elif line.unit != line.product.base_unit:
            base = self._valid(line.product.id, line.product.base_unit)
            if base is not None:
                result = ((base.amount * line.factor).quantize(CENT, ROUND_HALF_UP), base)
        self._cache[key] = result
        return result

    def _valid(self, product_id: str, unit: str) -> StandardPrice | None:
        for price in self._book.standard_prices_of(product_id, unit):
            if price.period.contains(self.day):
                return price
        return None


def _levels(book: RuleBook, list_id: str, line: WorkLine) -> Iterator[tuple[tuple[PriceListItem, ...], bool]]:
    """The candidate items of a list for a line, most specific level first; True = line unit."""
    index = book.list_index(list_id)
    if index is None:
        return
    exact = index.exact.get((line.product.id, line.unit))
    if exact:
        yield exact, True
    by_product = index.by_product.get(line.product.id)
    if by_product:
        yield by_product, False
    if index.by_category:
        for category_id in line.categories:
            items = index.by_category.get(category_id)
            if items:
                yield items, False
    if index.everywhere:
        yield index.everywhere, False


class ListPricer:
    """Prices lines with a price list (and the lists it chains to)."""

    __slots__ = ("book", "day", "standard")

    def __init__(self, book: RuleBook, standard: StandardPrices) -> None:
        self.book = book
        self.standard = standard
        self.day = standard.day

    def price(self, price_list: PriceList, line: WorkLine, depth: int = 0) -> Priced | None:
        """The list's price for the line in the list's mode, or None if no item prices it."""
        for items, in_line_unit in _levels(self.book, price_list.id, line):
            measured = line.quantity if in_line_unit else line.base_quantity
            for item in items:
                if item.min_quantity > measured or not item.period.contains(self.day):
                    continue
                priced = self._price_item(price_list, item, line, in_line_unit, measured, depth)
                if priced is not None:
                    return priced
        return None

    def price_or_standard(self, price_list: PriceList, line: WorkLine, depth: int = 0) -> Priced | None:
        """The list's price, else the standard price converted to the list's mode."""
        priced = self.price(price_list, line, depth)
        if priced is not None:
            return priced
        standard = self.standard.of(line)
        if standard is None:
            return None
        unit_price = convert_mode(standard[0], line.product.vat_class, False, price_list.vat_inclusive)
        return Priced(
            unit_price, (unit_price * line.quantity).quantize(CENT, ROUND_HALF_UP), None, standard[1]
        )

    def _base(self, price_list: PriceList, item: PriceListItem, line: WorkLine, depth: int) -> Decimal | None:
        """The per-line-unit base of a PERCENT or FORMULA item, in `price_list`'s mode."""
        vat_class = line.product.vat_class
        if item.base is ItemBase.STANDARD_PRICE:
            standard = self.standard.of(line)
            if standard is None:
                return None
            return convert_mode(standard[0], vat_class, False, price_list.vat_inclusive)
        if item.base is ItemBase.COST:
            cost = line.product.cost
            if cost is None:
                return None
            return convert_mode(cost * line.factor, vat_class, False, price_list.vat_inclusive)
        other = self.book.price_list(item.base_price_list_id or "")
        if other is None or depth >= MAX_CHAIN_DEPTH:
            return None
        priced = self.price_or_standard(other, line, depth + 1)
        if priced is None:
            return None
        return convert_mode(priced.unit_price, vat_class, other.vat_inclusive, price_list.vat_inclusive)

    def _price_item(
        self,
        price_list: PriceList,
        item: PriceListItem,
        line: WorkLine,
        in_line_unit: bool,
        measured: Decimal,
        depth: int,
    ) -> Priced | None:
        per_line_unit = ONE if in_line_unit else line.factor  # measured units in one line unit
        base: Decimal | None = None
        if item.kind is not ItemKind.FIXED:
            base = self._base(price_list, item, line, depth)
            if base is None:
                return None
        if item.kind is ItemKind.FORMULA:
            unit_price = _formula(item, base or ZERO, line, price_list.vat_inclusive)
            if unit_price is None:
                return None
            return Priced(unit_price, (unit_price * line.quantity).quantize(CENT, ROUND_HALF_UP), item)
        if item.tiers:
            return _tiered(item, base, line, measured, per_line_unit)
        if item.kind is ItemKind.FIXED:
            unit_price = ((item.fixed_price or ZERO) * per_line_unit).quantize(CENT, ROUND_HALF_UP)
        else:
            unit_price = ((base or ZERO) * (1 - (item.percent or ZERO) / HUNDRED)).quantize(
                CENT, ROUND_HALF_UP
            )
        unit_price = max(unit_price, ZERO)
        return Priced(unit_price, (unit_price * line.quantity).quantize(CENT, ROUND_HALF_UP), item)


def _formula(item: PriceListItem, base: Decimal, line: WorkLine, inclusive: bool) -> Decimal | None:
    """base × (1 − d%) → nearest multiple (half up) + offset → + surcharge → margin clamp."""
    price = base * (1 - (item.percent or ZERO) / HUNDRED)
    if item.rounding_multiple:
        steps = (price / item.rounding_multiple).quantize(ONE, rounding=ROUND_HALF_UP)
        price = steps * item.rounding_multiple
    price += item.rounding_offset + item.surcharge
    if item.min_margin is not None or item.max_margin is not None:
        if line.product.cost is None:
            return None
        cost = convert_mode(line.product.cost * line.factor, line.product.vat_class, False, inclusive)
        if item.min_margin is not None:
            price = max(price, cost + item.min_margin)
        if item.max_margin is not None:
            price = min(price, cost + item.max_margin)
    return max(price.quantize(CENT, ROUND_HALF_UP), ZERO)


def _tier_price(item: PriceListItem, tier: Tier, base: Decimal | None, per_line_unit: Decimal) -> Decimal:
    """A tier's price per measured unit (full precision)."""
    if item.kind is ItemKind.FIXED:
        return tier.value
    return (base or ZERO) / per_line_unit * (1 - tier.value / HUNDRED)


def _tiered(
    item: PriceListItem, base: Decimal | None, line: WorkLine, measured: Decimal, per_line_unit: Decimal
) -> Priced | None:
    """Volume: the tier reached prices every unit. Graduated: each band at its own tier's price,
    the gross exact to 0.01 and the unit price gross / quantity. Below the first tier: no price."""
    tiers = item.tiers
    if measured < tiers[0].min_quantity:
        return None
    if item.tier_mode is TierMode.VOLUME:
        reached = tiers[0]
        for tier in tiers:
            if tier.min_quantity <= measured:
                reached = tier
        unit_price = max(
            (_tier_price(item, reached, base, per_line_unit) * per_line_unit).quantize(CENT, ROUND_HALF_UP),
            ZERO,
        )
        return Priced(unit_price, (unit_price * line.quantity).quantize(CENT, ROUND_HALF_UP), item)
    total = ZERO
    for position, tier in enumerate(tiers):
        start = ZERO if position == 0 else tier.min_quantity - 1
        end = tiers[position + 1].min_quantity - 1 if position + 1 < len(tiers) else None
        if measured <= start:
            break
        count = measured - start if end is None else min(measured, end) - start
        total += count * max(_tier_price(item, tier, base, per_line_unit), ZERO)
    gross = total.quantize(CENT, ROUND_HALF_UP)
    return Priced(gross / line.quantity, gross, item)


def price_lines(
    book: RuleBook,
    price_list: PriceList | None,
    lines: list[WorkLine],
    day: dt.date,
    currency: str,
    violations: ViolationCollector,
) -> None:
    """Sets each line's base and list unit prices, gross and source (in the document's mode)."""
    standard = StandardPrices(book, day)
    pricer = ListPricer(book, standard)
    inclusive = price_list.vat_inclusive if price_list is not None else False
    wrong_currency: StandardPrice | None = None
    for line in lines:
        found = standard.of(line)
        priced = pricer.price(price_list, line) if price_list is not None else None
        if priced is None and found is not None:
            if found[1].currency != currency and wrong_currency is None:
                wrong_currency = found[1]  # only a standard price that prices the line must match
            unit_price = convert_mode(found[0], line.product.vat_class, False, inclusive)
            priced = Priced(
                unit_price, (unit_price * line.quantity).quantize(CENT, ROUND_HALF_UP), None, found[1]
            )
        if priced is None:
            violations.add(f"lines[{line.index}].product_id", f"no price on {day}")
            continue
        if priced.item is not None and price_list is not None:
            line.source = price_source(PriceSourceKind.PRICE_LIST, price_list.id, priced.item.id, None)
        else:
            standard_id = priced.standard_price.id if priced.standard_price is not None else None
            line.source = price_source(PriceSourceKind.STANDARD_PRICE, None, None, standard_id)
        rounded = priced.unit_price.quantize(CENT, ROUND_HALF_UP)
        line.list_unit_price = (
            rounded
            if rounded == priced.unit_price
            else priced.unit_price.quantize(FOUR_PLACES, ROUND_HALF_UP)
        )
        line.base_unit_price = (
            convert_mode(found[0], line.product.vat_class, False, inclusive)
            if found
            else line.list_unit_price
        )
        line.gross = priced.gross
        line.amount = priced.gross
    if wrong_currency is not None:
        violations.add("currency", f"standard price {wrong_currency.id} is in {wrong_currency.currency}")
