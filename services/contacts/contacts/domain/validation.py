"""Field paths and collected violations, so one error names every bad field at once.

Paths are the proto field paths the client sent ("customer.tax_id",
"customer.addresses[0].postcode"); CSV import re-maps them to column names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from chassis.errors import FieldViolation, ViolationCollector

T = TypeVar("T")


class Fields:
    """Violations under one path prefix; `nested` and `item` share the same collector."""

    def __init__(self, prefix: str = "", collector: ViolationCollector | None = None) -> None:
        self.prefix = prefix
        self.collector = collector if collector is not None else ViolationCollector()

    def path(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def nested(self, name: str) -> Fields:
        return Fields(self.path(name), self.collector)

    def root(self) -> Fields:
        """Top-level paths (e.g. "update_mask") sharing this collector."""
        return Fields("", self.collector)

    def item(self, name: str, index: int) -> Fields:
        return Fields(f"{self.path(name)}[{index}]", self.collector)

    def add(self, name: str, reason: str) -> None:
        self.collector.add(self.path(name), reason)

    @property
    def violations(self) -> list[FieldViolation]:
        return self.collector.violations

    def clean(self, name: str, raw: str, check: Callable[[str], T], default: T) -> T:
        """Runs `check` (which raises ValueError with the reason) and records a failure."""
        try:
            return check(raw)
        except ValueError as error:
            self.add(name, str(error))
            return default

    def text(self, name: str, raw: str, *, required: bool = False, max_length: int = 255) -> str:
        """Trimmed text with a length limit; `required` refuses an empty value."""
        value = " ".join(raw.split()) if max_length <= 255 else raw.strip()
        if required and not value:
            self.add(name, "is required")
        elif len(value) > max_length:
            self.add(name, f"must be at most {max_length} characters")
        return value

    def raise_if_any(self) -> None:
        self.collector.raise_if_any()


def parse_decimal(
    raw: str, *, places: int = 2, minimum: Decimal | None = None, maximum: Decimal | None = None
) -> Decimal:
    """An exact decimal string ("1234.50"; thousands separators allowed) within bounds."""
    text = raw.strip().replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{raw!r} is not a decimal number") from None
    if not value.is_finite():
        raise ValueError("must be a finite number")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise ValueError(f"must have at most {places} decimal places")
    if minimum is not None and value < minimum:
        raise ValueError(f"must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise ValueError(f"must be at most {maximum}")
    return value


def parse_iso_date(raw: str) -> dt.date:
    """A calendar date written YYYY-MM-DD."""
    text = raw.strip()
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{raw!r} is not a date in the form YYYY-MM-DD") from None


def parse_int(raw: str, *, minimum: int, maximum: int) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise ValueError(f"{raw!r} is not a whole number") from None
    if not minimum <= value <= maximum:
        raise ValueError(f"must be between {minimum} and {maximum}")
    return value
