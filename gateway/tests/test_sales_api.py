"""REST over the sales-docs gRPC service: bodies become crm.sales.v1 requests (money objects,
decimal strings), the caller goes along as metadata, an Idempotency-Key creates once, service
field errors come back as problem+json naming the field, PDFs download as application/pdf, and
every route is in the OpenAPI document. The sales service is a small fake served over real gRPC
(the collaborator at the unit boundary); tests/e2e drives the real one."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent import futures
from dataclasses import dataclass, field
from typing import Any

import grpc
import pytest
from chassis.errors import InvalidArgument, NotFound
from chassis.grpc.status import to_rpc_status
from chassis.identity import Caller
from crm.common.v1 import money_pb2
from crm.sales.v1 import resources_pb2 as res
from crm.sales.v1 import sales_service_pb2 as pb
from crm.sales.v1 import sales_service_pb2_grpc as pb_grpc
from flask.testing import FlaskClient


def _thb(amount: str) -> money_pb2.Money:
    return money_pb2.Money(currency_code="THB", amount=amount)


@dataclass
class FakeSales(pb_grpc.SalesServiceServicer):
    """Keeps quotations and sale orders in memory, records callers and requests, and refuses a
    line quantity of zero as the real service does (chassis status naming lines[i].quantity)."""

    quotations: dict[str, res.Quotation] = field(default_factory=dict)
    callers: list[Caller | None] = field(default_factory=list)
    requests: list[Any] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _seen(self, request: Any, context: grpc.ServicerContext) -> None:
        with self.lock:
            self.callers.append(Caller.from_metadata(context.invocation_metadata()))
            self.requests.append(request)

    def CreateQuotation(self, request: pb.CreateQuotationRequest, context: grpc.ServicerContext) -> Any:
        self._seen(request, context)
        for i, line in enumerate(request.lines):
            if line.quantity in ("0", "0.00"):
                context.abort_with_status(
                    to_rpc_status(InvalidArgument(f"lines[{i}].quantity", "must be more than zero"))
                )
        quotation = res.Quotation(
            id=f"qt_{uuid.uuid4().hex[:8]}",
            status="draft",
            customer_id=request.customer_id,
            lines=[
                res.DocumentLine(product_id=x.product_id, quantity=x.quantity, net=_thb("1000.00"))
                for x in request.lines
            ],
            totals=res.DocumentTotals(
                pre_vat_total=_thb("1000.00"), vat=_thb("70.00"), grand_total=_thb("1070.00")
            ),
            version=1,
        )
        self.quotations[quotation.id] = quotation
        return pb.CreateQuotationResponse(quotation=quotation)

    def GetQuotation(self, request: pb.GetQuotationRequest, context: grpc.ServicerContext) -> Any:
        self._seen(request, context)
        if request.id not in self.quotations:
            context.abort_with_status(to_rpc_status(NotFound("quotation", request.id)))
        return pb.GetQuotationResponse(quotation=self.quotations[request.id])

    def SubmitQuotation(self, request: pb.SubmitQuotationRequest, context: grpc.ServicerContext) -> Any:
        self._seen(request, context)
        quotation = self.quotations[request.id]
        quotation.status, quotation.number, quotation.version = "submitted", "QT2569-00001", 2
        return pb.SubmitQuotationResponse(quotation=quotation)

    def GetDocumentPdf(self, request: pb.GetDocumentPdfRequest, context: grpc.ServicerContext) -> Any:
        self._seen(request, context)
        return pb.GetDocumentPdfResponse(filename="QT2569-00001.pdf", content=b"%PDF-1.7 fake")

    def RecordReceipt(self, request: pb.RecordReceiptRequest, context: grpc.ServicerContext) -> Any:
        self._seen(request, context)
        return pb.RecordReceiptResponse(
            receipt=res.Receipt(
                id="rc_1",
                number="RC2569-00001",
                customer_id=request.customer_id,
                withholding_tax_rate=request.withholding_tax_rate,
                withholding_tax=_thb("15.00"),
                received=_thb("520.00"),
            )
        )

    def GetArAging(self, request: pb.GetArAgingRequest, context: grpc.ServicerContext) -> Any:
        self._seen(request, context)
        return pb.GetArAgingResponse(
            as_of=request.as_of or "2026-03-15", total=res.AgingRow(total=_thb("535.00"))
        )


@pytest.fixture
def fake_sales() -> Iterator[FakeSales]:
    servicer = FakeSales()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    pb_grpc.add_SalesServiceServicer_to_server(servicer, server)
    servicer.port = server.add_insecure_port("127.0.0.1:0")  # type: ignore[attr-defined]
    server.start()
    try:
        yield servicer
    finally:
        server.stop(0)


@pytest.fixture
def client(make_app: Callable[..., Any], fake_sales: FakeSales) -> FlaskClient:
    app = make_app(sales_docs_target=f"127.0.0.1:{fake_sales.port}")  # type: ignore[attr-defined]
    return app.test_client()


QUOTATION = {
    "customer_id": "cus_1",
    "lines": [
        {"product_id": "prd_1", "quantity": "10", "discount": {"amount": "25.00", "currency": "THB"}},
        {"description": "ค่าติดตั้ง", "quantity": "1", "unit_price": {"amount": "500.00"}},
    ],
    "vat_mode": "exclusive",
    "valid_until": "2026-04-30",
}


def test_a_quotation_is_created_once_with_money_objects_and_the_caller(client, as_user, fake_sales):
    rep = as_user("sales_rep")
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = client.post("/api/v1/quotations", headers={**rep, **key}, json=QUOTATION)
    assert first.status_code == 201, first.json
    again = client.post("/api/v1/quotations", headers={**rep, **key}, json=QUOTATION)
    assert again.json["id"] == first.json["id"]
    assert len(fake_sales.quotations) == 1
    assert first.json["totals"]["grand_total"] == {"amount": "1070.00", "currency": "THB"}
    assert first.headers["ETag"] == '"1"'
    sent = fake_sales.requests[0]
    assert sent.lines[0].discount == _thb("25.00")
    assert sent.lines[1].unit_price == _thb("500.00")
    assert (sent.valid_until, sent.vat_mode) == ("2026-04-30", "exclusive")
    assert "sales_rep" in fake_sales.callers[0].roles


def test_a_service_field_error_is_a_problem_naming_the_field(client, as_user, fake_sales):
    rep = as_user("sales_rep")
    body = {"customer_id": "cus_1", "lines": [{"product_id": "prd_1", "quantity": "0"}]}
    response = client.post("/api/v1/quotations", headers=rep, json=body)
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert response.json["errors"] == [{"field": "lines[0].quantity", "reason": "must be more than zero"}]
    assert fake_sales.quotations == {}


def test_money_as_a_json_number_is_refused_before_the_service(client, as_user, fake_sales):
    body = {"customer_id": "cus_1", "lines": [{"quantity": "1", "unit_price": {"amount": 5.5}}]}
    response = client.post("/api/v1/quotations", headers=as_user("sales_rep"), json=body)
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "lines.0.unit_price.amount"
    assert fake_sales.requests == []


def test_submit_then_download_the_pdf(client, as_user, fake_sales):
    rep = as_user("sales_rep")
    created = client.post("/api/v1/quotations", headers=rep, json=QUOTATION).json
    submitted = client.post(f"/api/v1/quotations/{created['id']}/submit", headers=rep, json={})
    assert (submitted.status_code, submitted.json["number"]) == (200, "QT2569-00001")
    pdf = client.get(f"/api/v1/quotations/{created['id']}.pdf", headers=rep)
    assert pdf.status_code == 200
    assert pdf.content_type == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert 'filename="QT2569-00001.pdf"' in pdf.headers["Content-Disposition"]
    assert fake_sales.requests[-1] == pb.GetDocumentPdfRequest(document_type="quotation", id=created["id"])
    missing = client.get("/api/v1/quotations/qt_missing", headers=rep)
    assert missing.status_code == 404


def test_a_receipt_with_withholding_tax_and_the_aging(client, as_user, fake_sales):
    accountant = as_user("accountant")
    body = {
        "customer_id": "cus_1",
        "payment": {"method": "transfer"},
        "allocations": [{"invoice_id": "inv_1", "amount": {"amount": "535.00", "currency": "THB"}}],
        "withholding_tax_rate": "3",
        "withholding_tax_certificate": "WHT-001",
    }
    response = client.post("/api/v1/receipts", headers=accountant, json=body)
    assert response.status_code == 201, response.json
    assert response.json["withholding_tax"] == {"amount": "15.00", "currency": "THB"}
    sent = fake_sales.requests[-1]
    assert (sent.allocations[0].amount, sent.payment.method) == (_thb("535.00"), "transfer")
    aging = client.get("/api/v1/reports/ar-aging", headers=accountant, query_string={"as_of": "2026-03-31"})
    assert aging.json["total"]["total"]["amount"] == "535.00"
    assert fake_sales.requests[-1].as_of == "2026-03-31"


def test_every_sales_route_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path, method in (
        ("/api/v1/opportunities", "post"),
        ("/api/v1/opportunities/{opportunity_id}/stage", "post"),
        ("/api/v1/quotations", "post"),
        ("/api/v1/quotations/{quotation_id}/submit", "post"),
        ("/api/v1/quotations/{quotation_id}/revise", "post"),
        ("/api/v1/quotations/{quotation_id}/send", "post"),
        ("/api/v1/quotations/{quotation_id}/accept", "post"),
        ("/api/v1/quotations/{quotation_id}/decline", "post"),
        ("/api/v1/quotations/{quotation_id}.pdf", "get"),
        ("/api/v1/sale-orders/{sale_order_id}/confirm", "post"),
        ("/api/v1/sale-orders/{sale_order_id}/cancel", "post"),
        ("/api/v1/deposits", "post"),
        ("/api/v1/invoices", "post"),
        ("/api/v1/invoices/{invoice_id}.pdf", "get"),
        ("/api/v1/invoices/{invoice_id}/void", "post"),
        ("/api/v1/credit-notes", "post"),
        ("/api/v1/debit-notes", "post"),
        ("/api/v1/receipts", "post"),
        ("/api/v1/receipts/{receipt_id}.pdf", "get"),
        ("/api/v1/reports/ar-aging", "get"),
    ):
        assert method in paths.get(path, {}), path
    create = paths["/api/v1/quotations"]["post"]
    assert "Idempotency-Key" in str(create["parameters"])
