"""Exact money: Decimal amounts with a currency, ROUND_HALF_UP to the satang, and Thai VAT.

VAT (Revenue Code §80) is 7% at present; `vat_rate` is a parameter so a rate change or a
zero-rated line needs no code change.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Union

CENT = Decimal("0.01")
THAI_VAT_RATE = Decimal("0.07")
DEFAULT_CURRENCY = "THB"

Number = Union[Decimal, int, str]


def to_decimal(value: Number, field: str = "amount") -> Decimal:
    """Parses an exact decimal; floats are refused because they are not exact."""
    from chassis.errors import InvalidArgument

    if isinstance(value, float):
        raise TypeError(f"{field}: floats are not exact; pass a Decimal or a string")
    if isinstance(value, Decimal):
        result = value
    else:
        try:
            result = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            raise InvalidArgument(field, f"{value!r} is not a decimal number") from None
    if not result.is_finite():
        raise InvalidArgument(field, "must be a finite number")
    return result


def round_satang(value: Decimal) -> Decimal:
    """ROUND_HALF_UP to two places, the rounding of Thai tax invoices."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, order=True)
class Money:
    """An amount in one currency. Arithmetic keeps full precision; call `rounded()` to settle."""

    amount: Decimal
    currency: str = DEFAULT_CURRENCY

    def __post_init__(self) -> None:
        if isinstance(self.amount, float):
            raise TypeError("Money amounts must not be floats")
        if not isinstance(self.amount, Decimal):
            object.__setattr__(self, "amount", to_decimal(self.amount))
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise ValueError(f"currency must be an ISO 4217 code, got {self.currency!r}")

    @classmethod
    def of(cls, amount: Number, currency: str = DEFAULT_CURRENCY) -> Money:
        return cls(to_decimal(amount), currency)

    @classmethod
    def zero(cls, currency: str = DEFAULT_CURRENCY) -> Money:
        return cls(Decimal("0"), currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: Number) -> Money:
        return Money(self.amount * to_decimal(factor, "factor"), self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def rounded(self) -> Money:
        return Money(round_satang(self.amount), self.currency)

    def is_zero(self) -> bool:
        return self.amount == 0

    def __str__(self) -> str:
        return f"{round_satang(self.amount):,.2f} {self.currency}"

    def as_string(self) -> str:
        """The contract form: a plain decimal string with two places, e.g. "1234.50"."""
        return f"{round_satang(self.amount):.2f}"


@dataclass(frozen=True)
class VatBreakdown:
    """A VAT computation: base (pre-VAT), vat and total, each rounded to the satang."""

    base: Decimal
    vat: Decimal
    total: Decimal


def vat_exclusive(net: Number, rate: Decimal = THAI_VAT_RATE) -> VatBreakdown:
    """Prices before VAT: VAT is added on top. 1,000.00 → base 1,000.00, VAT 70.00, total 1,070.00."""
    base = round_satang(to_decimal(net))
    vat = round_satang(base * rate)
    return VatBreakdown(base, vat, base + vat)


def vat_inclusive(gross: Number, rate: Decimal = THAI_VAT_RATE) -> VatBreakdown:
    """Prices including VAT: VAT is extracted as gross × rate / (1 + rate), the base is the rest,
    so base + vat equals the gross exactly. 1,070.00 → base 1,000.00, VAT 70.00."""
    total = round_satang(to_decimal(gross))
    vat = round_satang(total * rate / (1 + rate))
    return VatBreakdown(total - vat, vat, total)


def allocate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Splits `total` (already in satang) pro rata to `weights` so the parts add up exactly;
    the remainder satang go to the largest weight (the rule of the pricing issue)."""
    if not weights:
        return []
    weight_sum = sum(weights, Decimal(0))
    if weight_sum == 0:
        parts = [Decimal("0.00")] * len(weights)
        parts[0] = round_satang(total)
        return parts
    parts = [round_satang(total * w / weight_sum) for w in weights]
    remainder = round_satang(total) - sum(parts, Decimal(0))
    if remainder:
        largest = max(range(len(weights)), key=lambda i: (weights[i], -i))
        parts[largest] += remainder
    return parts
