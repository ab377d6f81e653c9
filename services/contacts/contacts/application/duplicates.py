"""Duplicate detection as a use case: on create (refuse likely duplicates unless allowed)
and on demand (FindDuplicateCustomers).

Detection looks at every live customer, whoever owns it, so a rep cannot create a second
record of a colleague's customer. Candidates the caller may not see are shown redacted: id,
name, owner and team only, so the rep knows whom to ask.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from chassis.errors import AlreadyExists, InvalidArgument
from chassis.identity import Caller

from contacts.adapters.customers import probe_of
from contacts.application.context import ContactsContext, UnitOfWork
from contacts.application.records import load_customer
from contacts.domain.customers import parse_duplicate_probe
from contacts.domain.duplicates import (
    DuplicateMatch,
    DuplicateProbe,
    normalise_name,
    rank_duplicates,
    similar_names,
)
from contacts.domain.model import Customer, CustomerForm, CustomerProfile
from contacts.domain.validation import Fields


@dataclass(frozen=True)
class DuplicateCandidate:
    customer: Customer
    match: DuplicateMatch
    redacted: bool = False


class LikelyDuplicateError(AlreadyExists):
    """A customer that is probably there already; `candidates` says which (best first).
    The API adds them to the error details."""

    def __init__(self, candidates: list[DuplicateCandidate], block_score: int) -> None:
        best = candidates[0]
        reasons = "; ".join(r.detail for r in best.match.reasons)
        super().__init__(
            f"likely a duplicate of customer {best.customer.id} (score {best.match.score} >= {block_score}: "
            f"{reasons}); set allow_duplicates to create it anyway, or merge"
        )
        self.candidates = candidates
        # Extra error details (protobuf messages) the API attaches for the client.
        self.details: list[Any] = []


def detect(uow: UnitOfWork, probe: DuplicateProbe, min_score: int) -> list[DuplicateMatch]:
    """Customers that share the tax id, phone or e-mail, or have a similar name, scored."""
    others = {
        p.customer_id: p
        for p in uow.customers.probes_matching(tax_id=probe.tax_id, phone=probe.phone, email=probe.email)
    }
    named = similar_names(normalise_name(probe.name), uow.customers.name_keys())
    others.update((p.customer_id, p) for p in uow.customers.probes(i for i in named if i not in others))
    return rank_duplicates(probe, others.values(), min_score)


def candidates_for(
    uow: UnitOfWork, caller: Caller, matches: list[DuplicateMatch]
) -> list[DuplicateCandidate]:
    found = uow.customers.get_many(m.customer_id for m in matches)
    result = []
    for match in matches:
        customer = found.get(match.customer_id)
        if customer is None:
            continue
        if caller.can_access(customer.owner_id, customer.team_id):
            result.append(DuplicateCandidate(customer, match))
        else:
            hidden = CustomerProfile(kind=customer.profile.kind, name=customer.profile.name)
            result.append(DuplicateCandidate(replace(customer, profile=hidden), match, redacted=True))
    return result


def check_new_customer(
    uow: UnitOfWork,
    ctx: ContactsContext,
    caller: Caller,
    customer_id: str,
    profile: CustomerProfile,
    *,
    allow_duplicates: bool,
) -> list[DuplicateCandidate]:
    """Refuses a likely duplicate (score >= the block score) unless allowed; returns the
    candidates worth showing."""
    matches = detect(uow, probe_of(customer_id, profile), ctx.policy.duplicate_report_score)
    candidates = candidates_for(uow, caller, matches)
    blocking = [c for c in candidates if c.match.score >= ctx.policy.duplicate_block_score]
    if blocking and not allow_duplicates:
        raise LikelyDuplicateError(blocking, ctx.policy.duplicate_block_score)
    return candidates


def find_duplicates(
    ctx: ContactsContext, caller: Caller, *, customer_id: str, candidate: CustomerForm | None, min_score: int
) -> list[DuplicateCandidate]:
    """Likely duplicates of an existing customer, or of one about to be created."""
    if min_score < 0 or min_score > 100:
        raise InvalidArgument("min_score", "must be between 0 and 100")
    threshold = min_score or ctx.policy.duplicate_report_score
    with ctx.reading() as uow:
        if customer_id:
            customer = load_customer(uow, caller, customer_id, field="customer_id")
            probe = probe_of(customer.id, customer.profile)
        elif candidate is not None:
            fields = Fields("candidate")
            probe = parse_duplicate_probe(candidate, fields)
            fields.raise_if_any()
        else:
            raise InvalidArgument("customer_id", "give customer_id or candidate")
        return candidates_for(uow, caller, detect(uow, probe, threshold))
