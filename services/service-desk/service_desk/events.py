"""Events of the service desk.

Published (payloads in crm.servicedesk.v1.events):
- crm.servicedesk.case.created / status_changed / closed / reopened — CaseEvent (the case after
  the change; a close or reopen also publishes status_changed first);
- crm.servicedesk.case.sla_warning / sla_breached — CaseSlaEvent, once per case, clock and level;
- crm.servicedesk.contract.created / submitted / cancelled — ContractEvent (activated and
  renewal_due are in the contract but not published yet: they come with the approvals
  consumer and the renewal scheduler).
Consumed: nothing yet (durable "service-desk" is reserved for approvals decisions).
"""

from __future__ import annotations

from chassis.events import Handler

DURABLE = "service-desk"

CASE_CREATED = "crm.servicedesk.case.created"
CASE_STATUS_CHANGED = "crm.servicedesk.case.status_changed"
CASE_CLOSED = "crm.servicedesk.case.closed"
CASE_REOPENED = "crm.servicedesk.case.reopened"
CASE_SLA_WARNING = "crm.servicedesk.case.sla_warning"
CASE_SLA_BREACHED = "crm.servicedesk.case.sla_breached"
CONTRACT_CREATED = "crm.servicedesk.contract.created"
CONTRACT_SUBMITTED = "crm.servicedesk.contract.submitted"
CONTRACT_ACTIVATED = "crm.servicedesk.contract.activated"
CONTRACT_RENEWAL_DUE = "crm.servicedesk.contract.renewal_due"
CONTRACT_CANCELLED = "crm.servicedesk.contract.cancelled"


def handlers() -> list[Handler]:
    """The consumer's handlers (none yet, so the runtime starts no consumer)."""
    return []
