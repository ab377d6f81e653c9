"""Cases: the status machine, its history, and what a customer's reply does.

new ──> in_progress <──> waiting_for_customer
 │          │                   │
 └──────────┴───────> resolved ─┴──> closed (final; a reply opens a linked follow-up)
                         │
                         └──> in_progress (reopened: by the customer or the survey)

Every change is kept in `history`, the record the SLA clocks are computed from.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from enum import StrEnum

from chassis.errors import FailedPrecondition, InvalidArgument, ViolationCollector

TITLE_MAX_LENGTH = 200
_EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")


class CaseStatus(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    WAITING_FOR_CUSTOMER = "waiting_for_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Priority(StrEnum):
    """In rising order; escalation may raise a case one step."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


PRIORITY_ORDER = (Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT)


def raised(priority: Priority) -> Priority:
    """One step up; urgent stays urgent."""
    index = PRIORITY_ORDER.index(priority)
    return PRIORITY_ORDER[min(index + 1, len(PRIORITY_ORDER) - 1)]


ALLOWED_TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.NEW: frozenset({CaseStatus.IN_PROGRESS, CaseStatus.WAITING_FOR_CUSTOMER, CaseStatus.RESOLVED}),
    CaseStatus.IN_PROGRESS: frozenset({CaseStatus.WAITING_FOR_CUSTOMER, CaseStatus.RESOLVED}),
    CaseStatus.WAITING_FOR_CUSTOMER: frozenset({CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED}),
    CaseStatus.RESOLVED: frozenset({CaseStatus.IN_PROGRESS, CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset(),
}


@dataclass(frozen=True)
class StatusChange:
    """One entry of a case's history; the first is the creation (`from_status` None)."""

    at: dt.datetime
    from_status: CaseStatus | None
    to_status: CaseStatus
    actor: str = ""
    reason: str = ""


@dataclass(frozen=True)
class CaseFacts:
    """What SLA policies match on."""

    customer_id: str
    contract_id: str = ""
    customer_group_ids: frozenset[str] = frozenset()
    channel: str = ""
    case_type: str = ""


@dataclass(frozen=True)
class Case:
    id: str
    title: str
    customer_id: str
    created_at: dt.datetime
    history: tuple[StatusChange, ...]
    priority: Priority = Priority.NORMAL
    contact_id: str = ""
    contract_id: str = ""
    product_id: str = ""
    serial_number: str = ""
    case_type: str = ""
    channel: str = ""
    team_id: str = ""
    assignee_id: str = ""
    first_response_at: dt.datetime | None = None
    flagged_for_lead: bool = False
    follow_up_of: str = ""
    version: int = 1
    # Who asked (the sender of the e-mail that opened the case, or given on CreateCase): where
    # customer-visible replies and the satisfaction link go.
    requester_email: str = ""
    requester_name: str = ""
    # The customer's last survey score (1–5), None before any answer.
    satisfaction_score: int | None = None

    @property
    def status(self) -> CaseStatus:
        return self.history[-1].to_status

    @property
    def resolved_at(self) -> dt.datetime | None:
        """When the case last became resolved, if it is resolved or closed now."""
        if self.status not in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
            return None
        return next(c.at for c in reversed(self.history) if c.to_status == CaseStatus.RESOLVED)

    def facts(self, customer_group_ids: frozenset[str] = frozenset()) -> CaseFacts:
        return CaseFacts(self.customer_id, self.contract_id, customer_group_ids, self.channel, self.case_type)


def clean_title(title: str) -> str:
    """A title on one line, at most TITLE_MAX_LENGTH characters."""
    text = " ".join(title.split())
    return text[: TITLE_MAX_LENGTH - 1] + "…" if len(text) > TITLE_MAX_LENGTH else text


def open_case(
    id: str,
    title: str,
    customer_id: str,
    created_at: dt.datetime,
    *,
    actor: str = "",
    priority: Priority = Priority.NORMAL,
    contact_id: str = "",
    contract_id: str = "",
    product_id: str = "",
    serial_number: str = "",
    case_type: str = "",
    channel: str = "",
    team_id: str = "",
    assignee_id: str = "",
    follow_up_of: str = "",
    requester_email: str = "",
    requester_name: str = "",
) -> Case:
    """A new case, status new, its creation the first entry of its history. A case from an
    unknown sender (e-mail) has no customer yet but must have the requester's address."""
    violations = ViolationCollector()
    cleaned = clean_title(title)
    requester = requester_email.strip()
    if not cleaned:
        violations.add("title", "is required")
    if not customer_id.strip() and not requester:
        violations.add("customer_id", "is required (or a requester_email)")
    if requester and not _EMAIL.fullmatch(requester):
        violations.add("requester_email", "is no e-mail address")
    if created_at.tzinfo is None:
        violations.add("created_at", "must carry a time zone")
    violations.raise_if_any()
    first = StatusChange(created_at, None, CaseStatus.NEW, actor)
    return Case(
        id,
        cleaned,
        customer_id.strip(),
        created_at,
        (first,),
        priority,
        contact_id=contact_id,
        contract_id=contract_id,
        product_id=product_id,
        serial_number=serial_number.strip(),
        case_type=case_type,
        channel=channel,
        team_id=team_id,
        assignee_id=assignee_id,
        follow_up_of=follow_up_of,
        requester_email=requester,
        requester_name=" ".join(requester_name.split()),
    )


def check_transition(current: CaseStatus, target: CaseStatus) -> None:
    """Raises FailedPrecondition when the machine does not allow current → target."""
    if target not in ALLOWED_TRANSITIONS[current]:
        raise FailedPrecondition(f"a {current.value} case cannot become {target.value}")


def changed_status(
    case: Case, target: CaseStatus, at: dt.datetime, actor: str = "", reason: str = ""
) -> Case:
    """The case moved to `target` at `at`, recorded in its history. Changes must come in time order."""
    check_transition(case.status, target)
    if at < case.history[-1].at:
        raise InvalidArgument("at", f"{at.isoformat()} is before the last change of the case")
    change = StatusChange(at, case.status, target, actor, reason)
    flagged = case.flagged_for_lead and target != CaseStatus.IN_PROGRESS
    return replace(case, history=(*case.history, change), flagged_for_lead=flagged, version=case.version + 1)


def responded(case: Case, at: dt.datetime) -> Case:
    """An agent's first customer-visible reply: it fulfils the first-response clock once."""
    if case.first_response_at is not None:
        return case
    return replace(case, first_response_at=at, version=case.version + 1)


class ReplyEffect(StrEnum):
    """What a customer's reply does to the case it threads to."""

    APPEND = "append"  # new or in progress: a message on the case
    RESUME = "resume"  # waiting for customer → in progress
    REOPEN = "reopen"  # resolved → in progress
    FOLLOW_UP = "follow_up"  # closed: a new case linked to it


def customer_reply_effect(case: Case) -> ReplyEffect:
    """The rule of the issue: a reply to a resolved case reopens it, to a closed case opens a
    linked follow-up; a reply while we wait for the customer resumes work."""
    return {
        CaseStatus.NEW: ReplyEffect.APPEND,
        CaseStatus.IN_PROGRESS: ReplyEffect.APPEND,
        CaseStatus.WAITING_FOR_CUSTOMER: ReplyEffect.RESUME,
        CaseStatus.RESOLVED: ReplyEffect.REOPEN,
        CaseStatus.CLOSED: ReplyEffect.FOLLOW_UP,
    }[case.status]


def after_customer_reply(case: Case, at: dt.datetime, actor: str = "customer") -> Case:
    """The case after a customer reply (a closed case is returned unchanged: open a follow-up)."""
    effect = customer_reply_effect(case)
    if effect in (ReplyEffect.RESUME, ReplyEffect.REOPEN):
        return changed_status(case, CaseStatus.IN_PROGRESS, at, actor, f"customer reply ({effect.value})")
    return case


def follow_up_case(closed: Case, id: str, title: str, at: dt.datetime) -> Case:
    """A new case for a reply to a closed one, carrying its customer, contract, product and team."""
    if closed.status != CaseStatus.CLOSED:
        raise FailedPrecondition(f"case {closed.id} is {closed.status.value}; reply on it instead")
    return open_case(
        id,
        title or closed.title,
        closed.customer_id,
        at,
        actor="customer",
        priority=closed.priority,
        contact_id=closed.contact_id,
        contract_id=closed.contract_id,
        product_id=closed.product_id,
        serial_number=closed.serial_number,
        case_type=closed.case_type,
        channel=closed.channel,
        team_id=closed.team_id,
        assignee_id=closed.assignee_id,
        follow_up_of=closed.id,
        requester_email=closed.requester_email,
        requester_name=closed.requester_name,
    )
