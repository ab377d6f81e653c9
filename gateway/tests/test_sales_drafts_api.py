"""REST over sales-docs' invoice drafts: list with filters, get, issue (the order and the
numbered invoice come back; issuing again is 409), discard (a missing reason is a problem naming
`reason`), a bad status filter is refused before the service, and every route is in the OpenAPI
document. The sales service is a small fake served over real gRPC; tests/e2e drives the real one."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent import futures
from dataclasses import dataclass, field
from typing import Any

import grpc
import pytest
from chassis.errors import FailedPrecondition, InvalidArgument, NotFound
from chassis.grpc.status import to_rpc_status
from chassis.identity import Caller
from crm.common.v1 import money_pb2
from crm.sales.v1 import resources_pb2 as res
from crm.sales.v1 import sales_service_pb2 as pb
from crm.sales.v1 import sales_service_pb2_grpc as pb_grpc
from flask.testing import FlaskClient


def _thb(amount: str) -> money_pb2.Money:
    return money_pb2.Money(currency_code="THB", amount=amount)


def _draft(draft_id: str) -> res.InvoiceDraft:
    return res.InvoiceDraft(
        id=draft_id,
        status="draft",
        customer_id="cus_1",
        source="service_contract",
        source_key="ctr_1:2027-01-01",
        contract_id="ctr_1",
        period_start="2027-01-01",
        period_end="2027-12-31",
        vat_mode="exclusive",
        lines=[res.DocumentLine(description="ค่าบริการบำรุงรักษา", quantity="1", unit_price=_thb("36000.00"))],
        totals=res.DocumentTotals(
            pre_vat_total=_thb("36000.00"), vat=_thb("2520.00"), grand_total=_thb("38520.00")
        ),
        version=1,
    )


@dataclass
class FakeDrafts(pb_grpc.SalesServiceServicer):
    """Invoice drafts in memory; issue and discard follow the real service's refusals."""

    drafts: dict[str, res.InvoiceDraft] = field(default_factory=lambda: {"ind_1": _draft("ind_1")})
    callers: list[Caller | None] = field(default_factory=list)
    requests: list[Any] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _seen(self, request: Any, context: grpc.ServicerContext) -> res.InvoiceDraft | None:
        with self.lock:
            self.callers.append(Caller.from_metadata(context.invocation_metadata()))
            self.requests.append(request)
        draft_id = getattr(request, "id", None)
        if draft_id is not None and draft_id not in self.drafts:
            context.abort_with_status(to_rpc_status(NotFound("invoice draft", draft_id)))
        return self.drafts.get(draft_id) if draft_id is not None else None

    def ListInvoiceDrafts(self, request: pb.ListInvoiceDraftsRequest, context: grpc.ServicerContext) -> Any:
        self._seen(request, context)
        found = [d for d in self.drafts.values() if not request.status or d.status == request.status]
        return pb.ListInvoiceDraftsResponse(invoice_drafts=found)

    def GetInvoiceDraft(self, request: pb.GetInvoiceDraftRequest, context: grpc.ServicerContext) -> Any:
        return pb.GetInvoiceDraftResponse(invoice_draft=self._seen(request, context))

    def IssueInvoiceDraft(self, request: pb.IssueInvoiceDraftRequest, context: grpc.ServicerContext) -> Any:
        draft = self._seen(request, context)
        assert draft is not None
        if draft.status != "draft":
            context.abort_with_status(
                to_rpc_status(FailedPrecondition(f"invoice draft {draft.id} is issued"))
            )
        draft.status, draft.invoice_number, draft.version = "issued", "INV2569-00007", 2
        invoice = res.TaxInvoice(
            id="inv_7",
            number="INV2569-00007",
            issue_date=request.issue_date,
            totals=res.InvoiceTotals(vat=_thb("2520.00"), grand_total=_thb("38520.00")),
        )
        order = res.SaleOrder(id="so_7", number="SO2569-00007", status="confirmed")
        return pb.IssueInvoiceDraftResponse(invoice_draft=draft, sale_order=order, tax_invoice=invoice)

    def DiscardInvoiceDraft(
        self, request: pb.DiscardInvoiceDraftRequest, context: grpc.ServicerContext
    ) -> Any:
        draft = self._seen(request, context)
        assert draft is not None
        if not request.reason.strip():
            context.abort_with_status(to_rpc_status(InvalidArgument("reason", "is required")))
        draft.status, draft.discard_reason, draft.version = "discarded", request.reason, 2
        return pb.DiscardInvoiceDraftResponse(invoice_draft=draft)


