"""MA-fee billing asked for by service-desk (crm.servicedesk.contract.renewal_due): an invoice
draft per period, or a renewal quotation when the contract does not renew by itself, exactly
one document per billing key; and the accountants' use cases on drafts: list, get, issue (a
confirmed sale order and its tax invoice, one transaction), discard.

The customer is asked of contacts as the platform (`system`): the event has no user, and an
accountant issuing a draft may not own the customer record (sales-docs checked their right to
the draft). The call is made before the issuing transaction opens, so no lock waits on it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from chassis.errors import InvalidArgument
from chassis.identity import Caller

from sales_docs.adapters import tables as t
from sales_docs.adapters.drafted_billings import drafted, record_drafted
from sales_docs.adapters.peers import SYSTEM, CustomerSnapshot, as_caller
from sales_docs.application import quotations as qa
from sales_docs.application.context import SalesContext, UnitOfWork, load, require_finance, visible
from sales_docs.application.invoicing import InvoiceForm, invoice_order
from sales_docs.application.pricing_lines import PricingRecord
from sales_docs.application.sale_orders import CREATED as ORDER_CREATED
from sales_docs.application.sale_orders import columns as order_columns
from sales_docs.application.sale_orders import confirm_within
from sales_docs.domain import invoice_drafts as di
from sales_docs.domain import quotations as q
from sales_docs.domain import sale_orders as so
from sales_docs.domain.invoice_drafts import Billing, DraftStatus, InvoiceDraft
from sales_docs.domain.quotations import Quotation
from sales_docs.domain.sale_orders import SaleOrder
from sales_docs.domain.tax_invoices import TaxInvoice


def subject(event: str) -> str:
    return f"crm.sales.invoice_draft.{event}"


def columns(draft: InvoiceDraft) -> dict[str, Any]:
    return {
        "customer_id": draft.customer_id,
        "owner_id": draft.owner_id,
        "team_id": draft.team_id,
        "status": draft.status.value,
        "source": draft.source,
        "source_key": draft.source_key,
        "contract_id": draft.contract_id,
        "period_start": draft.period_start,
        "sale_order_id": draft.sale_order_id,
        "invoice_id": draft.invoice_id,
    }


def customer_as_platform(ctx: SalesContext, customer_id: str) -> CustomerSnapshot:
    with as_caller(SYSTEM):
        return ctx.peers.customer(customer_id)


# --- drafting, from the event -----------------------------------------------------------------


def draft_invoice(uow: UnitOfWork, ctx: SalesContext, billing: Billing) -> InvoiceDraft | None:
    """The period's invoice draft, or None when the billing key was drafted before."""
    di.check_billing(billing)
    if drafted(uow.session, billing.key.strip()) is not None:
        return None
    draft = di.new_invoice_draft(ctx.ids("ind"), billing)
    uow.invoice_drafts.add(draft, ctx.clock(), **columns(draft))
    record_drafted(uow.session, draft.source_key, "invoice_draft", draft.id, ctx.clock())
    uow.emit(subject("created"), draft)
    return draft


def draft_renewal_quotation(uow: UnitOfWork, ctx: SalesContext, billing: Billing) -> Quotation | None:
    """A draft quotation for the next term with the MA-fee line (priced by hand, not by
    pricing), owned by the contract's owner; None when the billing key was drafted before."""
    di.check_billing(billing)
    if drafted(uow.session, billing.key.strip()) is not None:
        return None
    snapshot = customer_as_platform(ctx, billing.customer_id.strip())
    today = ctx.today()
    quotation = q.new_quotation(
        ctx.ids("qt"),
        snapshot.party,
        billing.customer_id.strip(),
        billing.owner_id or snapshot.owner_id,
        today,
        di.renewal_validity(today, billing.period_start, ctx.policy.quotation_validity_days),
        [di.renewal_line(billing)],
        team_id=billing.team_id or snapshot.team_id,
        notes=f"Renewal of maintenance contract {billing.contract_id} "
        f"({billing.period_start.isoformat()} – {billing.period_end.isoformat()})",
        source_key=billing.key.strip(),
    )
    uow.quotations.add(quotation, ctx.clock(), **qa.columns(quotation, PricingRecord()))
    record_drafted(uow.session, billing.key.strip(), "quotation", quotation.id, ctx.clock())
    uow.emit(qa.subject("created"), quotation)
    return quotation


