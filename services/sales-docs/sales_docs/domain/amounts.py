"""Document lines and totals: the arithmetic every sales document shares.

Rules (Revenue Code §82/4, §86/4 and common Thai practice):
- a line's amount is quantity × unit price less its own discount, rounded ROUND_HALF_UP to the
  satang; a free gift is a line whose whole value is discounted (shown, worth nothing);
- a document-level discount is allocated to the lines pro rata to their amounts (chassis
  `allocate`: the parts add up exactly, the odd satang go to the largest line);
- VAT is computed once, on the document's standard-rated total (never summed from rounded
  line VATs), then allocated back to the lines so that every total is the sum of its lines;
- in a VAT-exclusive document prices are before VAT and VAT is added; in a VAT-inclusive one
  prices include VAT and VAT is extracted as amount × rate / (1 + rate);
- zero-rated (§80/1, e.g. exports) and exempt (§81) lines carry no VAT and are totalled apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from chassis.errors import ViolationCollector
from chassis.money import THAI_VAT_RATE, allocate, round_satang

ZERO = Decimal("0.00")


class VatMode(StrEnum):
    """Whether the document's prices are before VAT (exclusive) or include it (inclusive)."""

    EXCLUSIVE = "exclusive"
    INCLUSIVE = "inclusive"


class TaxCategory(StrEnum):
    """The VAT treatment of a line."""

    STANDARD = "standard"
    ZERO_RATED = "zero_rated"
    EXEMPT = "exempt"


@dataclass(frozen=True)
class LineItem:
    """A line as entered or priced: `discount` is the line's discount amount (not per unit).
    `priced_net` is the net the pricing service gave (before any override by the rep), kept
    to measure overrides; None when the line was not priced by the pricing service."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    unit: str = ""
    discount: Decimal = ZERO
    tax_category: TaxCategory = TaxCategory.STANDARD
    product_id: str = ""
    free_gift: bool = False
    priced_net: Decimal | None = None
    applied_rules: tuple[str, ...] = ()

    @property
    def gross(self) -> Decimal:
        """Quantity × unit price, to the satang."""
        return round_satang(self.quantity * self.unit_price)

    @property
    def line_discount(self) -> Decimal:
        """The line's own discount; a free gift's is its whole value."""
        return self.gross if self.free_gift else round_satang(self.discount)

    @property
    def net(self) -> Decimal:
        """The line amount after its own discount (before the document discount)."""
        return self.gross - self.line_discount


def discount_for_percent(quantity: Decimal, unit_price: Decimal, percent: Decimal) -> Decimal:
    """The discount amount of a percentage discount on a line (10% of 3 × 99.99 = 30.00)."""
    return round_satang(round_satang(quantity * unit_price) * percent / 100)


def check_line_items(items: Sequence[LineItem], violations: ViolationCollector, path: str = "lines") -> None:
    """Collects the violations of a document's lines, each naming its field (lines[2].quantity)."""
    if not items:
        violations.add(path, "a document needs at least one line")
    for index, item in enumerate(items):
        where = f"{path}[{index}]"
        if not item.description.strip():
            violations.add(f"{where}.description", "is required")
        if item.quantity <= 0:
            violations.add(f"{where}.quantity", "must be greater than zero")
        if item.unit_price < 0:
            violations.add(f"{where}.unit_price", "must not be negative")
        if item.discount < 0:
            violations.add(f"{where}.discount", "must not be negative")
        elif not item.free_gift and round_satang(item.discount) > item.gross:
            violations.add(f"{where}.discount", f"must not exceed the line value {item.gross}")


@dataclass(frozen=True)
class LineAmounts:
    """A line's settled amounts. `amount` is in the document's price mode (before VAT for
    exclusive documents, including VAT for inclusive ones); `base` + `vat` = `total` always."""

    gross: Decimal
    line_discount: Decimal
    net: Decimal
    document_discount: Decimal
    amount: Decimal
    base: Decimal
    vat: Decimal
    total: Decimal


@dataclass(frozen=True)
class DocumentTotals:
    """A document's totals; each one is the sum of the same field over the lines.

    `subtotal` is the sum of line nets, `amount_after_discount` subtracts the document
    discount; `standard_base`, `zero_rated_base` and `exempt_base` split the pre-VAT amount by
    tax category; `grand_total` = `pre_vat_total` + `vat`."""

    vat_mode: VatMode
    vat_rate: Decimal
    gross: Decimal
    line_discounts: Decimal
    subtotal: Decimal
    document_discount: Decimal
    amount_after_discount: Decimal
    standard_base: Decimal
    zero_rated_base: Decimal
    exempt_base: Decimal
    pre_vat_total: Decimal
    vat: Decimal
    grand_total: Decimal


