"""Business metrics of sales-docs over real gRPC and a real database: counters move once a use
case (or an event handler's inbox transaction) commits and not when it rolls back; the pipeline
gauges are read from the database at scrape time and a broken database leaves /metrics alive."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import grpc
import pytest
from chassis.db import Database
from contacts.testing import rpc_failure
from crm.common.v1 import money_pb2
from crm.sales.v1 import resources_pb2 as res
from crm.sales.v1 import sales_service_pb2 as pb
from prometheus_client import REGISTRY, CollectorRegistry
from sales_docs.application.quotations import decide
from sales_docs.domain.opportunities import DEFAULT_PIPELINE
from sales_docs.metrics import SalesCollector
from sales_docs.testing import ACCOUNTANT, REP, SalesDocsUnderTest


def sample(name: str, registry: CollectorRegistry = REGISTRY, **labels: str) -> float:
    return registry.get_sample_value(name, labels) or 0.0


def thb(amount: str) -> money_pb2.Money:
    return money_pb2.Money(currency_code="THB", amount=amount)


def quotation(sales: SalesDocsUnderTest, customer_id: str, product_id: str) -> Any:
    line = res.DocumentLine(product_id=product_id, description="ท่อ PVC 4 นิ้ว", quantity="10")
    request = pb.CreateQuotationRequest(customer_id=customer_id, lines=[line])
    return sales.call("CreateQuotation", request, REP).quotation


def test_the_sales_chain_moves_the_counters_once_each(
    sales: SalesDocsUnderTest, new_customer: Callable[..., Any], new_product: Callable[..., Any]
) -> None:
    customer, product = new_customer(), new_product("100.00")
    names = [
        ("crm_sales_quotations_total", {"event": e}) for e in ("created", "submitted", "approved", "accepted")
    ] + [
        ("crm_sales_quotation_value_thb_total", {"event": "submitted"}),
        ("crm_sales_quotation_value_thb_total", {"event": "accepted"}),
        ("crm_sales_sale_orders_total", {"event": "confirmed"}),
        ("crm_sales_invoices_issued_total", {}),
        ("crm_sales_invoiced_amount_thb_total", {}),
        ("crm_sales_receipts_total", {}),
        ("crm_sales_received_amount_thb_total", {}),
        ("crm_sales_withholding_tax_thb_total", {}),
    ]
    before = {(n, tuple(labels.items())): sample(n, **labels) for n, labels in names}

    draft = quotation(sales, customer.id, product.id)
    sales.call("SubmitQuotation", pb.SubmitQuotationRequest(id=draft.id), REP)
    ctx = sales.service.context
    with ctx.transaction() as uow:  # the approval center's decision, as the consumer applies it
        assert decide(uow, ctx, draft.id, 1, True, "ok")
    sales.call("SendQuotation", pb.SendQuotationRequest(id=draft.id), REP)
    sales.call("AcceptQuotation", pb.AcceptQuotationRequest(id=draft.id), REP)
    order = sales.call("CreateSaleOrder", pb.CreateSaleOrderRequest(quotation_id=draft.id), REP).sale_order
    sales.call("ConfirmSaleOrder", pb.ConfirmSaleOrderRequest(id=order.id), REP)
    invoice = sales.call(
        "IssueTaxInvoice", pb.IssueTaxInvoiceRequest(sale_order_id=order.id), ACCOUNTANT
    ).tax_invoice
    sales.call(
        "RecordReceipt",
        pb.RecordReceiptRequest(
            customer_id=customer.id,
            payment=res.Payment(method="transfer"),
            allocations=[pb.AllocationRequest(invoice_id=invoice.id, amount=thb("1070.00"))],
            withholding_tax_rate="3",
            withholding_tax_certificate="WHT-2569-0001",
        ),
        ACCOUNTANT,
    )

    moved = {key: sample(key[0], **dict(key[1])) - value for key, value in before.items()}
    assert moved == {
        ("crm_sales_quotations_total", (("event", "created"),)): 1,
        ("crm_sales_quotations_total", (("event", "submitted"),)): 1,
        ("crm_sales_quotations_total", (("event", "approved"),)): 1,
        ("crm_sales_quotations_total", (("event", "accepted"),)): 1,
        ("crm_sales_quotation_value_thb_total", (("event", "submitted"),)): pytest.approx(1070),
        ("crm_sales_quotation_value_thb_total", (("event", "accepted"),)): pytest.approx(1070),
        ("crm_sales_sale_orders_total", (("event", "confirmed"),)): 1,
        ("crm_sales_invoices_issued_total", ()): 1,
        ("crm_sales_invoiced_amount_thb_total", ()): pytest.approx(1070),
        ("crm_sales_receipts_total", ()): 1,
        # 3% of the 1,000.00 before VAT withheld: 30.00; 1,040.00 received.
        ("crm_sales_received_amount_thb_total", ()): pytest.approx(1040),
        ("crm_sales_withholding_tax_thb_total", ()): pytest.approx(30),
    }


def test_refused_and_rolled_back_use_cases_count_nothing(
    sales: SalesDocsUnderTest, new_customer: Callable[..., Any], new_product: Callable[..., Any]
) -> None:
    customer = new_customer()
    created = sample("crm_sales_quotations_total", event="created")
    bad = pb.CreateQuotationRequest(
        customer_id=customer.id,
        lines=[res.DocumentLine(description="งานติดตั้ง", quantity="0", unit_price=thb("5"))],
    )
    code, _, _ = rpc_failure(lambda: sales.call("CreateQuotation", bad, REP))
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert sample("crm_sales_quotations_total", event="created") == created

    draft = quotation(sales, customer.id, new_product("100.00").id)
    sales.call("SubmitQuotation", pb.SubmitQuotationRequest(id=draft.id), REP)
    approved = sample("crm_sales_quotations_total", event="approved")
    ctx = sales.service.context

    def approve_then_fail() -> None:
        with ctx.transaction() as uow:
            assert decide(uow, ctx, draft.id, 1, True, "ok")  # emitted, then the transaction fails
            raise RuntimeError("rolled back")

    def handler_approves_then_fails() -> None:
        with sales.service.database.transaction() as session:
            assert decide(ctx.within(session), ctx, draft.id, 1, True, "ok")
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        approve_then_fail()
    assert sample("crm_sales_quotations_total", event="approved") == approved
    # An event handler's inbox transaction: counted when it commits, not when it rolls back.
    with pytest.raises(RuntimeError):
        handler_approves_then_fails()
    assert sample("crm_sales_quotations_total", event="approved") == approved
    rejected = sample("crm_sales_quotations_total", event="rejected")
    with sales.service.database.transaction() as session:
        assert decide(ctx.within(session), ctx, draft.id, 1, False, "too cheap")
        assert sample("crm_sales_quotations_total", event="rejected") == rejected  # not committed yet
    assert sample("crm_sales_quotations_total", event="rejected") == rejected + 1
    assert sample("crm_sales_quotations_total", event="approved") == approved


def test_opportunities_count_and_the_pipeline_is_read_at_scrape_time(
    sales: SalesDocsUnderTest, new_customer: Callable[..., Any]
) -> None:
    registry = CollectorRegistry()
    clock = [dt.datetime.now(dt.UTC)]
    registry.register(SalesCollector(sales.service.database, DEFAULT_PIPELINE, lambda: clock[0]))
    for stage in ("prospecting", "qualification", "proposal", "negotiation"):  # exported at 0
        assert registry.get_sample_value("crm_sales_pipeline_weighted_value_thb", {"stage": stage}) == 0
    created, won = (sample("crm_sales_opportunities_total", event=e) for e in ("created", "won"))

    customer = new_customer()

    def opportunity(amount: str, stage: str) -> Any:
        request = pb.CreateOpportunityRequest(
            name="ระบบบำบัดน้ำเสีย โรงงานลำพูน",
            customer_id=customer.id,
            expected_amount=thb(amount),
            stage=stage,
        )
        return sales.call("CreateOpportunity", request, REP).opportunity

    opportunity("100000.00", "proposal")
    opportunity("50000.50", "proposal")
    opportunity("20000.00", "negotiation")
    closing = opportunity("999999.00", "negotiation")
    sales.call("MoveOpportunityStage", pb.MoveOpportunityStageRequest(id=closing.id, stage="won"), REP)

    assert sample("crm_sales_opportunities_total", event="created") == created + 4
    assert sample("crm_sales_opportunities_total", event="won") == won + 1
    value = {
        stage: sample("crm_sales_pipeline_value_thb", registry, stage=stage)
        for stage in ("prospecting", "proposal", "negotiation")
    }
    assert value == {
        "prospecting": 0,
        "proposal": pytest.approx(150000.50),
        "negotiation": pytest.approx(20000),
    }
    assert sample("crm_sales_pipeline_weighted_value_thb", registry, stage="proposal") == pytest.approx(
        float(Decimal("150000.50") * Decimal("0.5"))
    )
    assert sample("crm_sales_pipeline_weighted_value_thb", registry, stage="negotiation") == pytest.approx(
        16000
    )
    assert sample("crm_sales_open_opportunities", registry, stage="proposal") == 2
    assert registry.get_sample_value("crm_sales_pipeline_value_thb", {"stage": "won"}) is None


def test_quotations_waiting_for_approval_and_how_long(
    sales: SalesDocsUnderTest, new_customer: Callable[..., Any], new_product: Callable[..., Any]
) -> None:
    registry = CollectorRegistry()
    clock = [dt.datetime.now(dt.UTC)]
    registry.register(SalesCollector(sales.service.database, DEFAULT_PIPELINE, lambda: clock[0]))
    assert sample("crm_sales_quotations_awaiting_approval", registry) == 0
    assert sample("crm_sales_quotation_approval_wait_seconds", registry) == 0
    draft = quotation(sales, new_customer().id, new_product("100.00").id)
    sales.call("SubmitQuotation", pb.SubmitQuotationRequest(id=draft.id), REP)
    clock[0] = dt.datetime.now(dt.UTC) + dt.timedelta(hours=30)
    assert sample("crm_sales_quotations_awaiting_approval", registry) == 1
    assert 30 * 3600 - 60 < sample("crm_sales_quotation_approval_wait_seconds", registry) <= 30 * 3600 + 60


def test_a_broken_database_leaves_the_gauges_empty_and_the_scrape_alive(tmp_path: Path) -> None:
    registry = CollectorRegistry()
    registry.register(
        SalesCollector(Database(f"sqlite:///{tmp_path / 'never-migrated.db'}"), DEFAULT_PIPELINE)
    )
    assert registry.get_sample_value("crm_sales_pipeline_value_thb", {"stage": "proposal"}) is None
    assert registry.get_sample_value("crm_sales_quotations_awaiting_approval") is None
