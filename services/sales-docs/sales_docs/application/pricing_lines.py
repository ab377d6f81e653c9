"""Lines priced by the pricing service, with the rep's overrides: shared by quotations and
direct sale orders. Pricing is called before the transaction opens (no lock is held over a
network call); what it said (version, promotions, accepted coupons, customer groups) is kept
with the document so a sale order can report its redemptions."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from chassis.errors import InvalidArgument, ViolationCollector

from sales_docs.adapters.peers import LineToPrice, Peers
from sales_docs.domain.amounts import LineItem, TaxCategory


@dataclass(frozen=True)
class LineInput:
    """A line as the caller entered it; `unit_price`/`discount` set = an override."""

    description: str
    quantity: Decimal
    product_id: str = ""
    unit: str = ""
    unit_price: Decimal | None = None
    discount: Decimal | None = None
    tax_category: str = ""
    free_gift: bool = False


@dataclass(frozen=True)
class PricingRecord:
    version: int = 0
    promotion_ids: tuple[str, ...] = ()
    coupons: dict[str, str] = field(default_factory=dict)
    customer_group_ids: tuple[str, ...] = ()

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": self.version,
                "promotion_ids": list(self.promotion_ids),
                "coupons": self.coupons,
                "customer_group_ids": list(self.customer_group_ids),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> PricingRecord:
        data = json.loads(text or "{}")
        return cls(
            int(data.get("version", 0)),
            tuple(data.get("promotion_ids", ())),
            dict(data.get("coupons", {})),
            tuple(data.get("customer_group_ids", ())),
        )


def _category(text: str, where: str, violations: ViolationCollector) -> TaxCategory:
    try:
        return TaxCategory(text or "standard")
    except ValueError:
        violations.add(f"{where}.tax_category", "must be standard, zero_rated or exempt")
        return TaxCategory.STANDARD


def priced_items(
    peers: Peers,
    customer_id: str,
    day: dt.date,
    lines: Sequence[LineInput],
    coupons: Sequence[str],
    group_ids: Sequence[str] = (),
) -> tuple[list[LineItem], PricingRecord]:
    """Line items: product lines priced by pricing.Evaluate (free gifts appended), other lines
    at the price entered; InvalidArgument names `lines[i].<field>`."""
    violations = ViolationCollector()
    if not lines:
        violations.add("lines", "a document needs at least one line")
    to_price = []
    for index, line in enumerate(lines):
        if line.quantity <= 0:
            violations.add(f"lines[{index}].quantity", "must be greater than zero")
        elif line.product_id and not line.free_gift:
            to_price.append(LineToPrice(index, line.product_id, line.quantity, line.unit))
        elif line.unit_price is None:
            violations.add(f"lines[{index}].unit_price", "is required for a line without a product")
    violations.raise_if_any()
    result = peers.price(customer_id, day.isoformat(), to_price, coupons) if to_price else None
    priced = {p.index: p for p in result.lines} if result else {}
    items: list[LineItem] = []
    for index, line in enumerate(lines):
        where = f"lines[{index}]"
        found = priced.get(index)
        if found is None:
            items.append(
                LineItem(
                    description=line.description.strip() or line.product_id,
                    quantity=line.quantity,
                    unit_price=line.unit_price if line.unit_price is not None else Decimal(0),
                    unit=line.unit,
                    discount=line.discount or Decimal(0),
                    tax_category=_category(line.tax_category, where, violations),
                    product_id=line.product_id,
                    free_gift=line.free_gift,
                )
            )
            continue
        items.append(
            LineItem(
                description=line.description.strip() or found.product_id,
                quantity=found.quantity,
                unit_price=line.unit_price if line.unit_price is not None else found.list_unit_price,
                unit=found.unit,
                discount=line.discount if line.discount is not None else found.discount,
                tax_category=_category(line.tax_category or found.tax_category, where, violations),
                product_id=found.product_id,
                priced_net=found.net,
                applied_rules=found.rules,
            )
        )
    violations.raise_if_any()
    if result is None:
        return items, PricingRecord(customer_group_ids=tuple(group_ids))
    for gift in result.gifts:
        items.append(
            LineItem(
                description=f"ของแถม / Free gift: {gift.product_id}",
                quantity=gift.quantity,
                unit_price=Decimal(0),
                unit=gift.unit,
                product_id=gift.product_id,
                free_gift=True,
                applied_rules=(gift.rule_id,),
            )
        )
    record = PricingRecord(result.version, result.promotion_ids, dict(result.coupons), tuple(group_ids))
    if not items:
        raise InvalidArgument("lines", "a document needs at least one line")
    return items, record
