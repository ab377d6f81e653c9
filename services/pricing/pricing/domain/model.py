"""The pricing rules as plain, immutable dataclasses: the catalogue (categories, products, units),
standard prices, price lists and their items, promotions, coupons and free-gift rules; and the
request and result of an evaluation.

This module is the contract between the evaluator (`pricing.domain`) and the service's edges
(adapters load these values from the database, `api` translates them to and from protobuf).
Amounts are `Decimal`, VAT-exclusive unless a field says otherwise; dates are inclusive at both
ends (`valid_to` None means open-ended). `seq` is the creation order (a monotonically increasing
integer the database assigns); it breaks ties so that an evaluation never depends on the order in
which rules happened to be loaded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

ONE = Decimal("1")
ZERO = Decimal("0")


class VatClass(StrEnum):
    """Revenue Code §80 (7%), §80/1 (zero-rated, e.g. exports), §81 (exempt)."""

    STANDARD = "standard"
    ZERO_RATED = "zero_rated"
    EXEMPT = "exempt"


@dataclass(frozen=True)
class Period:
    """Inclusive validity; `valid_from` None = always valid before `valid_to`."""

    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def contains(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def overlaps(self, other: Period) -> bool:
        starts_before_other_ends = (
            self.valid_from is None or other.valid_to is None or self.valid_from <= other.valid_to
        )
        ends_after_other_starts = (
            self.valid_to is None or other.valid_from is None or other.valid_from <= self.valid_to
        )
        return starts_before_other_ends and ends_after_other_starts


ALWAYS = Period()


# --- catalogue ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Category:
    """A node of the category tree (`parent_id` None = a root)."""

    id: str
    code: str
    name_th: str
    name_en: str
    parent_id: str | None = None


@dataclass(frozen=True)
class UnitConversion:
    """One unit a product is sold in: `factor` base units make one of it (a box of 12 → 12)."""

    unit: str
    factor: Decimal


@dataclass(frozen=True)
class Product:
    """A sellable item. `base_unit` has factor 1 and needs no conversion entry; `cost` is per base
    unit (None = unknown, so cost-based items and margin clamps cannot price it)."""

    id: str
    sku: str
    name_th: str
    name_en: str
    base_unit: str
    category_id: str | None = None
    units: tuple[UnitConversion, ...] = ()
    vat_class: VatClass = VatClass.STANDARD
    cost: Decimal | None = None
    active: bool = True

    def factor(self, unit: str) -> Decimal | None:
        """Base units in one `unit`, or None if the product is not sold in it."""
        if unit == self.base_unit:
            return ONE
        for conversion in self.units:
            if conversion.unit == unit:
                return conversion.factor
        return None


@dataclass(frozen=True)
class StandardPrice:
    """The standard (VAT-exclusive) price of one unit of a product for a period. Periods of the
    same product and unit never overlap (refused when authored). A unit without its own price is
    priced from the base unit's price × factor."""

    id: str
    product_id: str
    unit: str
    amount: Decimal
    currency: str = "THB"
    period: Period = ALWAYS


# --- price lists -------------------------------------------------------------------------------


class ItemKind(StrEnum):
    FIXED = "fixed"  # the item's price (or its tiers' prices) is the unit price
    PERCENT = "percent"  # base × (1 − percent/100) (or the tiers' percents)
    FORMULA = "formula"  # base × (1 − d%) → round to multiple + offset → + surcharge → margin clamp


class ItemBase(StrEnum):
    """What PERCENT and FORMULA items start from."""

    STANDARD_PRICE = "standard_price"
    COST = "cost"
    PRICE_LIST = "price_list"  # another list's price for the same line (chained; cycles refused)


class TierMode(StrEnum):
    """`volume`: the tier the quantity reaches prices every unit (1–9 at 100, 10+ at 90, qty 12 →
    1,080.00). `graduated`: each band at its own rate (9 × 100 + 3 × 90 = 1,170.00)."""

    VOLUME = "volume"
    GRADUATED = "graduated"


