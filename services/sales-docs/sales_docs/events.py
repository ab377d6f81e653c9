"""Events of the sales-docs service: the recorder that turns what use cases emit into
crm.sales.v1 messages in the outbox, and the handlers of the events it consumes.

Published: crm.sales.opportunity.{created,stage_changed,won,lost}, crm.sales.quotation.{created,
updated,submitted,approved,rejected,revised,sent,accepted,declined,expired},
crm.sales.sale_order.{created,confirmed,cancelled}, crm.sales.deposit.received,
crm.sales.invoice.{issued,voided}, crm.sales.{credit,debit}_note.issued, crm.sales.receipt.recorded,
crm.sales.invoice_draft.{created,issued,discarded}.
Consumed (durable "sales-docs"): crm.approvals.request.{approved,rejected} (move the quotation;
stale or repeated decisions are dropped by the inbox and the status/revision check),
crm.contacts.lead.qualified (opens an opportunity) and crm.servicedesk.contract.renewal_due (an
MA-fee invoice draft or a renewal quotation, one per billing key however often it is asked).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from chassis.events import Envelope, EventTables, Handler, record_event
from crm.approvals.v1 import events_pb2 as approvals
from crm.contacts.v1 import events_pb2 as contacts
from crm.sales.v1 import events_pb2 as ev
from crm.servicedesk.v1 import events_pb2 as desk
from crm.servicedesk.v1 import resources_pb2 as desk_res
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy.orm import Session

from sales_docs import translation as tr
from sales_docs.application.context import EventRecorder, SalesContext
from sales_docs.application.invoice_drafts import draft_invoice, draft_renewal_quotation
from sales_docs.application.opportunities import OpportunityForm, open_new
from sales_docs.application.quotations import Submission, decide
from sales_docs.application.sale_orders import OrderEvent
from sales_docs.domain.adjustments import AdjustmentNote
from sales_docs.domain.deposits import Deposit
from sales_docs.domain.invoice_drafts import InvoiceDraft
from sales_docs.domain.opportunities import Opportunity
from sales_docs.domain.quotations import Quotation, override_percent
from sales_docs.domain.receipts import Receipt
from sales_docs.domain.sale_orders import SaleOrder, SaleOrderStatus
from sales_docs.domain.tax_invoices import TaxInvoice
from sales_docs.invoice_draft_translation import billing_of, invoice_draft_message

DURABLE = "sales-docs"
APPROVED = "crm.approvals.request.approved"
REJECTED = "crm.approvals.request.rejected"
LEAD_QUALIFIED = "crm.contacts.lead.qualified"
RENEWAL_DUE = "crm.servicedesk.contract.renewal_due"


def _submitted(s: Submission) -> ev.QuotationSubmitted:
    qt = s.quotation
    totals = qt.priced.totals
    discount = totals.line_discounts + totals.document_discount
    percent = (discount * 100 / totals.gross) if totals.gross else Decimal(0)
    now = Timestamp()
    now.GetCurrentTime()
    return ev.QuotationSubmitted(
        quotation_id=qt.id,
        number=qt.number,
        revision=qt.revision,
        customer_id=qt.customer_id,
        customer_name=qt.customer.name,
        customer_group_ids=list(s.pricing.customer_group_ids),
        requester_id=qt.owner_id,
        team_id=qt.team_id,
        subtotal=tr.money(totals.gross),
        discount=tr.money(discount),
        discount_percent=f"{percent:.2f}",
        grand_total=tr.money(totals.grand_total),
        lines=[
            ev.QuotationLineSummary(
                product_id=i.product_id,
                description=i.description,
                quantity=str(i.quantity),
                unit=i.unit,
                list_unit_price=tr.money(i.unit_price),
                net_unit_price=tr.money((i.net / i.quantity).quantize(Decimal("0.01"))),
                discount_percent=f"{(i.line_discount * 100 / i.gross) if i.gross else Decimal(0):.2f}",
                overridden=override_percent(i) > 0,
            )
            for i in qt.items
        ],
        link=s.link,
        version=qt.version,
        submitted_at=now,
        has_price_override=bool(qt.approval_reasons),
    )


def _redemptions(e: OrderEvent) -> list[ev.Redemption]:
    by_promotion = {promotion: code for code, promotion in e.pricing.coupons.items()}
    return [
        ev.Redemption(promotion_id=p, coupon_code=by_promotion.get(p, "")) for p in e.pricing.promotion_ids
    ]


def to_message(subject: str, payload: Any) -> tuple[Message, str, str]:
    """(payload message, aggregate type, aggregate id) of what a use case emitted."""
    match payload:
        case Opportunity():
            return (
                ev.OpportunityChanged(opportunity=tr.opportunity_message(payload)),
                "opportunity",
                payload.id,
            )
        case Submission():
            return _submitted(payload), "quotation", payload.quotation.id
        case Quotation():
            return ev.QuotationChanged(quotation=tr.quotation_message(payload)), "quotation", payload.id
        case OrderEvent(order=order) if order.status == SaleOrderStatus.CONFIRMED:
            total = tr.money(order.priced.totals.grand_total)
            message: Message = ev.SaleOrderConfirmed(
                sale_order_id=order.id,
                number=order.number,
                customer_id=order.customer_id,
                order_date=order.order_date.isoformat(),
                grand_total=total,
                redemptions=_redemptions(payload),
                quotation_id=order.quotation_id,
                version=order.version,
                pricing_version=payload.pricing.version,
            )
            return message, "sale_order", order.id
        case OrderEvent(order=order):
            message = ev.SaleOrderCancelled(
                sale_order_id=order.id,
                number=order.number,
                customer_id=order.customer_id,
                redemptions=_redemptions(payload),
                reason=order.cancel_reason,
                version=order.version,
            )
            return message, "sale_order", order.id
        case SaleOrder():
            return ev.SaleOrderChanged(sale_order=tr.sale_order_message(payload)), "sale_order", payload.id
        case InvoiceDraft():
            message = ev.InvoiceDraftChanged(invoice_draft=invoice_draft_message(payload))
            return message, "invoice_draft", payload.id
        case Deposit():
            return ev.DepositReceived(deposit=tr.deposit_message(payload)), "deposit", payload.id
        case TaxInvoice() if subject.endswith(".issued"):
            message = ev.InvoiceIssued(
                invoice_id=payload.id,
                number=payload.number,
                customer_id=payload.customer_id,
                issue_date=payload.issue_date.isoformat(),
                total=tr.money(payload.totals.grand_total),
                vat=tr.money(payload.totals.vat),
                sale_order_id=payload.sale_order_id,
                version=payload.version,
            )
            message.issue_time.GetCurrentTime()
            return message, "invoice", payload.id
        case TaxInvoice():
            return ev.TaxInvoiceChanged(tax_invoice=tr.invoice_message(payload)), "invoice", payload.id
        case AdjustmentNote():
            return ev.AdjustmentNoteIssued(note=tr.note_message(payload)), payload.kind.value, payload.id
        case Receipt():
            message = ev.ReceiptRecorded(
                receipt_id=payload.id,
                number=payload.number,
                customer_id=payload.customer_id,
                receipt_date=payload.received_on.isoformat(),
                amount=tr.money(payload.received),
                invoice_ids=[a.invoice_id for a in payload.allocations],
                withholding_tax=tr.money(payload.withholding_tax),
                version=1,
            )
            return message, "receipt", payload.id
    raise TypeError(f"no message for {type(payload).__name__} on {subject}")


def outbox_recorder(tables: EventTables) -> EventRecorder:
    def record(session: Session, subject: str, payload: Any) -> None:
        message, aggregate_type, aggregate_id = to_message(subject, payload)
        record_event(
            session,
            tables,
            subject=subject,
            message=message,
            aggregate_type=aggregate_type,
            aggregate_id=aggregate_id,
        )

    return record


def handlers(ctx: SalesContext) -> list[Handler]:
    """Each runs inside the inbox transaction it is given (a repeat is dropped by the inbox)."""

    def on_decision(session: Session, envelope: Envelope[Any]) -> None:
        msg: approvals.ApprovalRequestEvent = envelope.message
        if msg.subject_type != "quotation":
            return
        decide(ctx.within(session), ctx, msg.subject_id, msg.revision, msg.decision == "approved", msg.reason)

    def on_lead_qualified(session: Session, envelope: Envelope[Any]) -> None:
        msg: contacts.LeadQualified = envelope.message
        lead, customer = msg.lead, msg.customer
        amount = Decimal(msg.expected_amount) if msg.expected_amount else Decimal(0)
        form = OpportunityForm(
            name=(lead.company_name or customer.name or lead.id)[:200],
            customer_id=customer.id,
            lead_id=lead.id,
            expected_amount=max(amount, Decimal(0)),
        )
        owner = lead.owner_id or customer.owner_id
        open_new(ctx.within(session), ctx, form, owner, lead.team_id or customer.team_id)

    def on_renewal_due(session: Session, envelope: Envelope[Any]) -> None:
        msg: desk.ContractRenewalDue = envelope.message
        billing = billing_of(msg)
        if msg.billing.kind == desk_res.BILLING_DRAFT_KIND_RENEWAL_QUOTATION:
            draft_renewal_quotation(ctx.within(session), ctx, billing)
        else:
            draft_invoice(ctx.within(session), ctx, billing)

    return [
        Handler(RENEWAL_DUE, desk.ContractRenewalDue, on_renewal_due),
        Handler(APPROVED, approvals.ApprovalRequestEvent, on_decision),
        Handler(REJECTED, approvals.ApprovalRequestEvent, on_decision),
        Handler(LEAD_QUALIFIED, contacts.LeadQualified, on_lead_qualified),
    ]
