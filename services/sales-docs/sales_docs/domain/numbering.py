"""Document numbers: a pattern per document type, counted per (type, year, branch).

The counter itself belongs to the database (DESIGN §9: a counter row updated with
`UPDATE … SET next = next + 1 … RETURNING` inside the document's own transaction, so a rollback
gives the number back and drafts take none). This module gives that counter its key and turns
the sequence into text and back.

Pattern fields (Python format syntax): `{type}`, `{year}` (in the scheme's era), `{year_be}`,
`{year_ce}`, `{yy}` (two digits of the era year), `{month:02}`, `{branch}` and `{seq:05}`
(zero-padded to at least the width; larger numbers widen). Example: `INV{year_be}-{seq:05}` →
INV2569-00001.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass
from enum import StrEnum

from chassis.errors import InvalidArgument
from chassis.thai import BUDDHIST_ERA_OFFSET

from sales_docs.domain.parties import HEAD_OFFICE


class DocumentType(StrEnum):
    QUOTATION = "quotation"
    SALE_ORDER = "sale_order"
    DEPOSIT = "deposit"
    TAX_INVOICE = "tax_invoice"
    TAX_INVOICE_RECEIPT = "tax_invoice_receipt"
    RECEIPT = "receipt"
    CREDIT_NOTE = "credit_note"
    DEBIT_NOTE = "debit_note"


class Era(StrEnum):
    BUDDHIST = "buddhist"
    CHRISTIAN = "christian"


DEFAULT_PATTERNS: dict[DocumentType, str] = {
    DocumentType.QUOTATION: "QT{year_be}-{seq:05}",
    DocumentType.SALE_ORDER: "SO{year_be}-{seq:05}",
    DocumentType.DEPOSIT: "DP{year_be}-{seq:05}",
    DocumentType.TAX_INVOICE: "INV{year_be}-{seq:05}",
    DocumentType.TAX_INVOICE_RECEIPT: "TR{year_be}-{seq:05}",
    DocumentType.RECEIPT: "RC{year_be}-{seq:05}",
    DocumentType.CREDIT_NOTE: "CN{year_be}-{seq:05}",
    DocumentType.DEBIT_NOTE: "DN{year_be}-{seq:05}",
}

_FIELDS = {"type", "year", "year_be", "year_ce", "yy", "month", "branch", "seq"}


@dataclass(frozen=True)
class CounterKey:
    """The key of one gapless counter row: document type, year (in the scheme's era), branch."""

    document_type: DocumentType
    year: int
    branch: str


@dataclass(frozen=True)
class ParsedNumber:
    """What a number says: the counter it came from, and its sequence."""

    key: CounterKey
    sequence: int


@dataclass(frozen=True)
class NumberingScheme:
    """How one document type is numbered. `era` decides the counting year: a Buddhist-era
    scheme starts a new count on 1 January like a Christian one, only the printed year differs."""

    document_type: DocumentType
    pattern: str
    era: Era = Era.BUDDHIST

    def __post_init__(self) -> None:
        fields = [name for _, name, _, _ in string.Formatter().parse(self.pattern) if name is not None]
        unknown = sorted(set(fields) - _FIELDS)
        if unknown:
            raise InvalidArgument("pattern", f"unknown fields {unknown}; use {sorted(_FIELDS)}")
        if fields.count("seq") != 1:
            raise InvalidArgument("pattern", "must contain {seq} exactly once")

    def counter_key(self, day: dt.date, branch: str = HEAD_OFFICE) -> CounterKey:
        """The counter a document dated `day` at `branch` takes its number from."""
        year = day.year + BUDDHIST_ERA_OFFSET if self.era == Era.BUDDHIST else day.year
        return CounterKey(self.document_type, year, branch)

    def format(self, key: CounterKey, sequence: int, day: dt.date) -> str:
        """The number for `sequence` (1-based) of counter `key`, e.g. INV2569-00001."""
        if sequence < 1:
            raise InvalidArgument("sequence", "must be 1 or more")
        year_ce = key.year - BUDDHIST_ERA_OFFSET if self.era == Era.BUDDHIST else key.year
        return self.pattern.format(
            type=key.document_type.value,
            year=key.year,
            year_be=year_ce + BUDDHIST_ERA_OFFSET,
            year_ce=year_ce,
            yy=key.year % 100,
            month=day.month,
            branch=key.branch,
            seq=sequence,
        )

    def parse(self, number: str) -> ParsedNumber:
        """Reads a number back into its counter key and sequence; InvalidArgument("number")
        when it does not follow the pattern."""
        match = self._regex().fullmatch(number.strip())
        if match is None:
            raise InvalidArgument("number", f"{number!r} does not follow the pattern {self.pattern!r}")
        found = match.groupdict()
        if found.get("year") is not None:
            year = int(found["year"])
        elif found.get("year_be") is not None:
            year = int(found["year_be"])
            year = year if self.era == Era.BUDDHIST else year - BUDDHIST_ERA_OFFSET
        elif found.get("year_ce") is not None:
            year = int(found["year_ce"])
            year = year + BUDDHIST_ERA_OFFSET if self.era == Era.BUDDHIST else year
        else:
            raise InvalidArgument("pattern", "carries no full year, so its numbers cannot be read back")
        branch = found.get("branch") or HEAD_OFFICE
        return ParsedNumber(CounterKey(self.document_type, year, branch), int(found["seq"]))

    def _regex(self) -> re.Pattern[str]:
        parts: list[str] = []
        seen: set[str] = set()
        for literal, name, spec, _ in string.Formatter().parse(self.pattern):
            parts.append(re.escape(literal))
            if name is None:
                continue
            if name in seen:
                parts.append(f"(?P={name})")
                continue
            seen.add(name)
            parts.append(f"(?P<{name}>{_field_regex(name, spec or '')})")
        return re.compile("".join(parts))


def _field_regex(name: str, spec: str) -> str:
    width = int(spec.lstrip("0") or 0) if spec.isdigit() else 0
    if name in ("year", "year_be", "year_ce"):
        return r"\d{4}"
    if name in ("yy", "month"):
        return r"\d{2}" if width >= 2 else r"\d{1,2}"
    if name == "seq":
        return rf"\d{{{max(width, 1)},}}"
    if name == "branch":
        return r"\d{5}"
    return r"[a-z_]+"


def default_scheme(document_type: DocumentType, era: Era = Era.BUDDHIST) -> NumberingScheme:
    """The shipped scheme of a type; a Christian-era one prints {year_ce} where {year_be} was."""
    pattern = DEFAULT_PATTERNS[document_type]
    if era == Era.CHRISTIAN:
        pattern = pattern.replace("{year_be}", "{year_ce}")
    return NumberingScheme(document_type, pattern, era)
