"""Quotations: the priced offer, its revisions, approval and the customer's answer.

    draft ──submit──> submitted ──approve──> approved ──send──> sent ──> accepted
      │                   └──reject──> rejected            │   └──> declined
      └─(no approval needed: submit approves at once)      └──> expired (after valid_until)

A draft takes no number; the first submit gives it one (the counter runs in that transaction)
and every revision keeps it with the next revision number. A revision is a new draft copied
from the latest one; the older revision becomes read-only (superseded). Approval is needed when
a rep overrode a priced line by more than the policy's percent off the priced net, or gave a
document discount beyond it; the approval center decides, and its decision moves the quotation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from chassis.errors import FailedPrecondition, InvalidArgument, ViolationCollector
from chassis.money import THAI_VAT_RATE

from sales_docs.domain.amounts import ZERO, LineItem, PricedDocument, VatMode, price_document
from sales_docs.domain.parties import Party


class QuotationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"


ALLOWED_TRANSITIONS: dict[QuotationStatus, frozenset[QuotationStatus]] = {
    QuotationStatus.DRAFT: frozenset({QuotationStatus.SUBMITTED, QuotationStatus.APPROVED}),
    QuotationStatus.SUBMITTED: frozenset({QuotationStatus.APPROVED, QuotationStatus.REJECTED}),
    QuotationStatus.APPROVED: frozenset({QuotationStatus.SENT, QuotationStatus.EXPIRED}),
    QuotationStatus.SENT: frozenset(
        {QuotationStatus.ACCEPTED, QuotationStatus.DECLINED, QuotationStatus.EXPIRED}
    ),
    QuotationStatus.REJECTED: frozenset(),
    QuotationStatus.ACCEPTED: frozenset(),
    QuotationStatus.DECLINED: frozenset(),
    QuotationStatus.EXPIRED: frozenset(),
}
# States from which a new revision may be made (an accepted quotation became an order).
REVISABLE = frozenset(
    {
        QuotationStatus.SUBMITTED,
        QuotationStatus.APPROVED,
        QuotationStatus.REJECTED,
        QuotationStatus.SENT,
        QuotationStatus.DECLINED,
        QuotationStatus.EXPIRED,
    }
)


@dataclass(frozen=True)
class ApprovalPolicy:
    """When a quotation needs approval: a line more than `max_override_percent` below its
    priced net, or a document discount of more than `max_document_discount_percent`."""

    max_override_percent: Decimal = Decimal(10)
    max_document_discount_percent: Decimal = Decimal(10)


@dataclass(frozen=True)
class Quotation:
    id: str
    customer: Party
    customer_id: str
    owner_id: str
    issue_date: dt.date
    valid_until: dt.date
    items: tuple[LineItem, ...]
    vat_mode: VatMode = VatMode.EXCLUSIVE
    vat_rate: Decimal = THAI_VAT_RATE
    document_discount: Decimal = ZERO
    number: str = ""
    revision: int = 1
    status: QuotationStatus = QuotationStatus.DRAFT
    superseded: bool = False
    opportunity_id: str = ""
    team_id: str = ""
    payment_terms: str = ""
    notes: str = ""
    pricing_version: str = ""
    approval_reasons: tuple[str, ...] = ()
    decision_reason: str = ""
    # Where it came from when another service asked for it (a maintenance contract's renewal:
    # its billing key "contract:period_start"); revisions keep it.
    source_key: str = ""
    version: int = 1

    @property
    def priced(self) -> PricedDocument:
        """Lines and totals, settled (VAT once on the total)."""
        return price_document(self.items, self.vat_mode, self.document_discount, self.vat_rate)

    @property
    def display_number(self) -> str:
        """The number with its revision, as printed: QT2569-00001 Rev.2 (rev 1 prints plain)."""
        return self.number if self.revision == 1 else f"{self.number} Rev.{self.revision}"


def new_quotation(
    id: str,
    customer: Party,
    customer_id: str,
    owner_id: str,
    issue_date: dt.date,
    valid_until: dt.date,
    items: Sequence[LineItem],
    *,
    vat_mode: VatMode = VatMode.EXCLUSIVE,
    document_discount: Decimal = ZERO,
    vat_rate: Decimal = THAI_VAT_RATE,
    opportunity_id: str = "",
    team_id: str = "",
    payment_terms: str = "",
    notes: str = "",
    pricing_version: str = "",
    source_key: str = "",
) -> Quotation:
    """A draft quotation; lines, validity and discount are checked (InvalidArgument per field)."""
    quotation = Quotation(
        id=id,
        customer=customer,
        customer_id=customer_id,
        owner_id=owner_id,
        issue_date=issue_date,
        valid_until=valid_until,
        items=tuple(items),
        vat_mode=vat_mode,
        vat_rate=vat_rate,
        document_discount=document_discount,
        opportunity_id=opportunity_id,
        team_id=team_id,
        payment_terms=payment_terms,
        notes=notes,
        pricing_version=pricing_version,
        source_key=source_key,
    )
    _check(quotation)
    return quotation


def _check(quotation: Quotation) -> None:
    violations = ViolationCollector()
    if not quotation.customer_id and not quotation.customer.name.strip():
        violations.add("customer_id", "is required")
    if quotation.valid_until < quotation.issue_date:
        violations.add("valid_until", "must not be before the issue date")
    violations.raise_if_any()
    _ = quotation.priced  # raises InvalidArgument naming lines[i].quantity, document_discount, ...


def _require_editable(quotation: Quotation) -> None:
    if quotation.superseded:
        raise FailedPrecondition(
            f"quotation {quotation.display_number} is superseded by a newer revision and read-only"
        )


def _moved(quotation: Quotation, target: QuotationStatus, decision_reason: str | None = None) -> Quotation:
    """The quotation in `target`, when the machine allows it (FailedPrecondition otherwise)."""
    _require_editable(quotation)
    if target not in ALLOWED_TRANSITIONS[quotation.status]:
        raise FailedPrecondition(f"a {quotation.status.value} quotation cannot become {target.value}")
    reason = quotation.decision_reason if decision_reason is None else decision_reason
    return replace(quotation, status=target, version=quotation.version + 1, decision_reason=reason)


def edited(
    quotation: Quotation,
    *,
    items: Sequence[LineItem] | None = None,
    document_discount: Decimal | None = None,
    valid_until: dt.date | None = None,
    payment_terms: str | None = None,
    notes: str | None = None,
    customer: Party | None = None,
) -> Quotation:
    """The draft with new content; only drafts change (a sent offer is revised instead)."""
    _require_editable(quotation)
    if quotation.status != QuotationStatus.DRAFT:
        raise FailedPrecondition(f"a {quotation.status.value} quotation cannot be edited; make a revision")
    changed = replace(
        quotation,
        items=tuple(items) if items is not None else quotation.items,
        document_discount=document_discount if document_discount is not None else quotation.document_discount,
        valid_until=valid_until or quotation.valid_until,
        payment_terms=payment_terms if payment_terms is not None else quotation.payment_terms,
        notes=notes if notes is not None else quotation.notes,
        customer=customer or quotation.customer,
        version=quotation.version + 1,
    )
    _check(changed)
    return changed


def override_percent(item: LineItem) -> Decimal:
    """How far below its priced net a line was set, in percent (0 when not below, or unpriced)."""
    if item.priced_net is None or item.priced_net <= 0 or item.free_gift:
        return Decimal(0)
    return max(Decimal(0), (item.priced_net - item.net) * 100 / item.priced_net)


def approval_reasons(quotation: Quotation, policy: ApprovalPolicy) -> tuple[str, ...]:
    """Why the quotation needs approval; empty when it does not."""
    reasons = []
    for index, item in enumerate(quotation.items):
        percent = override_percent(item)
        if percent > policy.max_override_percent:
            reasons.append(
                f"lines[{index}]: {percent.quantize(Decimal('0.01'))}% below the priced net "
                f"(limit {policy.max_override_percent}%)"
            )
    subtotal = quotation.priced.totals.subtotal
    if subtotal > 0 and quotation.document_discount * 100 / subtotal > policy.max_document_discount_percent:
        reasons.append(f"document discount beyond {policy.max_document_discount_percent}% of the subtotal")
    return tuple(reasons)


def submitted(
    quotation: Quotation, number: str, policy: ApprovalPolicy, *, approval_center: bool = False
) -> Quotation:
    """Submitted for approval, or approved at once when the policy needs none. `number` is the
    quotation's number (taken now for a first revision; a later revision keeps its own). With an
    `approval_center` every submission waits for its decision (its own policies decide; the
    local reasons still say whether a price was overridden beyond the threshold)."""
    if not (quotation.number or number):
        raise InvalidArgument("number", "a submitted quotation needs its number")
    reasons = approval_reasons(quotation, policy)
    target = QuotationStatus.SUBMITTED if reasons or approval_center else QuotationStatus.APPROVED
    moved = _moved(quotation, target)
    return replace(moved, number=quotation.number or number, approval_reasons=reasons)


def approved(quotation: Quotation, reason: str = "") -> Quotation:
    """The approval center said yes."""
    return _moved(quotation, QuotationStatus.APPROVED, reason)


def rejected(quotation: Quotation, reason: str) -> Quotation:
    """The approval center said no; a new revision may follow."""
    if not reason.strip():
        raise InvalidArgument("reason", "is required when a quotation is rejected")
    return _moved(quotation, QuotationStatus.REJECTED, reason.strip())


def sent(quotation: Quotation, today: dt.date) -> Quotation:
    """Sent to the customer; an offer past its validity is not sent."""
    if today > quotation.valid_until:
        raise FailedPrecondition(f"quotation {quotation.display_number} expired on {quotation.valid_until}")
    return _moved(quotation, QuotationStatus.SENT)


def accepted(quotation: Quotation, today: dt.date) -> Quotation:
    """The customer accepted, within the validity."""
    if today > quotation.valid_until:
        raise FailedPrecondition(f"quotation {quotation.display_number} expired on {quotation.valid_until}")
    return _moved(quotation, QuotationStatus.ACCEPTED)


def declined(quotation: Quotation, reason: str = "") -> Quotation:
    return _moved(quotation, QuotationStatus.DECLINED, reason.strip())


def is_due_to_expire(quotation: Quotation, today: dt.date) -> bool:
    """The expiry job's test: approved or sent, current, and past its validity date."""
    return (
        not quotation.superseded
        and quotation.status in (QuotationStatus.APPROVED, QuotationStatus.SENT)
        and today > quotation.valid_until
    )


def expired(quotation: Quotation, today: dt.date) -> Quotation:
    if today <= quotation.valid_until:
        raise FailedPrecondition(
            f"quotation {quotation.display_number} is valid until {quotation.valid_until}"
        )
    return _moved(quotation, QuotationStatus.EXPIRED)


def revised(
    quotation: Quotation, new_id: str, issue_date: dt.date, valid_until: dt.date
) -> tuple[Quotation, Quotation]:
    """(the old revision, now read-only; the new draft revision with the same number)."""
    _require_editable(quotation)
    if quotation.status not in REVISABLE:
        raise FailedPrecondition(f"a {quotation.status.value} quotation cannot be revised")
    old = replace(quotation, superseded=True, version=quotation.version + 1)
    new = replace(
        quotation,
        id=new_id,
        revision=quotation.revision + 1,
        status=QuotationStatus.DRAFT,
        issue_date=issue_date,
        valid_until=valid_until,
        approval_reasons=(),
        decision_reason="",
        superseded=False,
        version=1,
    )
    _check(new)
    return old, new