@pytest.fixture
def fake_drafts() -> Iterator[tuple[FakeDrafts, int]]:
    servicer = FakeDrafts()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    pb_grpc.add_SalesServiceServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield servicer, port
    finally:
        server.stop(0)


@pytest.fixture
def client(make_app: Callable[..., Any], fake_drafts: tuple[FakeDrafts, int]) -> FlaskClient:
    return make_app(sales_docs_target=f"127.0.0.1:{fake_drafts[1]}").test_client()


def test_drafts_are_listed_and_read_with_the_caller(client, as_user, fake_drafts):
    fake, _ = fake_drafts
    accountant = as_user("accountant")
    listed = client.get("/api/v1/invoice-drafts", headers=accountant, query_string={"status": "draft"})
    assert listed.status_code == 200, listed.json
    assert [d["id"] for d in listed.json["invoice_drafts"]] == ["ind_1"]
    assert listed.json["invoice_drafts"][0]["totals"]["vat"] == {"amount": "2520.00", "currency": "THB"}
    assert fake.requests[-1] == pb.ListInvoiceDraftsRequest(status="draft", page_size=50)
    assert "accountant" in fake.callers[-1].roles
    got = client.get("/api/v1/invoice-drafts/ind_1", headers=accountant)
    assert (got.status_code, got.json["source_key"], got.headers["ETag"]) == (200, "ctr_1:2027-01-01", '"1"')
    assert client.get("/api/v1/invoice-drafts/ind_missing", headers=accountant).status_code == 404


def test_a_bad_status_filter_is_refused_before_the_service(client, as_user, fake_drafts):
    fake, _ = fake_drafts
    response = client.get(
        "/api/v1/invoice-drafts", headers=as_user("accountant"), query_string={"status": "open"}
    )
    assert response.status_code in (400, 422)
    assert response.json["errors"][0]["field"] == "status"
    assert fake.requests == []


def test_issuing_gives_the_order_and_the_numbered_invoice_once(client, as_user, fake_drafts):
    fake, _ = fake_drafts
    accountant = as_user("accountant")
    body = {"issue_date": "2026-12-02", "due_date": "2027-01-01"}
    issued = client.post("/api/v1/invoice-drafts/ind_1/issue", headers=accountant, json=body)
    assert issued.status_code == 200, issued.json
    assert issued.json["tax_invoice"]["number"] == "INV2569-00007"
    assert issued.json["sale_order"]["status"] == "confirmed"
    assert issued.json["invoice_draft"]["status"] == "issued"
    assert fake.requests[-1] == pb.IssueInvoiceDraftRequest(
        id="ind_1", issue_date="2026-12-02", due_date="2027-01-01"
    )
    again = client.post("/api/v1/invoice-drafts/ind_1/issue", headers=accountant, json={})
    assert again.status_code == 409
    assert again.content_type == "application/problem+json"
    bad_date = client.post(
        "/api/v1/invoice-drafts/ind_1/issue", headers=accountant, json={"issue_date": "2/12/2026"}
    )
    assert bad_date.status_code == 422


def test_a_discard_without_a_reason_is_a_problem_naming_reason(client, as_user, fake_drafts):
    accountant = as_user("accountant")
    refused = client.post("/api/v1/invoice-drafts/ind_1/discard", headers=accountant, json={})
    assert refused.status_code in (400, 422)
    assert refused.json["errors"] == [{"field": "reason", "reason": "is required"}]
    done = client.post(
        "/api/v1/invoice-drafts/ind_1/discard", headers=accountant, json={"reason": "สัญญายกเลิก"}
    )
    assert (done.status_code, done.json["status"], done.json["discard_reason"]) == (
        200,
        "discarded",
        "สัญญายกเลิก",
    )


def test_every_invoice_draft_route_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path, method in (
        ("/api/v1/invoice-drafts", "get"),
        ("/api/v1/invoice-drafts/{draft_id}", "get"),
        ("/api/v1/invoice-drafts/{draft_id}/issue", "post"),
        ("/api/v1/invoice-drafts/{draft_id}/discard", "post"),
    ):
        assert method in paths.get(path, {}), path
