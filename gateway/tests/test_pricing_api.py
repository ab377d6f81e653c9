"""REST over the pricing gRPC service: bodies become messages (decimals as strings, enum short
names, money objects), the caller goes along as metadata, service field errors read as REST
fields, evaluate/simulate pass through, the CSV import streams NDJSON. The pricing service is a
small fake served over real gRPC (the collaborator at the unit boundary); tests/e2e uses the
real one."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from concurrent import futures
from dataclasses import dataclass, field
from typing import Any

import grpc
import pytest
from chassis.errors import InvalidArgument
from chassis.grpc.status import to_rpc_status
from chassis.identity import Caller
from crm.pricing.v1 import pricing_service_pb2 as pb
from crm.pricing.v1 import pricing_service_pb2_grpc as pb_grpc
from crm.pricing.v1 import resources_pb2 as res
from flask.testing import FlaskClient
from gateway.api import pricing_models
from gateway.translate import enum_short_names


@dataclass
class FakePricing(pb_grpc.PricingServiceServicer):
    """Keeps products in memory, records each call's caller and request, and refuses SKUs
    starting with "BAD" the way the real service does (chassis status naming product.sku)."""

    products: dict[str, res.Product] = field(default_factory=dict)
    callers: list[Caller | None] = field(default_factory=list)
    requests: list[Any] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _seen(self, request: Any, context: grpc.ServicerContext) -> None:
        with self.lock:
            self.callers.append(Caller.from_metadata(context.invocation_metadata()))
            self.requests.append(request)

    def CreateProduct(self, request: pb.CreateProductRequest, context: grpc.ServicerContext) -> Any:
        self._seen(request, context)
        if request.product.sku.startswith("BAD"):
            context.abort_with_status(to_rpc_status(InvalidArgument("product.sku", "is not allowed")))
        product = res.Product()
        product.CopyFrom(request.product)
        product.id, product.version, product.active = f"prd_{len(self.products) + 1}", 1, True
        self.products[product.id] = product
        return pb.CreateProductResponse(product=product)

    def UpdateProduct(self, request: pb.UpdateProductRequest, context: grpc.ServicerContext) -> Any:
        self._seen(request, context)
        product = self.products[request.product.id]
        for path in request.update_mask.paths:
            setattr(product, path, getattr(request.product, path))
        product.version += 1
        return pb.UpdateProductResponse(product=product)

    def ListProducts(self, request: pb.ListProductsRequest, context: grpc.ServicerContext) -> Any:
        self._seen(request, context)
        return pb.ListProductsResponse(products=list(self.products.values()), next_page_token="")

    def CreatePriceListItem(
        self, request: pb.CreatePriceListItemRequest, context: grpc.ServicerContext
    ) -> Any:
        self._seen(request, context)
        item = res.PriceListItem()
        item.CopyFrom(request.item)
        item.id, item.version = "pli_1", 1
        return pb.CreatePriceListItemResponse(item=item)

    def ListApplicablePromotions(self, request: Any, context: grpc.ServicerContext) -> Any:
        self._seen(request, context)
        return pb.ListApplicablePromotionsResponse(
            promotions=[res.Promotion(id="promo_1", reward=res.REWARD_KIND_PERCENT_OFF, percent="10")]
        )

    def Evaluate(self, request: pb.EvaluateRequest, context: grpc.ServicerContext) -> Any:
        self._seen(request, context)
        money = {"currency_code": "THB", "amount": "90.00"}
        return pb.EvaluateResponse(
            evaluation=res.Evaluation(
                lines=[res.LineResult(index=0, product_id=request.lines[0].product_id, line_net=money)],
                totals=res.Totals(net=money, grand_total={"currency_code": "THB", "amount": "96.30"}),
                explanations=[
                    res.Explanation(rule_id="promo_1", rule_kind="promotion", reason="usage_limit_reached")
                ],
                currency_code="THB",
                pricing_version=7,
            )
        )

    def Simulate(self, request: pb.SimulateRequest, context: grpc.ServicerContext) -> Any:
        self._seen(request, context)
        return pb.SimulateResponse(evaluation=res.Evaluation(pricing_version=7), baseline=res.Evaluation())

    def ImportProducts(
        self, request: pb.ImportProductsRequest, context: grpc.ServicerContext
    ) -> Iterator[Any]:
        self._seen(request, context)
        rows = request.content.strip().splitlines()[1:]
        yield pb.ImportProductsResponse(
            total_rows=len(rows), processed_rows=len(rows), imported_rows=len(rows)
        )
        yield pb.ImportProductsResponse(
            total_rows=len(rows), processed_rows=len(rows), imported_rows=len(rows), done=True
        )


@pytest.fixture
def fake_pricing() -> Iterator[FakePricing]:
    servicer = FakePricing()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    pb_grpc.add_PricingServiceServicer_to_server(servicer, server)
    servicer.port = server.add_insecure_port("127.0.0.1:0")  # type: ignore[attr-defined]
    server.start()
    try:
        yield servicer
    finally:
        server.stop(0)


@pytest.fixture
def client(make_app: Callable[..., Any], fake_pricing: FakePricing) -> FlaskClient:
    app = make_app(pricing_target=f"127.0.0.1:{fake_pricing.port}")  # type: ignore[attr-defined]
    return app.test_client()


PRODUCT = {
    "sku": "PVC-100",
    "name_th": "ท่อ PVC 4 นิ้ว",
    "base_unit": "EA",
    "vat_class": "zero_rated",
    "cost": "80.50",
    "units": [{"unit": "BOX", "factor": "12"}],
}


def test_create_product_sends_the_message_and_the_caller(client, as_user, fake_pricing):
    marketing = as_user("marketing")
    response = client.post("/api/v1/products", headers=marketing, json=PRODUCT)
    assert response.status_code == 201, response.json
    assert response.json["vat_class"] == "zero_rated"
    assert response.json["units"] == [{"unit": "BOX", "factor": "12"}]
    assert response.headers["ETag"] == '"1"'
    sent = fake_pricing.requests[-1]
    assert (sent.product.cost, sent.product.vat_class) == ("80.50", res.VAT_CLASS_ZERO_RATED)
    assert fake_pricing.callers[-1].roles == frozenset({"marketing"})


def test_a_decimal_sent_as_a_number_or_text_is_refused_before_the_service(
    client, admin_headers, fake_pricing
):
    response = client.post("/api/v1/products", headers=admin_headers, json=dict(PRODUCT, cost="eighty"))
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "cost"
    assert fake_pricing.requests == []


def test_a_service_field_error_reads_as_the_rest_field(client, admin_headers):
    response = client.post("/api/v1/products", headers=admin_headers, json=dict(PRODUCT, sku="BAD-1"))
    assert response.status_code in (400, 422)
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json["errors"]] == ["sku"]


def test_patch_product_sends_the_mask_and_the_if_match_version(client, admin_headers, fake_pricing):
    created = client.post("/api/v1/products", headers=admin_headers, json=PRODUCT).json
    response = client.patch(
        f"/api/v1/products/{created['id']}",
        headers={**admin_headers, "If-Match": '"1"'},
        json={"name_en": "PVC pipe"},
    )
    assert response.status_code == 200, response.json
    sent = fake_pricing.requests[-1]
    assert list(sent.update_mask.paths) == ["name_en"]
    assert sent.expected_version == 1
    assert response.headers["ETag"] == '"2"'


def test_an_item_is_created_on_the_list_of_the_path(client, admin_headers, fake_pricing):
    body = {
        "kind": "percent",
        "percent": "5",
        "base": "price_list",
        "base_price_list_id": "pl_retail",
        "tiers": [{"min_quantity": "10", "value": "7"}],
        "tier_mode": "graduated",
    }
    response = client.post("/api/v1/price-lists/pl_dealer/items", headers=admin_headers, json=body)
    assert response.status_code == 201, response.json
    sent = fake_pricing.requests[-1].item
    assert (sent.price_list_id, sent.kind, sent.base) == (
        "pl_dealer",
        res.ITEM_KIND_PERCENT,
        res.ITEM_BASE_PRICE_LIST,
    )
    assert sent.tier_mode == res.TIER_MODE_GRADUATED
    assert response.json["tiers"] == [{"min_quantity": "10", "value": "7"}]


def test_evaluate_passes_lines_and_returns_money_objects_and_explanations(client, as_user, fake_pricing):
    rep = as_user("sales_rep")
    body = {
        "customer_id": "cus_1",
        "document_date": "2026-03-15",
        "lines": [{"product_id": "prd_1", "quantity": "12", "unit": "BOX"}],
        "coupon_codes": ["SONGKRAN"],
    }
    response = client.post("/api/v1/pricing/evaluate", headers=rep, json=body)
    assert response.status_code == 200, response.json
    evaluation = response.json
    assert evaluation["totals"]["grand_total"] == {"amount": "96.30", "currency": "THB"}
    assert evaluation["explanations"][0]["reason"] == "usage_limit_reached"
    assert evaluation["pricing_version"] == 7
    sent = fake_pricing.requests[-1]
    assert (sent.customer_id, sent.lines[0].quantity, sent.lines[0].unit) == ("cus_1", "12", "BOX")
    assert list(sent.coupon_codes) == ["SONGKRAN"]


def test_evaluate_needs_lines_and_a_date(client, admin_headers):
    response = client.post(
        "/api/v1/pricing/evaluate",
        headers=admin_headers,
        json={"customer_id": "c", "document_date": "15/03/2026", "lines": []},
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json["errors"]} == {"document_date", "lines"}


def test_simulate_sends_draft_rules(client, admin_headers, fake_pricing):
    body = {
        "evaluation": {
            "customer_id": "c",
            "document_date": "2026-03-15",
            "lines": [{"product_id": "p", "quantity": "1"}],
        },
        "drafts": [{"promotion": {"name": "ลด 10%", "reward": "percent_off", "percent": "10"}}],
    }
    response = client.post("/api/v1/pricing/simulate", headers=admin_headers, json=body)
    assert response.status_code == 200, response.json
    assert response.json["evaluation"]["pricing_version"] == 7
    draft = fake_pricing.requests[-1].drafts[0]
    assert draft.WhichOneof("rule") == "promotion"
    assert draft.promotion.reward == res.REWARD_KIND_PERCENT_OFF


def test_applicable_promotions_of_a_customer(client, admin_headers, fake_pricing):
    response = client.get(
        "/api/v1/customers/cus_1/applicable-promotions?date=2026-03-15", headers=admin_headers
    )
    assert response.status_code == 200
    assert response.json["promotions"][0]["reward"] == "percent_off"
    assert (fake_pricing.requests[-1].customer_id, fake_pricing.requests[-1].date) == ("cus_1", "2026-03-15")


def test_product_import_streams_ndjson(client, admin_headers, fake_pricing):
    csv_text = "sku,name_th,base_unit\nA-1,เอ,EA\nA-2,บี,EA\n"
    response = client.post(
        "/api/v1/products/import",
        headers={**admin_headers, "Content-Type": "text/csv"},
        data=csv_text.encode(),
    )
    assert response.status_code == 200
    lines = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert lines[-1]["done"] is True
    assert lines[-1]["imported_rows"] == 2
    assert fake_pricing.requests[-1].content.startswith("sku,")


def test_the_openapi_document_lists_the_pricing_operations(client, admin_headers):
    paths = client.get("/api/v1/openapi.json", headers=admin_headers).json["paths"]
    for path in (
        "/api/v1/products",
        "/api/v1/price-lists/{list_id}/items",
        "/api/v1/pricing/evaluate",
        "/api/v1/pricing/simulate",
        "/api/v1/promotions/{promotion_id}/validate",
    ):
        assert path in paths, path


@pytest.mark.parametrize(
    ("literal", "enum"),
    [
        (pricing_models.VatClassName, res.VatClass),
        (pricing_models.ItemKindName, res.ItemKind),
        (pricing_models.ItemBaseName, res.ItemBase),
        (pricing_models.TierModeName, res.TierMode),
        (pricing_models.RewardKindName, res.RewardKind),
    ],
)
def test_request_enum_names_match_the_proto_enums(literal, enum):
    assert sorted(literal.__args__) == sorted(enum_short_names(enum.DESCRIPTOR))
