"""MA-fee billing from service-desk over a real nats-server and real gRPC: a renewal-due event
drafts exactly one invoice per billing key (the same key under new event ids, and every event
again after the durable consumer is lost, change nothing); issuing the draft makes a numbered
tax invoice with VAT on the fee, once; a discard needs a reason; a contract without auto-renew
gets one renewal quotation."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import grpc
from chassis.events import EVENTS_STREAM
from chassis.testing import NatsServer
from chassis.testkit import (
    consumer_caught_up,
    delete_consumer,
    eventually,
    publish_event,
    read_stream,
    rpc_failure,
)
from crm.common.v1 import money_pb2
from crm.sales.v1 import events_pb2 as ev
from crm.sales.v1 import resources_pb2 as res
from crm.sales.v1 import sales_service_pb2 as pb
from crm.servicedesk.v1 import events_pb2 as desk
from crm.servicedesk.v1 import resources_pb2 as desk_res
from sales_docs.events import DURABLE, RENEWAL_DUE
from sales_docs.testing import ACCOUNTANT, OTHER_REP, REP, SalesDocsUnderTest, stop_sales_docs

Start = Callable[[NatsServer], SalesDocsUnderTest]


def _renewal_due(
    customer_id: str,
    kind: int = desk_res.BILLING_DRAFT_KIND_INVOICE,
    amount: str = "36000.00",
    contract_id: str = "",
) -> desk.ContractRenewalDue:
    contract_id = contract_id or f"ctr_{uuid.uuid4().hex[:8]}"
    return desk.ContractRenewalDue(
        contract_id=contract_id,
        version=3,
        contract=desk_res.MaintenanceContract(
            id=contract_id, customer_id=customer_id, owner_id=REP.user_id, team_id="team-bkk", auto_renew=True
        ),
        billing=desk_res.ContractBilling(
            kind=kind,  # type: ignore[arg-type]
            period_start="2027-01-01",
            period_end="2027-12-31",
            amount=money_pb2.Money(currency_code="THB", amount=amount),
            key=f"{contract_id}:2027-01-01",
        ),
        description=f"ค่าบริการบำรุงรักษา 2027-01-01 – 2027-12-31 ({contract_id})",
    )


def _drafts(sales: SalesDocsUnderTest, customer_id: str) -> list[res.InvoiceDraft]:
    request = pb.ListInvoiceDraftsRequest(customer_id=customer_id)
    return list(sales.call("ListInvoiceDrafts", request, ACCOUNTANT).invoice_drafts)


def _one_draft(sales: SalesDocsUnderTest, customer_id: str) -> res.InvoiceDraft:
    found = eventually(lambda: _drafts(sales, customer_id), what="the invoice draft")
    assert len(found) == 1
    return found[0]


def _caught_up(nats: NatsServer) -> None:
    eventually(lambda: consumer_caught_up(nats.url, EVENTS_STREAM, DURABLE), what="the sales-docs consumer")


def test_a_renewal_due_drafts_one_invoice_however_often_it_comes(
    start_with_events: Start, nats_server: NatsServer, new_customer: Callable[..., Any]
) -> None:
    sales = start_with_events(nats_server)
    customer = new_customer()
    due = _renewal_due(customer.id)
    first = publish_event(nats_server.url, RENEWAL_DUE, due)
    assert publish_event(nats_server.url, RENEWAL_DUE, due, first.event_id).duplicate
    publish_event(nats_server.url, RENEWAL_DUE, due)  # the scheduler ran twice: a new event id
    draft = _one_draft(sales, customer.id)
    _caught_up(nats_server)
    assert (draft.status, draft.source, draft.source_key) == ("draft", "service_contract", due.billing.key)
    assert (draft.contract_id, draft.period_start, draft.period_end) == (
        due.contract_id,
        "2027-01-01",
        "2027-12-31",
    )
    assert (draft.owner_id, draft.team_id, draft.vat_mode) == (REP.user_id, "team-bkk", "exclusive")
    (line,) = draft.lines
    assert (line.description, line.quantity, line.unit_price.amount) == (due.description, "1", "36000.00")
    assert (draft.totals.vat.amount, draft.totals.grand_total.amount) == ("2520.00", "38520.00")
    created = ev.InvoiceDraftChanged.FromString(
        read_stream(nats_server.url, "crm.sales.invoice_draft.created")[0].data
    )
    assert created.invoice_draft.id == draft.id

    # The durable consumer is lost: both events come again; nothing changes.
    stop_sales_docs(sales)
    delete_consumer(nats_server.url, EVENTS_STREAM, DURABLE)
    again = start_with_events(nats_server)
    _caught_up(nats_server)
    assert [d.id for d in _drafts(again, customer.id)] == [draft.id]
    assert again.count("invoice_drafts") == 1
    assert again.outbox_subjects().count("crm.sales.invoice_draft.created") == 1


def test_issuing_a_draft_makes_one_numbered_tax_invoice_with_vat_on_the_fee(
    start_with_events: Start, nats_server: NatsServer, new_customer: Callable[..., Any]
) -> None:
    sales = start_with_events(nats_server)
    customer = new_customer()
    publish_event(nats_server.url, RENEWAL_DUE, _renewal_due(customer.id))
    draft = _one_draft(sales, customer.id)

    def issue(caller: Any = ACCOUNTANT) -> pb.IssueInvoiceDraftResponse:
        request = pb.IssueInvoiceDraftRequest(id=draft.id, issue_date="2026-12-02", due_date="2027-01-01")
        reply: pb.IssueInvoiceDraftResponse = sales.call("IssueInvoiceDraft", request, caller)
        return reply

    assert rpc_failure(lambda: issue(OTHER_REP)).code == grpc.StatusCode.PERMISSION_DENIED
    reply = issue()
    invoice, order, issued = reply.tax_invoice, reply.sale_order, reply.invoice_draft
    assert invoice.number.startswith("INV")
    assert order.number.startswith("SO")
    assert (invoice.issue_date, invoice.due_date, invoice.sale_order_id) == (
        "2026-12-02",
        "2027-01-01",
        order.id,
    )
    assert (
        invoice.totals.pre_vat_total.amount,
        invoice.totals.vat.amount,
        invoice.totals.grand_total.amount,
    ) == (
        "36000.00",
        "2520.00",
        "38520.00",
    )
    assert invoice.buyer.tax_id == customer.tax_id
    assert (order.status, order.customer_id, order.owner_id) == ("confirmed", customer.id, REP.user_id)
    assert (issued.status, issued.invoice_id, issued.invoice_number, issued.sale_order_id) == (
        "issued",
        invoice.id,
        invoice.number,
        order.id,
    )
    got = sales.call("GetTaxInvoice", pb.GetTaxInvoiceRequest(id=invoice.id), ACCOUNTANT).tax_invoice
    assert got.amount_due.amount == "38520.00"

    # Issued twice: refused, and no second number is taken.
    again = rpc_failure(issue)
    assert again.code == grpc.StatusCode.FAILED_PRECONDITION
    assert (sales.count("tax_invoices"), sales.count("sale_orders")) == (1, 1)
    listed = sales.call("ListInvoiceDrafts", pb.ListInvoiceDraftsRequest(status="issued"), ACCOUNTANT)
    assert [d.id for d in listed.invoice_drafts] == [draft.id]
    issued_event = read_stream(nats_server.url, "crm.sales.invoice_draft.issued")[0]
    assert ev.InvoiceDraftChanged.FromString(issued_event.data).invoice_draft.invoice_number == invoice.number
    assert ev.InvoiceIssued.FromString(
        read_stream(nats_server.url, "crm.sales.invoice.issued")[0].data
    ).vat.amount == ("2520.00")


def test_a_discard_needs_a_reason(
    start_with_events: Start, nats_server: NatsServer, new_customer: Callable[..., Any]
) -> None:
    sales = start_with_events(nats_server)
    customer = new_customer()
    publish_event(nats_server.url, RENEWAL_DUE, _renewal_due(customer.id))
    draft = _one_draft(sales, customer.id)

    def discard(reason: str) -> Any:
        request = pb.DiscardInvoiceDraftRequest(id=draft.id, reason=reason)
        return sales.call("DiscardInvoiceDraft", request, ACCOUNTANT).invoice_draft

    refused = rpc_failure(lambda: discard(" "))
    assert (refused.code, list(refused.fields)) == (grpc.StatusCode.INVALID_ARGUMENT, ["reason"])
    assert (
        sales.call(
            "GetInvoiceDraft", pb.GetInvoiceDraftRequest(id=draft.id), ACCOUNTANT
        ).invoice_draft.version
        == 1
    )
    done = discard("สัญญายกเลิกแล้ว")
    assert (done.status, done.discard_reason, done.version) == ("discarded", "สัญญายกเลิกแล้ว", 2)
    late = rpc_failure(
        lambda: sales.call("IssueInvoiceDraft", pb.IssueInvoiceDraftRequest(id=draft.id), ACCOUNTANT)
    )
    assert late.code == grpc.StatusCode.FAILED_PRECONDITION
    assert sales.count("tax_invoices") == 0
    refused_status = rpc_failure(
        lambda: sales.call("ListInvoiceDrafts", pb.ListInvoiceDraftsRequest(status="open"), ACCOUNTANT)
    )
    assert list(refused_status.fields) == ["status"]


def test_a_contract_without_auto_renew_gets_one_renewal_quotation(
    start_with_events: Start, nats_server: NatsServer, new_customer: Callable[..., Any]
) -> None:
    sales = start_with_events(nats_server)
    customer = new_customer()
    due = _renewal_due(customer.id, desk_res.BILLING_DRAFT_KIND_RENEWAL_QUOTATION, "48500.50")
    publish_event(nats_server.url, RENEWAL_DUE, due)
    publish_event(nats_server.url, RENEWAL_DUE, due)

    def quotations() -> list[res.Quotation]:
        reply = sales.call("ListQuotations", pb.ListQuotationsRequest(customer_id=customer.id), REP)
        return list(reply.quotations)

    found = eventually(quotations, what="the renewal quotation")
    _caught_up(nats_server)
    assert len(quotations()) == 1
    assert sales.count("invoice_drafts") == 0
    quotation = found[0]
    assert (quotation.status, quotation.number, quotation.owner_id) == ("draft", "", REP.user_id)
    assert quotation.customer.tax_id == customer.tax_id
    (line,) = quotation.lines
    assert (line.product_id, line.quantity, line.unit_price.amount) == ("", "1", "48500.50")
    assert quotation.totals.grand_total.amount == "51895.54"  # 48,500.50 + 7% (3,395.035 → 3,395.04)
    assert quotation.valid_until >= "2026-12-31"  # until the term starts, or the usual validity
    assert quotation.source_key == due.billing.key  # service-desk renews the contract on acceptance
    assert sales.outbox_subjects().count("crm.sales.quotation.created") == 1