@dataclass(frozen=True)
class Tier:
    """From `min_quantity` (in the line's unit) up: `value` is a unit price for FIXED items and a
    percentage off the base for PERCENT items."""

    min_quantity: Decimal
    value: Decimal


@dataclass(frozen=True)
class PriceListItem:
    """One rule of a price list. Its scope is the most specific of: product + unit, product,
    category (applies to the category's descendants too; deeper wins), or all products (no
    product, no category). Among items of equal specificity the highest satisfied `min_quantity`
    wins, then the later `seq`."""

    id: str
    price_list_id: str
    seq: int
    kind: ItemKind
    product_id: str | None = None
    unit: str | None = None
    category_id: str | None = None
    min_quantity: Decimal = ONE
    period: Period = ALWAYS
    fixed_price: Decimal | None = None  # FIXED without tiers
    percent: Decimal | None = None  # PERCENT without tiers; FORMULA's d%
    base: ItemBase = ItemBase.STANDARD_PRICE
    base_price_list_id: str | None = None  # when base is PRICE_LIST
    rounding_multiple: Decimal | None = None  # FORMULA: e.g. 5.00
    rounding_offset: Decimal = ZERO  # FORMULA: e.g. -0.01 to end in .99
    surcharge: Decimal = ZERO  # FORMULA
    min_margin: Decimal | None = None  # FORMULA: price ≥ cost + min_margin (per line unit)
    max_margin: Decimal | None = None  # FORMULA: price ≤ cost + max_margin
    tiers: tuple[Tier, ...] = ()
    tier_mode: TierMode = TierMode.VOLUME


@dataclass(frozen=True)
class PriceList:
    """A list of prices for customers and/or customer groups. The customer's own list wins, else
    the highest `priority` (larger number = higher) of their groups' lists, ties by earlier `seq`,
    else standard prices. `vat_inclusive` lists quote prices including VAT."""

    id: str
    name: str
    seq: int
    currency: str = "THB"
    priority: int = 0
    vat_inclusive: bool = False
    customer_ids: frozenset[str] = frozenset()
    group_ids: frozenset[str] = frozenset()
    active: bool = True


# --- promotions --------------------------------------------------------------------------------


class RewardKind(StrEnum):
    PERCENT_OFF = "percent_off"  # line: percent of the line's current unit price
    AMOUNT_OFF = "amount_off"  # line: amount off each unit
    FIXED_PRICE = "fixed_price"  # line: the unit price becomes `amount` (if lower)
    BUY_X_GET_Y = "buy_x_get_y"  # for every X + Y eligible units, the Y cheapest at `percent` off
    ORDER_PERCENT = "order_percent"  # order: percent of the sum of line nets, up to `cap`
    ORDER_AMOUNT = "order_amount"  # order: `amount` off the sum of line nets


LINE_REWARDS = frozenset(
    {RewardKind.PERCENT_OFF, RewardKind.AMOUNT_OFF, RewardKind.FIXED_PRICE, RewardKind.BUY_X_GET_Y}
)


