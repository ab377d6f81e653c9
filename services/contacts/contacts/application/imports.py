"""CSV import of leads and customers (ImportCsv), streaming progress.

Every row is validated exactly like an API request and reported with its row number and
column. Valid rows are stored in batches, one transaction per batch, with a progress report
after each. Each stored row leaves a fingerprint (sha256 of its normalised values), so a
re-run of the same file, or of an overlapping one, reports those rows as skipped and
imports nothing twice. For customers only certain duplicates (the same tax id and branch,
in the database or earlier in the file) are refused; fuzzy matches are left to
FindDuplicateCustomers after the import.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from chassis.errors import InvalidArgument, PermissionDenied
from chassis.identity import Caller

from contacts.application.context import ContactsContext, UnitOfWork
from contacts.application.customers import check_groups
from contacts.domain.csv_rows import (
    CsvRow,
    ImportKind,
    RowError,
    customer_form,
    fingerprint,
    lead_form,
    read_csv,
    row_errors,
)
from contacts.domain.customers import assign_address_ids, parse_customer_profile
from contacts.domain.events import CustomerCreated, LeadCreated
from contacts.domain.leads import parse_new_lead
from contacts.domain.model import AuditStamp, Customer, CustomerProfile, Lead
from contacts.domain.ownership import Ownership, assign_owner
from contacts.domain.validation import Fields


@dataclass(frozen=True)
class ImportProgress:
    """One progress report. Batch reports carry the errors of their batch; the last report
    (done) carries every error of the run, so a client that only reads it misses nothing."""

    total_rows: int
    processed_rows: int
    imported_rows: int
    skipped_rows: int
    errors: list[RowError]
    done: bool = False


@dataclass
class _Prepared:
    row: CsvRow
    fingerprint: str
    owner: Ownership
    values: Any


@dataclass
class _Run:
    total: int
    processed: int = 0
    imported: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    tax_keys: dict[tuple[str, str], int] = field(default_factory=dict)


def parse_kind(raw: str) -> ImportKind:
    try:
        return ImportKind(raw)
    except ValueError:
        raise InvalidArgument("kind", "is required: leads or customers") from None


def import_csv(
    ctx: ContactsContext,
    caller: Caller,
    kind: ImportKind,
    content: bytes,
    *,
    batch_size: int = 0,
    validate_only: bool = False,
) -> Iterator[ImportProgress]:
    """Checks the request now (so a bad one fails before the stream starts) and returns the
    progress reports of the import."""
    if batch_size < 0 or batch_size > ctx.policy.import_max_batch_size:
        raise InvalidArgument("batch_size", f"must be between 1 and {ctx.policy.import_max_batch_size}")
    if not content:
        raise InvalidArgument("content", "is empty: send a CSV file with a header row")
    size = batch_size or ctx.policy.import_default_batch_size
    return _run(ctx, caller, kind, content, size, validate_only)


def _run(
    ctx: ContactsContext, caller: Caller, kind: ImportKind, content: bytes, size: int, validate_only: bool
) -> Iterator[ImportProgress]:
    sheet = read_csv(content, kind)
    run = _Run(total=len(sheet.rows), errors=list(sheet.errors))
    if sheet.errors:
        yield ImportProgress(run.total, 0, 0, 0, list(sheet.errors))
    for start in range(0, len(sheet.rows), size):
        batch = sheet.rows[start : start + size]
        errors: list[RowError] = []
        prepared = [p for p in (_prepare(ctx, caller, kind, row, errors) for row in batch) if p is not None]
        if validate_only:
            with ctx.reading() as uow:
                _store(uow, ctx, caller, kind, prepared, run, errors, store=False)
        else:
            with ctx.transaction() as uow:
                _store(uow, ctx, caller, kind, prepared, run, errors, store=True)
        run.processed += len(batch)
        errors.sort(key=lambda e: e.row)
        run.errors.extend(errors)
        yield ImportProgress(run.total, run.processed, run.imported, run.skipped, errors)
    yield ImportProgress(run.total, run.processed, run.imported, run.skipped, run.errors, done=True)


def _prepare(
    ctx: ContactsContext, caller: Caller, kind: ImportKind, row: CsvRow, errors: list[RowError]
) -> _Prepared | None:
    """Validates one row without the database; None (and errors) when it is invalid."""
    fields = Fields()
    values: Any
    if kind == ImportKind.LEADS:
        form = lead_form(row)
        values = parse_new_lead(form, fields)
        owner_id, team_id = form.owner_id, form.team_id
    else:
        customer = customer_form(row)
        values = parse_customer_profile(customer, fields)
        owner_id, team_id = customer.owner_id, customer.team_id
    leads = kind == ImportKind.LEADS
    try:
        owner = assign_owner(
            caller,
            owner_id,
            team_id,
            default_owner=ctx.policy.lead_default_owner_id if leads else "",
            default_team=ctx.policy.lead_default_team_id if leads else "",
        )
    except PermissionDenied as denied:
        fields.add("owner_id", denied.message)
        owner = Ownership("", "")
    if fields.violations:
        errors.extend(row_errors(row.number, fields.violations))
        return None
    return _Prepared(row, fingerprint(kind, values, owner_id, team_id), owner, values)


def _store(
    uow: UnitOfWork,
    ctx: ContactsContext,
    caller: Caller,
    kind: ImportKind,
    prepared: list[_Prepared],
    run: _Run,
    errors: list[RowError],
    *,
    store: bool,
) -> None:
    known = uow.fingerprints.known(p.fingerprint for p in prepared)
    for item in prepared:
        if item.fingerprint in known or item.fingerprint in run.seen:
            run.skipped += 1
            continue
        if kind == ImportKind.CUSTOMERS and not _customer_row_ok(uow, item, run, errors):
            continue
        run.seen.add(item.fingerprint)
        if not store:
            continue
        resource_id = _create(uow, ctx, caller, kind, item)
        uow.fingerprints.add(item.fingerprint, kind.value, resource_id, ctx.clock())
        run.imported += 1


def _customer_row_ok(uow: UnitOfWork, item: _Prepared, run: _Run, errors: list[RowError]) -> bool:
    profile: CustomerProfile = item.values
    fields = Fields()
    check_groups(uow, profile, fields)
    if profile.tax_id:
        key = (profile.tax_id, profile.branch_code)
        if key in run.tax_keys:
            fields.add("tax_id", f"the same tax id and branch as row {run.tax_keys[key]}")
        else:
            for other in uow.customers.probes_matching(tax_id=profile.tax_id, phone="", email=""):
                if other.branch_code == profile.branch_code:
                    fields.add("tax_id", f"customer {other.customer_id} has this tax id and branch")
                    break
    if fields.violations:
        errors.extend(row_errors(item.row.number, fields.violations))
        return False
    if profile.tax_id:
        run.tax_keys[(profile.tax_id, profile.branch_code)] = item.row.number
    return True


def _create(uow: UnitOfWork, ctx: ContactsContext, caller: Caller, kind: ImportKind, item: _Prepared) -> str:
    audit = AuditStamp.new(caller.user_id, ctx.clock())
    if kind == ImportKind.LEADS:
        source, status, profile = item.values
        lead = Lead(
            id=ctx.ids("lead"),
            source=source,
            status=status,
            profile=profile,
            owner_id=item.owner.owner_id,
            team_id=item.owner.team_id,
            audit=audit,
        )
        uow.leads.add(lead)
        uow.emit(LeadCreated(lead))
        return lead.id
    customer = Customer(
        id=ctx.ids("cus"),
        profile=assign_address_ids(item.values, (), lambda: ctx.ids("addr")),
        owner_id=item.owner.owner_id,
        team_id=item.owner.team_id,
        audit=audit,
    )
    uow.customers.add(customer)
    uow.emit(CustomerCreated(customer))
    return customer.id