# --- the accountants' use cases -------------------------------------------------------------


def issue_draft(
    ctx: SalesContext,
    caller: Caller,
    draft_id: str,
    issue_date: dt.date | None = None,
    due_date: dt.date | None = None,
) -> tuple[InvoiceDraft, SaleOrder, TaxInvoice]:
    """In one transaction: a confirmed sale order of the draft's lines (SO number), its full tax
    invoice (the next INV number) and the draft marked issued with both. A draft already issued
    or discarded is FAILED_PRECONDITION and takes no number."""
    require_finance(caller, "issue an invoice draft")
    with ctx.reading() as uow:
        draft = load(uow.invoice_drafts, caller, draft_id, "invoice draft", finance=True)[0]
    di.check_issuable(draft)
    snapshot = customer_as_platform(ctx, draft.customer_id)
    day = issue_date or ctx.today()
    with ctx.transaction() as uow:
        draft = load(uow.invoice_drafts, caller, draft_id, "invoice draft", lock=True, finance=True)[0]
        di.check_issuable(draft)
        owner, team = draft.owner_id or caller.user_id, draft.team_id
        order = so.new_sale_order(
            ctx.ids("so"),
            snapshot.party,
            draft.customer_id,
            owner,
            day,
            draft.items,
            vat_mode=draft.vat_mode,
            vat_rate=draft.vat_rate,
            customer_reference=draft.contract_id,
            team_id=team,
        )
        uow.sale_orders.add(order, ctx.clock(), **order_columns(order, PricingRecord()))
        uow.emit(ORDER_CREATED, order)
        order = confirm_within(ctx, uow, order, PricingRecord())
        form = InvoiceForm(sale_order_id=order.id, issue_date=day, due_date=due_date)
        invoice = invoice_order(ctx, uow, order, owner, team, form)
        done = di.issued(draft, order.id, order.number, invoice.id, invoice.number)
        uow.invoice_drafts.update(done, ctx.clock(), **columns(done))
        uow.emit(subject("issued"), done)
        found = uow.sale_orders.get(order.id)
        assert found is not None  # written above, in this transaction
        return done, found[0], invoice


def discard_draft(ctx: SalesContext, caller: Caller, draft_id: str, reason: str) -> InvoiceDraft:
    require_finance(caller, "discard an invoice draft")
    if not reason.strip():
        raise InvalidArgument("reason", "is required when an invoice draft is discarded")
    with ctx.transaction() as uow:
        draft = load(uow.invoice_drafts, caller, draft_id, "invoice draft", lock=True, finance=True)[0]
        done = di.discarded(draft, reason)
        uow.invoice_drafts.update(done, ctx.clock(), **columns(done))
        uow.emit(subject("discarded"), done)
        return done


def get_draft(ctx: SalesContext, caller: Caller, draft_id: str) -> InvoiceDraft:
    with ctx.reading() as uow:
        found: InvoiceDraft = load(uow.invoice_drafts, caller, draft_id, "invoice draft", finance=True)[0]
        return found


def list_drafts(
    ctx: SalesContext, caller: Caller, customer_id: str, status: str, size: int, token: str
) -> tuple[list[InvoiceDraft], str]:
    table = t.invoice_drafts
    where = visible(caller, table, finance=True)
    if customer_id.strip():
        where.append(table.c.customer_id == customer_id.strip())
    if status:
        if status not in {s.value for s in DraftStatus}:
            raise InvalidArgument("status", "must be draft, issued or discarded")
        where.append(table.c.status == status)
    with ctx.reading() as uow:
        rows, next_token = uow.invoice_drafts.find(where, size, token)
    return [x for x, _ in rows], next_token
