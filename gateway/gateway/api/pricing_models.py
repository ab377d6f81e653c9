"""Request bodies and query parameters of the pricing resources (REST JSON, snake_case).

They check shape only (types, lengths, enum names, decimals as strings, dates as YYYY-MM-DD);
the pricing rules themselves (overlapping periods, chained lists, scopes) are the pricing
service's. Field names are the protobuf field names, so gateway.translate turns a validated
body into the message. Enum names are the lower-case short names of the proto enums.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from gateway.api.models import DATE_PATTERN, DECIMAL_PATTERN, MoneyIn

VatClassName = Literal["standard", "zero_rated", "exempt"]
ItemKindName = Literal["fixed", "percent", "formula"]
ItemBaseName = Literal["standard_price", "cost", "price_list"]
TierModeName = Literal["volume", "graduated"]
RewardKindName = Literal[
    "percent_off", "amount_off", "fixed_price", "buy_x_get_y", "order_percent", "order_amount"
]

Id = Field(default=None, max_length=80)


def decimal() -> str | None:
    return Field(default=None, pattern=DECIMAL_PATTERN, max_length=40)


def day() -> str | None:
    return Field(default=None, pattern=DATE_PATTERN)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class _Patch(_Body):
    expected_version: int | None = Field(default=None, ge=1)


class CategoryIn(_Body):
    code: str | None = Field(default=None, max_length=50)
    name_th: str | None = Field(default=None, max_length=255)
    name_en: str | None = Field(default=None, max_length=255)
    parent_id: str | None = Id


class CategoryPatch(CategoryIn, _Patch):
    pass


class UnitIn(_Body):
    unit: str = Field(min_length=1, max_length=30)
    factor: str = Field(pattern=DECIMAL_PATTERN, max_length=40)


class ProductIn(_Body):
    sku: str | None = Field(default=None, max_length=80)
    name_th: str | None = Field(default=None, max_length=255)
    name_en: str | None = Field(default=None, max_length=255)
    base_unit: str | None = Field(default=None, max_length=30)
    category_id: str | None = Id
    units: list[UnitIn] | None = None
    vat_class: VatClassName | None = None
    cost: str | None = decimal()


class ProductPatch(ProductIn, _Patch):
    active: bool | None = None


class ProductQuery(_Body):
    page_size: int = Field(default=50, ge=1, le=500)
    page_token: str = ""
    q: str = Field(default="", max_length=200, description="SKU or name.")
    category_id: str = ""
    include_inactive: bool = False


class PageQuery(_Body):
    page_size: int = Field(default=50, ge=1, le=500)
    page_token: str = ""
    include_inactive: bool = False


class StandardPriceIn(_Body):
    product_id: str = Field(min_length=1, max_length=80)
    unit: str | None = Field(default=None, max_length=30)
    amount: MoneyIn
    valid_from: str | None = day()
    valid_to: str | None = day()


class StandardPriceQuery(_Body):
    page_size: int = Field(default=50, ge=1, le=500)
    page_token: str = ""
    product_id: str = ""


class PriceListIn(_Body):
    name: str | None = Field(default=None, max_length=255)
    currency_code: str | None = Field(default=None, pattern="^[A-Z]{3}$")
    priority: int | None = None
    vat_inclusive: bool | None = None
    customer_ids: list[str] | None = None
    customer_group_ids: list[str] | None = None


class PriceListPatch(PriceListIn, _Patch):
    active: bool | None = None


class TierIn(_Body):
    min_quantity: str = Field(pattern=DECIMAL_PATTERN, max_length=40)
    value: str = Field(pattern=DECIMAL_PATTERN, max_length=40)


class PriceListItemIn(_Body):
    kind: ItemKindName | None = None
    product_id: str | None = Id
    unit: str | None = Field(default=None, max_length=30)
    category_id: str | None = Id
    min_quantity: str | None = decimal()
    valid_from: str | None = day()
    valid_to: str | None = day()
    fixed_price: str | None = decimal()
    percent: str | None = decimal()
    base: ItemBaseName | None = None
    base_price_list_id: str | None = Id
    rounding_multiple: str | None = decimal()
    rounding_offset: str | None = decimal()
    surcharge: str | None = decimal()
    min_margin: str | None = decimal()
    max_margin: str | None = decimal()
    tiers: list[TierIn] | None = None
    tier_mode: TierModeName | None = None


class PriceListItemPatch(PriceListItemIn, _Patch):
    pass


class PromotionIn(_Body):
    name: str | None = Field(default=None, max_length=255)
    reward: RewardKindName | None = None
    priority: int | None = None
    group: str | None = Field(default=None, max_length=80)
    exclusive: bool | None = None
    valid_from: str | None = day()
    valid_to: str | None = day()
    customer_ids: list[str] | None = None
    customer_group_ids: list[str] | None = None
    product_ids: list[str] | None = None
    category_ids: list[str] | None = None
    min_quantity: str | None = decimal()
    min_amount: str | None = decimal()
    percent: str | None = decimal()
    amount: str | None = decimal()
    buy_quantity: str | None = decimal()
    get_quantity: str | None = decimal()
    min_spend: str | None = decimal()
    cap: str | None = decimal()
    coupon_required: bool | None = None
    usage_limit_total: int | None = Field(default=None, ge=0)
    usage_limit_per_customer: int | None = Field(default=None, ge=0)


class PromotionPatch(PromotionIn, _Patch):
    active: bool | None = None


class CouponIn(_Body):
    code: str = Field(min_length=1, max_length=80)
    promotion_id: str = Field(min_length=1, max_length=80)
    valid_from: str | None = day()
    valid_to: str | None = day()
    single_use: bool | None = None
    limit_total: int | None = Field(default=None, ge=0)
    limit_per_customer: int | None = Field(default=None, ge=0)
    customer_id: str | None = Id


class CouponQuery(_Body):
    page_size: int = Field(default=50, ge=1, le=500)
    page_token: str = ""
    promotion_id: str = ""


class GiftRuleIn(_Body):
    name: str | None = Field(default=None, max_length=255)
    gift_product_ids: list[str] | None = None
    gift_unit: str | None = Field(default=None, max_length=30)
    gift_quantity: str | None = decimal()
    buy_quantity: str | None = decimal()
    recursive: bool | None = None
    product_ids: list[str] | None = None
    category_ids: list[str] | None = None
    min_order_amount: str | None = decimal()
    customer_ids: list[str] | None = None
    customer_group_ids: list[str] | None = None
    valid_from: str | None = day()
    valid_to: str | None = day()


class GiftRulePatch(GiftRuleIn, _Patch):
    active: bool | None = None


class ApplicableQuery(_Body):
    date: str = Field(default="", pattern=r"^(\d{4}-\d{2}-\d{2})?$", description="YYYY-MM-DD; empty = today.")


class LineIn(_Body):
    product_id: str = Field(min_length=1, max_length=80)
    quantity: str = Field(max_length=40, description='A decimal string, e.g. "12".')
    unit: str | None = Field(default=None, max_length=30)


class GiftChoiceIn(_Body):
    gift_rule_id: str = Field(min_length=1, max_length=80)
    product_id: str = Field(min_length=1, max_length=80)


class EvaluateIn(_Body):
    customer_id: str = Field(min_length=1, max_length=80)
    document_date: str = Field(pattern=DATE_PATTERN)
    currency_code: str | None = Field(default=None, pattern="^[A-Z]{3}$")
    lines: list[LineIn] = Field(min_length=1, max_length=1000)
    coupon_codes: list[str] | None = None
    gift_choices: list[GiftChoiceIn] | None = None


class DraftItemIn(PriceListItemIn):
    id: str | None = Id
    price_list_id: str = Field(min_length=1, max_length=80)


class DraftPromotionIn(PromotionIn):
    id: str | None = Id


class DraftGiftRuleIn(GiftRuleIn):
    id: str | None = Id


class DraftIn(_Body):
    """Exactly one draft rule (not saved); an empty id gets a draft id, an existing id replaces
    that rule in the copy."""

    category: CategoryIn | None = None
    product: ProductIn | None = None
    standard_price: StandardPriceIn | None = None
    price_list: PriceListIn | None = None
    price_list_item: DraftItemIn | None = None
    promotion: DraftPromotionIn | None = None
    coupon: CouponIn | None = None
    gift_rule: DraftGiftRuleIn | None = None


class SimulateIn(_Body):
    evaluation: EvaluateIn
    drafts: list[DraftIn] = Field(default_factory=list, max_length=100)