@dataclass(frozen=True)
class Promotion:
    """A discount rule. Scope: customers (`customer_ids`/`group_ids`; both empty = everyone) and
    products (`product_ids`/`category_ids`; both empty = all). Conditions: `min_quantity` (of the
    eligible units on the document) and `min_amount` (their value at price-list prices, or for
    order rewards `min_spend` on the sum of line nets). `coupon_required`: applies only when one
    of its coupons is presented.

    Stacking: line promotions in ascending `priority` (then `seq`), each percentage compounding on
    what the previous left; promotions sharing `group` are alternatives (the largest benefit
    wins; tie: lower priority number, then earlier seq); an `exclusive` promotion that applies to
    a line stops all others on that line. Order rewards come after line rewards."""

    id: str
    name: str
    seq: int
    reward: RewardKind
    priority: int = 100
    group: str | None = None
    exclusive: bool = False
    period: Period = ALWAYS
    customer_ids: frozenset[str] = frozenset()
    group_ids: frozenset[str] = frozenset()
    product_ids: frozenset[str] = frozenset()
    category_ids: frozenset[str] = frozenset()
    min_quantity: Decimal | None = None
    min_amount: Decimal | None = None
    percent: Decimal | None = None  # PERCENT_OFF, ORDER_PERCENT, BUY_X_GET_Y (100 = free)
    amount: Decimal | None = None  # AMOUNT_OFF, FIXED_PRICE, ORDER_AMOUNT
    buy_quantity: Decimal | None = None  # BUY_X_GET_Y: X
    get_quantity: Decimal | None = None  # BUY_X_GET_Y: Y
    min_spend: Decimal | None = None  # order rewards
    cap: Decimal | None = None  # order rewards: the most the discount may be
    coupon_required: bool = False
    usage_limit_total: int | None = None
    usage_limit_per_customer: int | None = None
    active: bool = True


@dataclass(frozen=True)
class Coupon:
    """A code that unlocks `promotion_id`. `single_use` = one redemption in total; otherwise the
    limits apply (None = unlimited). `customer_id` restricts it to one customer."""

    code: str
    promotion_id: str
    period: Period = ALWAYS
    single_use: bool = False
    limit_total: int | None = None
    limit_per_customer: int | None = None
    customer_id: str | None = None
    active: bool = True


# --- free gifts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class GiftRule:
    """Buy `buy_quantity` of the trigger (products/categories; or an order of at least
    `min_order_amount` when neither is set) and get `gift_quantity` of a gift product. With
    `recursive`, floor(qty / N) × M gifts (qty 5, N 2 → 2 × M); otherwise M once. When
    `gift_product_ids` has several entries the customer chooses (the first is the default)."""

    id: str
    name: str
    seq: int
    gift_product_ids: tuple[str, ...]
    gift_unit: str
    gift_quantity: Decimal = ONE
    buy_quantity: Decimal = ONE
    recursive: bool = False
    product_ids: frozenset[str] = frozenset()
    category_ids: frozenset[str] = frozenset()
    min_order_amount: Decimal | None = None
    customer_ids: frozenset[str] = frozenset()
    group_ids: frozenset[str] = frozenset()
    period: Period = ALWAYS
    active: bool = True


# --- evaluation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerRef:
    """Who is buying: the id and the customer groups the service keeps from contacts events."""

    id: str
    group_ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class LineRequest:
    product_id: str
    quantity: Decimal
    unit: str | None = None  # None = the product's base unit


@dataclass(frozen=True)
class EvaluationRequest:
    customer: CustomerRef
    document_date: dt.date
    lines: tuple[LineRequest, ...]
    currency: str = "THB"
    coupon_codes: tuple[str, ...] = ()
    gift_choices: tuple[tuple[str, str], ...] = ()  # (gift rule id, chosen gift product id)


@dataclass(frozen=True)
class Usage:
    """Redemptions counted so far (from sales events): by promotion and by coupon code, in total
    and for the requesting customer."""

    promotion_total: dict[str, int] = field(default_factory=dict)
    promotion_customer: dict[str, int] = field(default_factory=dict)
    coupon_total: dict[str, int] = field(default_factory=dict)
    coupon_customer: dict[str, int] = field(default_factory=dict)


class PriceSourceKind(StrEnum):
    STANDARD_PRICE = "standard_price"
    PRICE_LIST = "price_list"


@dataclass(frozen=True)
class PriceSource:
    kind: PriceSourceKind
    price_list_id: str | None = None
    item_id: str | None = None
    standard_price_id: str | None = None


@dataclass(frozen=True)
class Discount:
    """One discount on a line: the rule and the amount it took off the line (≥ 0, 0.01 exact)."""

    rule_id: str
    kind: str  # a RewardKind value
    description: str
    amount: Decimal


