"""Builders of the evaluation's result records that skip the frozen-dataclass `__init__`.

A frozen dataclass's generated `__init__` sets every field through `object.__setattr__`; a
200-line evaluation makes about a thousand such records (explanations, discounts, line results,
price sources), and that alone was a fifth of its time. These builders fill the instance's dict
directly: the record is the same value (equal, same repr, same hash) as one made by its class,
which `tests/unit/test_records.py` checks field by field, so a field added to the model without
being added here fails the tests instead of going missing. They rely on the records having no
`__slots__` and no `__post_init__` (also checked by the tests).
"""

from __future__ import annotations

from decimal import Decimal

from pricing.domain.model import (
    Discount,
    Explanation,
    LineResult,
    PriceSource,
    PriceSourceKind,
    Reason,
    VatClass,
)

_new = object.__new__


def explanation(
    rule_id: str, rule_kind: str, applied: bool, reason: Reason | None, message: str, line_index: int | None
) -> Explanation:
    """`Explanation(rule_id, rule_kind, applied, reason, message, line_index)`."""
    record = _new(Explanation)
    fields = record.__dict__
    fields["rule_id"] = rule_id
    fields["rule_kind"] = rule_kind
    fields["applied"] = applied
    fields["reason"] = reason
    fields["message"] = message
    fields["line_index"] = line_index
    return record


def discount(rule_id: str, kind: str, description: str, amount: Decimal) -> Discount:
    """`Discount(rule_id, kind, description, amount)`."""
    record = _new(Discount)
    fields = record.__dict__
    fields["rule_id"] = rule_id
    fields["kind"] = kind
    fields["description"] = description
    fields["amount"] = amount
    return record


def price_source(
    kind: PriceSourceKind,
    price_list_id: str | None,
    item_id: str | None,
    standard_price_id: str | None,
) -> PriceSource:
    """`PriceSource(kind, price_list_id, item_id, standard_price_id)`."""
    record = _new(PriceSource)
    fields = record.__dict__
    fields["kind"] = kind
    fields["price_list_id"] = price_list_id
    fields["item_id"] = item_id
    fields["standard_price_id"] = standard_price_id
    return record


def line_result(
    index: int,
    product_id: str,
    unit: str,
    quantity: Decimal,
    base_unit_price: Decimal,
    list_unit_price: Decimal,
    source: PriceSource,
    gross: Decimal,
    discounts: tuple[Discount, ...],
    line_discount: Decimal,
    order_discount: Decimal,
    line_net: Decimal,
    net_unit_price: Decimal,
    vat_class: VatClass,
    vat_rate: Decimal,
    vat: Decimal,
) -> LineResult:
    """`LineResult(...)` with the fields in declaration order."""
    record = _new(LineResult)
    fields = record.__dict__
    fields["index"] = index
    fields["product_id"] = product_id
    fields["unit"] = unit
    fields["quantity"] = quantity
    fields["base_unit_price"] = base_unit_price
    fields["list_unit_price"] = list_unit_price
    fields["source"] = source
    fields["gross"] = gross
    fields["discounts"] = discounts
    fields["line_discount"] = line_discount
    fields["order_discount"] = order_discount
    fields["line_net"] = line_net
    fields["net_unit_price"] = net_unit_price
    fields["vat_class"] = vat_class
    fields["vat_rate"] = vat_rate
    fields["vat"] = vat
    return record
