"""CSV import of products (ImportProducts), streaming progress.

Columns: sku, name_th, name_en, base_unit, category_code, vat_class, cost, units (units like
"box=12;pack=6"). Every row is checked like a CreateProduct and reported with its row number
and column; valid rows are stored in batches, one transaction (and one pricing version) per
batch, with a progress report after each. A row whose SKU exists (stored, or earlier in the
file) is skipped, so re-running a file imports nothing twice.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from chassis.errors import InvalidArgument
from chassis.identity import Caller
from sqlalchemy import select

from pricing.adapters import tables as t
from pricing.application.authoring import assign, check_rule
from pricing.application.context import PricingContext, RuleChanged, require_author
from pricing.domain.model import Product, UnitConversion, VatClass

COLUMNS = ("sku", "name_th", "name_en", "base_unit", "category_code", "vat_class", "cost", "units")
REQUIRED = ("sku", "name_th", "base_unit")


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    reason: str


@dataclass(frozen=True)
class ImportProgress:
    """Batch reports carry their batch's errors; the last (done) carries every error."""

    total_rows: int
    processed_rows: int
    imported_rows: int
    skipped_rows: int
    errors: list[RowError]
    done: bool = False


@dataclass
class _Run:
    total: int
    processed: int = 0
    imported: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)


def import_products(
    ctx: PricingContext, caller: Caller, content: str, *, batch_size: int = 0, validate_only: bool = False
) -> Iterator[ImportProgress]:
    """Checks the request now (so a bad one fails before the stream starts) and returns the
    progress reports of the import."""
    require_author(caller)
    if batch_size < 0 or batch_size > ctx.policy.import_max_batch_size:
        raise InvalidArgument("batch_size", f"must be between 1 and {ctx.policy.import_max_batch_size}")
    rows = _read(content)
    return _run(ctx, rows, batch_size or ctx.policy.import_default_batch_size, validate_only)


def _read(content: str) -> list[dict[str, str]]:
    text = content.lstrip("\ufeff")
    if not text.strip():
        raise InvalidArgument("content", "is empty: send a CSV file with a header row")
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise InvalidArgument("content", f"the header row lacks {', '.join(missing)}")
    return [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]


def _category_ids(ctx: PricingContext) -> dict[str, str]:
    with ctx.reading() as uow:
        return {
            code: cid for cid, code in uow.session.execute(select(t.categories.c.id, t.categories.c.code))
        }


def _run(
    ctx: PricingContext, rows: list[dict[str, str]], size: int, validate_only: bool
) -> Iterator[ImportProgress]:
    run = _Run(total=len(rows))
    categories = _category_ids(ctx)
    for start in range(0, len(rows), size):
        batch = rows[start : start + size]
        errors: list[RowError] = []
        parsed = [
            (start + i + 1, _product(row, start + i + 1, categories, errors)) for i, row in enumerate(batch)
        ]
        valid = [(n, p) for n, p in parsed if p is not None]
        with ctx.transaction() as uow:
            existing = uow.rules.existing("product", "sku", [p.sku for _, p in valid])
            fresh = []
            for number, product in valid:
                if product.sku in existing or product.sku in run.seen:
                    run.skipped += 1
                    continue
                run.seen.add(product.sku)
                fresh.append((number, product))
            if fresh and not validate_only:
                version, seq = uow.rules.next_version(len(fresh))
                book = ctx.books.fresh(uow.session, version - 1)
                for offset, (number, product) in enumerate(fresh):
                    product = assign("product", product, ctx.ids("prd"), seq + offset)
                    try:
                        check_rule("product", product, book)
                    except InvalidArgument as error:
                        errors += [RowError(number, v.field, v.reason) for v in error.violations]
                        continue
                    stored = uow.rules.insert("product", product, seq + offset)
                    uow.rules.record_changes(version, [("product", product.id)])
                    uow.emit(RuleChanged("product", stored, version, "created"))
                    run.imported += 1
        run.processed += len(batch)
        errors.sort(key=lambda e: e.row)
        run.errors += errors
        yield ImportProgress(run.total, run.processed, run.imported, run.skipped, errors)
    yield ImportProgress(run.total, run.processed, run.imported, run.skipped, run.errors, done=True)


def _product(
    row: dict[str, str], number: int, categories: dict[str, str], errors: list[RowError]
) -> Product | None:
    found: list[RowError] = [RowError(number, name, "is required") for name in REQUIRED if not row.get(name)]
    category_id = None
    if row.get("category_code"):
        category_id = categories.get(row["category_code"])
        if category_id is None:
            found.append(
                RowError(number, "category_code", f"no category with the code {row['category_code']!r}")
            )
    try:
        vat_class = VatClass(row.get("vat_class") or "standard")
    except ValueError:
        found.append(RowError(number, "vat_class", "must be standard, zero_rated or exempt"))
        vat_class = VatClass.STANDARD
    cost = _decimal(row.get("cost", ""), number, "cost", found)
    units: list[UnitConversion] = []
    for part in filter(None, (p.strip() for p in row.get("units", "").split(";"))):
        unit, _, factor = part.partition("=")
        amount = _decimal(factor, number, "units", found)
        if not unit.strip() or amount is None:
            found.append(RowError(number, "units", f"{part!r} is not unit=factor"))
            continue
        units.append(UnitConversion(unit.strip(), amount))
    if found:
        errors += found
        return None
    return Product(
        id="",
        sku=row["sku"],
        name_th=row["name_th"],
        name_en=row.get("name_en", ""),
        base_unit=row["base_unit"],
        category_id=category_id,
        units=tuple(units),
        vat_class=vat_class,
        cost=cost,
    )


def _decimal(text: str, number: int, name: str, errors: list[RowError]) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        errors.append(RowError(number, name, f"{text!r} is not a number"))
        return None
    if not value.is_finite():
        errors.append(RowError(number, name, "must be a finite number"))
        return None
    return value