class Reason(StrEnum):
    """Why a rule was considered and not applied (machine code; `Explanation.message` is text)."""

    NOT_CUSTOMER = "not_customer"  # not this customer or not one of its groups
    OUTSIDE_DATES = "outside_dates"
    MIN_QUANTITY_NOT_MET = "min_quantity_not_met"
    MIN_AMOUNT_NOT_MET = "min_amount_not_met"
    USAGE_LIMIT_REACHED = "usage_limit_reached"
    COUPON_REQUIRED = "coupon_required"
    LOST_IN_GROUP = "lost_in_group"  # a better promotion of its group applied
    EXCLUDED_BY_EXCLUSIVE = "excluded_by_exclusive"
    NO_BENEFIT = "no_benefit"  # e.g. a fixed price above the current price
    INACTIVE = "inactive"
    NOT_APPLICABLE_PRODUCT = "not_applicable_product"


@dataclass(frozen=True)
class Explanation:
    """A rule considered for this document and not applied (or applied, when `applied`)."""

    rule_id: str
    rule_kind: str  # "promotion", "gift_rule", "price_list_item", "coupon"
    applied: bool
    reason: Reason | None
    message: str  # e.g. "add 2 more to get 10% off"
    line_index: int | None = None


@dataclass(frozen=True)
class CouponOutcome:
    code: str
    accepted: bool
    reason: str  # "" when accepted; else "unknown", "expired", "used_up", "not_customer", …
    promotion_id: str | None = None


@dataclass(frozen=True)
class LineResult:
    """One priced line. Amounts in the document's mode (VAT-inclusive when the selected list is):
    `base_unit_price` (standard price), `list_unit_price` (after the price list), `net_unit_price`
    = line_net / quantity (informative, 4 places), `gross` = the list amount of the whole line
    (exact for graduated tiers), `line_discount` = sum of `discounts`, `order_discount` = this
    line's share of order discounts, `line_net` = gross − line_discount − order_discount,
    `vat` = this line's share of the document VAT."""

    index: int
    product_id: str
    unit: str
    quantity: Decimal
    base_unit_price: Decimal
    list_unit_price: Decimal
    source: PriceSource
    gross: Decimal
    discounts: tuple[Discount, ...]
    line_discount: Decimal
    order_discount: Decimal
    line_net: Decimal
    net_unit_price: Decimal
    vat_class: VatClass
    vat_rate: Decimal
    vat: Decimal


@dataclass(frozen=True)
class GiftLine:
    rule_id: str
    product_id: str
    unit: str
    quantity: Decimal
    choices: tuple[str, ...]  # the products the customer may choose from instead


@dataclass(frozen=True)
class OrderDiscount:
    promotion_id: str
    description: str
    amount: Decimal


@dataclass(frozen=True)
class Totals:
    """subtotal = Σ gross; discounts = Σ line and order discounts; vat_base = Σ line_net of
    standard-rated lines (VAT-exclusive); vat computed once on the document total; grand_total =
    what the customer pays. All exact to 0.01 and equal to the sums of the lines."""

    subtotal: Decimal
    line_discounts: Decimal
    order_discounts: Decimal
    net: Decimal
    vat_base: Decimal
    zero_rated: Decimal
    exempt: Decimal
    vat: Decimal
    grand_total: Decimal


@dataclass(frozen=True)
class Evaluation:
    lines: tuple[LineResult, ...]
    gifts: tuple[GiftLine, ...]
    order_discounts: tuple[OrderDiscount, ...]
    totals: Totals
    explanations: tuple[Explanation, ...]
    coupons: tuple[CouponOutcome, ...]
    currency: str
    vat_inclusive: bool
    price_list_id: str | None
    pricing_version: int
    applied_promotion_ids: tuple[str, ...]  # sorted; what a sale order records for redemptions