@dataclass(frozen=True)
class VatSettlement:
    """VAT of a set of amounts in one price mode: per-amount base/vat and the document VAT."""

    bases: tuple[Decimal, ...]
    vats: tuple[Decimal, ...]
    vat: Decimal


def settle_vat(
    amounts: Sequence[Decimal],
    categories: Sequence[TaxCategory],
    vat_mode: VatMode,
    vat_rate: Decimal = THAI_VAT_RATE,
) -> VatSettlement:
    """VAT computed once on the standard-rated total, then allocated to the standard lines."""
    standard = [a if c == TaxCategory.STANDARD else ZERO for a, c in zip(amounts, categories, strict=True)]
    vat = vat_of(sum(standard, ZERO), vat_mode, vat_rate)
    vats = allocate(vat, standard) if any(standard) else [ZERO] * len(amounts)
    if vat_mode == VatMode.EXCLUSIVE:
        bases = list(amounts)
    else:
        bases = [a - v for a, v in zip(amounts, vats, strict=True)]
    return VatSettlement(tuple(bases), tuple(vats), vat)


def vat_of(amount: Decimal, vat_mode: VatMode, vat_rate: Decimal = THAI_VAT_RATE) -> Decimal:
    """The VAT of a standard-rated amount: added on top (exclusive) or extracted (inclusive)."""
    if vat_mode == VatMode.EXCLUSIVE:
        return round_satang(amount * vat_rate)
    return round_satang(amount * vat_rate / (1 + vat_rate))


@dataclass(frozen=True)
class PricedDocument:
    """Lines with their settled amounts, and the document totals."""

    items: tuple[LineItem, ...]
    lines: tuple[LineAmounts, ...]
    totals: DocumentTotals


def price_document(
    items: Sequence[LineItem],
    vat_mode: VatMode = VatMode.EXCLUSIVE,
    document_discount: Decimal = ZERO,
    vat_rate: Decimal = THAI_VAT_RATE,
) -> PricedDocument:
    """Settles a document's lines and totals; raises InvalidArgument naming each bad field."""
    violations = ViolationCollector()
    check_line_items(items, violations)
    nets = [item.net for item in items] if items else []
    document_discount = round_satang(document_discount)
    if document_discount < 0:
        violations.add("document_discount", "must not be negative")
    elif items and document_discount > sum(nets, ZERO):
        violations.add("document_discount", f"must not exceed the lines' total {sum(nets, ZERO)}")
    violations.raise_if_any()
    shares = allocate(document_discount, nets) if document_discount else [ZERO] * len(items)
    amounts = [net - share for net, share in zip(nets, shares, strict=True)]
    categories = [item.tax_category for item in items]
    settled = settle_vat(amounts, categories, vat_mode, vat_rate)
    lines = tuple(
        LineAmounts(
            gross=item.gross,
            line_discount=item.line_discount,
            net=net,
            document_discount=share,
            amount=amount,
            base=base,
            vat=vat,
            total=base + vat,
        )
        for item, net, share, amount, base, vat in zip(
            items, nets, shares, amounts, settled.bases, settled.vats, strict=True
        )
    )
    return PricedDocument(tuple(items), lines, totals_of(lines, categories, vat_mode, vat_rate))


def totals_of(
    lines: Sequence[LineAmounts], categories: Sequence[TaxCategory], vat_mode: VatMode, vat_rate: Decimal
) -> DocumentTotals:
    """Document totals as sums over settled lines."""

    def total(values: Sequence[Decimal]) -> Decimal:
        return sum(values, ZERO)

    def base_of(category: TaxCategory) -> Decimal:
        return total([line.base for line, c in zip(lines, categories, strict=True) if c == category])

    return DocumentTotals(
        vat_mode=vat_mode,
        vat_rate=vat_rate,
        gross=total([line.gross for line in lines]),
        line_discounts=total([line.line_discount for line in lines]),
        subtotal=total([line.net for line in lines]),
        document_discount=total([line.document_discount for line in lines]),
        amount_after_discount=total([line.amount for line in lines]),
        standard_base=base_of(TaxCategory.STANDARD),
        zero_rated_base=base_of(TaxCategory.ZERO_RATED),
        exempt_base=base_of(TaxCategory.EXEMPT),
        pre_vat_total=total([line.base for line in lines]),
        vat=total([line.vat for line in lines]),
        grand_total=total([line.total for line in lines]),
    )
