"""CSV import of leads and customers: reading the file, turning each row into the same form
the API takes (so a row is validated exactly like a request), naming errors by column, and
the fingerprint that makes a re-run of the same data import nothing twice.

Columns (header names, any order; unknown columns are reported on row 0 and ignored):
- leads: source (default "import"), status, company_name, contact_name, email, phone,
  tax_id, notes, source_detail, owner_id, team_id;
- customers: kind, name, name_en, tax_id, branch_code, email, phone, website, house_no,
  sub_district, district, province, postcode, country_code, address_kind (default billing),
  credit_term_days, credit_limit, credit_limit_currency, price_list_id,
  default_discount_percent, payment_method, anniversary_date, preferred_language (th/en,
  default th), customer_group_ids
  (separated by ";"), owner_id, team_id.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from chassis.errors import FieldViolation

from contacts.domain.languages import DEFAULT_LANGUAGE
from contacts.domain.model import AddressForm, CustomerForm, LeadForm, MoneyForm, SalesConditionsForm


class ImportKind(StrEnum):
    LEADS = "leads"
    CUSTOMERS = "customers"


LEAD_COLUMNS = (
    "source",
    "status",
    "company_name",
    "contact_name",
    "email",
    "phone",
    "tax_id",
    "notes",
    "source_detail",
    "owner_id",
    "team_id",
)
ADDRESS_COLUMNS = (
    "house_no",
    "sub_district",
    "district",
    "province",
    "postcode",
    "country_code",
    "address_kind",
)
CUSTOMER_COLUMNS = (
    "kind",
    "name",
    "name_en",
    "tax_id",
    "branch_code",
    "email",
    "phone",
    "website",
    *ADDRESS_COLUMNS,
    "credit_term_days",
    "credit_limit",
    "credit_limit_currency",
    "price_list_id",
    "default_discount_percent",
    "payment_method",
    "anniversary_date",
    "preferred_language",
    "customer_group_ids",
    "owner_id",
    "team_id",
)
COLUMNS = {ImportKind.LEADS: LEAD_COLUMNS, ImportKind.CUSTOMERS: CUSTOMER_COLUMNS}
# Field paths of the API that have another name as a CSV column.
_RENAMED = {
    "sales_conditions.credit_limit.amount": "credit_limit",
    "sales_conditions.credit_limit.currency_code": "credit_limit_currency",
    "addresses[0].kind": "address_kind",
}


@dataclass(frozen=True)
class RowError:
    """An error of one row: 1-based data row (0 = the header or the file), column, reason."""

    row: int
    field: str
    reason: str


@dataclass(frozen=True)
class CsvRow:
    number: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "").strip()


@dataclass
class CsvSheet:
    rows: list[CsvRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _column_name(raw: str) -> str:
    return "_".join(raw.strip().lower().split())


def read_csv(content: bytes, kind: ImportKind) -> CsvSheet:
    """The data rows of a UTF-8 CSV file with a header (a BOM is accepted); blank rows are
    left out but keep their row numbers."""
    sheet = CsvSheet()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        sheet.errors.append(RowError(0, "content", f"is not UTF-8 (byte {error.start})"))
        return sheet
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [_column_name(h) for h in next(reader)]
    except StopIteration:
        sheet.errors.append(RowError(0, "content", "is empty: a header row is required"))
        return sheet
    except csv.Error as error:
        sheet.errors.append(RowError(0, "content", f"is not valid CSV: {error}"))
        return sheet
    known = set(COLUMNS[kind])
    for column in header:
        if column and column not in known:
            sheet.errors.append(RowError(0, column, "unknown column, ignored"))
    number = 0
    try:
        for cells in reader:
            number += 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header):
                sheet.errors.append(RowError(number, "content", "the row has more cells than the header"))
                continue
            values = {column: cell for column, cell in zip(header, cells, strict=False) if column in known}
            sheet.rows.append(CsvRow(number, values))
    except csv.Error as error:
        sheet.errors.append(RowError(number + 1, "content", f"is not valid CSV: {error}"))
    return sheet


def lead_form(row: CsvRow) -> LeadForm:
    return LeadForm(
        source=row.get("source") or "import",
        status=row.get("status"),
        company_name=row.get("company_name"),
        contact_name=row.get("contact_name"),
        email=row.get("email"),
        phone=row.get("phone"),
        tax_id=row.get("tax_id"),
        notes=row.get("notes"),
        source_detail=row.get("source_detail"),
        owner_id=row.get("owner_id"),
        team_id=row.get("team_id"),
    )


def customer_form(row: CsvRow) -> CustomerForm:
    addresses = []
    if any(row.get(column) for column in ADDRESS_COLUMNS if column != "address_kind"):
        addresses.append(
            AddressForm(
                kind=row.get("address_kind") or "billing",
                house_no=row.get("house_no"),
                sub_district=row.get("sub_district"),
                district=row.get("district"),
                province=row.get("province"),
                postcode=row.get("postcode"),
                country_code=row.get("country_code"),
            )
        )
    groups = [g.strip() for g in row.get("customer_group_ids").replace("|", ";").split(";") if g.strip()]
    return CustomerForm(
        kind=row.get("kind"),
        name=row.get("name"),
        name_en=row.get("name_en"),
        tax_id=row.get("tax_id"),
        branch_code=row.get("branch_code"),
        email=row.get("email"),
        phone=row.get("phone"),
        website=row.get("website"),
        customer_group_ids=groups,
        addresses=addresses,
        sales_conditions=SalesConditionsForm(
            credit_term_days=row.get("credit_term_days"),
            credit_limit=MoneyForm(row.get("credit_limit"), row.get("credit_limit_currency")),
            price_list_id=row.get("price_list_id"),
            default_discount_percent=row.get("default_discount_percent"),
            payment_method=row.get("payment_method"),
        ),
        anniversary_date=row.get("anniversary_date"),
        preferred_language=row.get("preferred_language"),
        owner_id=row.get("owner_id"),
        team_id=row.get("team_id"),
    )


def column_of(path: str) -> str:
    """The CSV column an API field path stands for ("addresses[0].postcode" → "postcode")."""
    if path in _RENAMED:
        return _RENAMED[path]
    for prefix in ("addresses[0].", "sales_conditions."):
        if path.startswith(prefix):
            return path[len(prefix) :]
    if path.startswith("customer_group_ids"):
        return "customer_group_ids"
    return path


def row_errors(row: int, violations: list[FieldViolation]) -> list[RowError]:
    return [RowError(row, column_of(v.field), v.reason) for v in violations]


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def fingerprint(kind: ImportKind, normalised: Any, owner_id: str, team_id: str) -> str:
    """sha256 of a row's normalised values, so "081-234-5678" and "0812345678" count as the
    same row on a re-run. The owner columns count as written, not as assigned, so a re-run by
    another user still recognises the row."""
    plain = _plain(normalised)
    if isinstance(plain, dict) and plain.get("preferred_language") == DEFAULT_LANGUAGE:
        # Rows imported before the column existed keep their fingerprint.
        del plain["preferred_language"]
    payload = json.dumps(
        [kind.value, plain, owner_id.strip(), team_id.strip()],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
