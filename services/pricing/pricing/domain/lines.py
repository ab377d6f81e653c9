"""The lines of a request as the evaluator works on them, and the checks of the request itself.

Every bad line is reported at once (one InvalidArgument with a violation per field), so a sales
rep fixes a 200-line quotation in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from chassis.errors import ViolationCollector

from pricing.domain.model import (
    ZERO,
    Discount,
    EvaluationRequest,
    PriceSource,
    PriceSourceKind,
    Product,
)
from pricing.domain.rulebook import ProductRules, RuleBook

MAX_LINES = 1000
MAX_QUANTITY_PLACES = 6
_NO_SOURCE = PriceSource(PriceSourceKind.STANDARD_PRICE)


@dataclass(slots=True, eq=False)
class WorkLine:
    """One line while it is priced: the request's values, then the list price, then the amount
    left after each line discount (`amount`) and its share of order discounts."""

    index: int
    product: Product
    unit: str
    factor: Decimal
    quantity: Decimal
    base_quantity: Decimal  # quantity in the product's base unit
    categories: tuple[str, ...]  # the product's category and its ancestors, deepest first
    rules: ProductRules  # the promotions and gift rules the product reaches
    base_unit_price: Decimal = ZERO
    list_unit_price: Decimal = ZERO
    source: PriceSource = _NO_SOURCE
    gross: Decimal = ZERO
    amount: Decimal = ZERO
    order_discount: Decimal = ZERO
    vat: Decimal = ZERO
    discounts: list[Discount] = field(default_factory=list)

    @property
    def net(self) -> Decimal:
        return self.amount - self.order_discount


def _bad_quantity(quantity: Decimal) -> str | None:
    if not quantity.is_finite():
        return "must be a number"
    if quantity <= 0:
        return "must be greater than zero"
    exponent = quantity.as_tuple().exponent  # normalizing only raises it: "1.5000000" is fine
    if isinstance(exponent, int) and exponent < -MAX_QUANTITY_PLACES:
        exponent = quantity.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_QUANTITY_PLACES:
        return f"has more than {MAX_QUANTITY_PLACES} decimal places"
    return None


def work_lines(book: RuleBook, request: EvaluationRequest, violations: ViolationCollector) -> list[WorkLine]:
    """The request's lines resolved against the catalogue; bad ones are added to `violations`."""
    if not request.lines:
        violations.add("lines", "at least one line is required")
    elif len(request.lines) > MAX_LINES:
        violations.add("lines", f"at most {MAX_LINES} lines, got {len(request.lines)}")
        return []
    result: list[WorkLine] = []
    for index, requested in enumerate(request.lines):
        path = f"lines[{index}]"
        problem = _bad_quantity(requested.quantity)
        if problem is not None:
            violations.add(f"{path}.quantity", problem)
        rules = book.product_rules(requested.product_id)
        if rules is None:
            violations.add(f"{path}.product_id", f"unknown product {requested.product_id!r}")
            continue
        product = rules.product
        if not product.active:
            violations.add(f"{path}.product_id", f"product {product.id} is not active")
            continue
        unit = requested.unit or product.base_unit
        factor = product.factor(unit)
        if factor is None:
            sold = ", ".join([product.base_unit, *(c.unit for c in product.units)])
            violations.add(f"{path}.unit", f"{product.id} is not sold in {unit!r} (sold in {sold})")
            continue
        if problem is not None:
            continue
        result.append(
            WorkLine(
                index=index,
                product=product,
                unit=unit,
                factor=factor,
                quantity=requested.quantity,
                base_quantity=requested.quantity * factor,
                categories=rules.categories,
                rules=rules,
            )
        )
    return result


def check_gift_choices(book: RuleBook, request: EvaluationRequest, violations: ViolationCollector) -> None:
    """A gift choice must name a known gift rule and one of its gift products."""
    seen: set[str] = set()
    for index, (rule_id, product_id) in enumerate(request.gift_choices):
        path = f"gift_choices[{index}]"
        rule = book.gift_rule(rule_id)
        if rule is None:
            violations.add(path, f"unknown gift rule {rule_id!r}")
        elif product_id not in rule.gift_product_ids:
            choices = ", ".join(rule.gift_product_ids)
            violations.add(path, f"{product_id!r} is not a gift of {rule_id} (choose from {choices})")
        elif rule_id in seen:
            violations.add(path, f"{rule_id} is chosen twice")
        seen.add(rule_id)
