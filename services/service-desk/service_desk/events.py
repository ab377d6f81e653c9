"""Events of the service desk.

Published (payloads in crm.servicedesk.v1.events):
- crm.servicedesk.case.created / status_changed / closed / reopened — CaseEvent (the case after
  the change; a close or reopen also publishes status_changed first);
- crm.servicedesk.case.sla_warning / sla_breached — CaseSlaEvent, once per case, clock and level;
- crm.servicedesk.case.survey_answered — CaseSurveyAnswered, once per satisfaction link;
- crm.servicedesk.contract.created / submitted / cancelled / activated / rejected / withdrawn /
  renewal_notice_sent / renewed / expired — ContractEvent (a renewal, automatic or by an accepted
  renewal quotation, publishes renewed for the old contract and activated for its successor);
  crm.servicedesk.contract.renewal_due — ContractRenewalDue (one per contract and billing period).
Consumed (durable "service-desk"): crm.approvals.request.approved / rejected / withdrawn of
subject type "service_contract" (application/contract_approvals.py); crm.sales.quotation.accepted
of a renewal quotation (application/renewal_quotations.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chassis.events import Handler

if TYPE_CHECKING:
    from service_desk.application.context import ServiceDeskContext

DURABLE = "service-desk"

CASE_CREATED = "crm.servicedesk.case.created"
CASE_STATUS_CHANGED = "crm.servicedesk.case.status_changed"
CASE_CLOSED = "crm.servicedesk.case.closed"
CASE_REOPENED = "crm.servicedesk.case.reopened"
CASE_SLA_WARNING = "crm.servicedesk.case.sla_warning"
CASE_SLA_BREACHED = "crm.servicedesk.case.sla_breached"
# CaseSurveyAnswered: the customer's answer to a satisfaction link (reporting).
CASE_SURVEY_ANSWERED = "crm.servicedesk.case.survey_answered"
CONTRACT_CREATED = "crm.servicedesk.contract.created"
CONTRACT_SUBMITTED = "crm.servicedesk.contract.submitted"
CONTRACT_ACTIVATED = "crm.servicedesk.contract.activated"
CONTRACT_RENEWAL_DUE = "crm.servicedesk.contract.renewal_due"
CONTRACT_REJECTED = "crm.servicedesk.contract.rejected"
CONTRACT_RENEWAL_NOTICE_SENT = "crm.servicedesk.contract.renewal_notice_sent"
CONTRACT_CANCELLED = "crm.servicedesk.contract.cancelled"
# ContractEvent of the old contract when the renewal pass rolls it over (renewed_by = successor).
CONTRACT_RENEWED = "crm.servicedesk.contract.renewed"
# ContractEvent: the approval request of a submitted contract was withdrawn in the approval
# center; the contract is a draft again (not a rejection: nobody decided against it).
CONTRACT_WITHDRAWN = "crm.servicedesk.contract.withdrawn"
# ContractEvent, once: an approved contract without auto-renew passed its end with no successor.
CONTRACT_EXPIRED = "crm.servicedesk.contract.expired"


def handlers(ctx: ServiceDeskContext) -> list[Handler]:
    """The consumer's handlers (durable "service-desk")."""
    from service_desk.adapters.read_models import read_model_handlers
    from service_desk.application.contract_approvals import decision_handlers
    from service_desk.application.renewal_quotations import renewal_quotation_handlers

    return [
        *read_model_handlers(),
        *decision_handlers(ctx),
        *renewal_quotation_handlers(ctx),
    ]
