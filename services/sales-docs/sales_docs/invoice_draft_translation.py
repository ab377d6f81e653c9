"""Invoice drafts ↔ crm.sales.v1 messages, and service-desk's renewal request as a Billing."""

from __future__ import annotations

from chassis.errors import InvalidArgument
from crm.sales.v1 import resources_pb2 as res
from crm.servicedesk.v1 import events_pb2 as desk

from sales_docs import translation as tr
from sales_docs.domain.invoice_drafts import Billing, InvoiceDraft


def invoice_draft_message(d: InvoiceDraft) -> res.InvoiceDraft:
    lines, totals = tr.lines_and_totals(d.priced)
    return res.InvoiceDraft(
        id=d.id,
        status=d.status.value,
        customer_id=d.customer_id,
        owner_id=d.owner_id,
        team_id=d.team_id,
        source=d.source,
        source_key=d.source_key,
        contract_id=d.contract_id,
        period_start=tr.date_text(d.period_start),
        period_end=tr.date_text(d.period_end),
        vat_mode=d.vat_mode.value,
        lines=lines,
        totals=totals,
        sale_order_id=d.sale_order_id,
        sale_order_number=d.sale_order_number,
        invoice_id=d.invoice_id,
        invoice_number=d.invoice_number,
        discard_reason=d.discard_reason,
        version=d.version,
    )


def billing_of(msg: desk.ContractRenewalDue) -> Billing:
    """The period's billing; InvalidArgument naming `billing.period_start` and the like."""
    contract, billing = msg.contract, msg.billing
    start = tr.date_of(billing.period_start, "billing.period_start")
    end = tr.date_of(billing.period_end, "billing.period_end")
    if start is None or end is None:
        raise InvalidArgument(
            "billing.period_start" if start is None else "billing.period_end", "is required"
        )
    return Billing(
        key=billing.key,
        contract_id=contract.id or msg.contract_id,
        customer_id=contract.customer_id,
        period_start=start,
        period_end=end,
        amount=tr.money_of(billing.amount, "billing.amount"),
        description=msg.description,
        owner_id=contract.owner_id,
        team_id=contract.team_id,
    )
