"""Evaluate and Simulate over real gRPC: the in-memory rule book follows every committed change,
also one made through another instance of the service on the same database (replica
freshness), and bad lines name the field."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import grpc
from crm.pricing.v1 import pricing_service_pb2 as pb
from crm.pricing.v1 import resources_pb2 as res
from pricing.testing import (
    REP,
    SALES_DOCS,
    PricingUnderTest,
    create,
    evaluate_request,
    rpc_failure,
    start_pricing,
    stop_pricing,
    thb,
)

CUSTOMER = "cus_siam_hardware"


def _catalogue(pricing: PricingUnderTest) -> tuple[res.Product, res.PriceList]:
    product = create(pricing, "product", sku="PVC-100", name_th="ท่อ PVC 4 นิ้ว", base_unit="EA", cost="60")
    create(pricing, "standard_price", product_id=product.id, unit="EA", amount=thb("100.00"))
    price_list = create(pricing, "price_list", name="Key accounts", customer_ids=[CUSTOMER])
    return product, price_list


def _evaluate(
    pricing: PricingUnderTest, *lines: tuple[str, str], caller=SALES_DOCS, **extra
) -> res.Evaluation:
    return pricing.call("Evaluate", evaluate_request(CUSTOMER, *lines, **extra), caller).evaluation


def test_evaluate_prices_from_the_standard_price_and_then_from_a_new_list_item(
    pricing: PricingUnderTest,
) -> None:
    product, price_list = _catalogue(pricing)
    before = _evaluate(pricing, (product.id, "10"))
    assert before.lines[0].list_unit_price.amount in ("100.00", "100")
    assert Decimal(before.totals.net.amount) == Decimal("1000.00")

    item = create(
        pricing,
        "price_list_item",
        price_list_id=price_list.id,
        kind=res.ITEM_KIND_FIXED,
        product_id=product.id,
        fixed_price="90.00",
    )
    after = _evaluate(pricing, (product.id, "10"), caller=REP)

    assert after.pricing_version > before.pricing_version
    assert after.price_list_id == price_list.id
    assert after.lines[0].source.price_list_item_id == item.id
    assert Decimal(after.totals.net.amount) == Decimal("900.00")
    assert Decimal(after.totals.vat.amount) == Decimal("63.00")


def test_a_change_committed_through_one_replica_is_used_by_the_next_evaluate_of_another(
    pricing: PricingUnderTest, database_url: str, tmp_path: Path
) -> None:
    product, price_list = _catalogue(pricing)
    other = start_pricing(database_url, None, tmp_path / "replica", migrate=False)
    try:
        assert Decimal(_evaluate(other, (product.id, "1")).totals.net.amount) == Decimal("100.00")

        item = create(
            pricing,
            "price_list_item",
            price_list_id=price_list.id,
            kind=res.ITEM_KIND_FIXED,
            product_id=product.id,
            fixed_price="85.00",
        )
        seen = _evaluate(other, (product.id, "1"))
        assert seen.lines[0].source.price_list_item_id == item.id
        assert Decimal(seen.totals.net.amount) == Decimal("85.00")

        pricing.call("DeletePriceListItem", pb.DeletePriceListItemRequest(id=item.id))
        assert Decimal(_evaluate(other, (product.id, "1")).totals.net.amount) == Decimal("100.00")
        assert other.service.context.books.refreshes >= 2
    finally:
        stop_pricing(other)


def test_an_unknown_product_and_a_negative_quantity_name_their_lines(pricing: PricingUnderTest) -> None:
    product, _ = _catalogue(pricing)
    code, fields = rpc_failure(lambda: _evaluate(pricing, (product.id, "1"), ("prd_nope", "1")))
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert "lines[1].product_id" in fields

    code, fields = rpc_failure(lambda: _evaluate(pricing, (product.id, "-2")))
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert "lines[0].quantity" in fields

    code, fields = rpc_failure(lambda: _evaluate(pricing, (product.id, "two")))
    assert "lines[0].quantity" in fields


def test_simulate_applies_a_draft_promotion_to_a_copy_and_stores_nothing(pricing: PricingUnderTest) -> None:
    product, _ = _catalogue(pricing)
    changes = pricing.count("pricing_changes")
    draft = res.Promotion(
        name="ลด 10%", reward=res.REWARD_KIND_PERCENT_OFF, percent="10", product_ids=[product.id]
    )

    reply = pricing.call(
        "Simulate",
        pb.SimulateRequest(
            evaluation=evaluate_request(CUSTOMER, (product.id, "2")), drafts=[pb.DraftRule(promotion=draft)]
        ),
        REP,
    )

    assert Decimal(reply.baseline.totals.net.amount) == Decimal("200.00")
    assert Decimal(reply.evaluation.totals.net.amount) == Decimal("180.00")
    assert list(reply.evaluation.applied_promotion_ids) == ["draft_1"]
    assert pricing.count("pricing_changes") == changes
    assert pricing.count("promotions") == 0


def test_a_bad_draft_names_its_place_in_the_request(pricing: PricingUnderTest) -> None:
    product, _ = _catalogue(pricing)
    draft = res.Promotion(name="bad", reward=res.REWARD_KIND_PERCENT_OFF, percent="lots")
    code, fields = rpc_failure(
        lambda: pricing.call(
            "Simulate",
            pb.SimulateRequest(
                evaluation=evaluate_request(CUSTOMER, (product.id, "1")),
                drafts=[pb.DraftRule(promotion=draft)],
            ),
            REP,
        )
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert "drafts[0].promotion.percent" in fields


def test_explain_false_leaves_out_only_the_explanations(pricing: PricingUnderTest) -> None:
    product, _ = _catalogue(pricing)
    create(
        pricing,
        "promotion",
        name="ลด 10% เมื่อซื้อ 10",
        reward=res.REWARD_KIND_PERCENT_OFF,
        percent="10",
        product_ids=[product.id],
        min_quantity="10",
    )
    create(pricing, "promotion", name="ลด 5%", reward=res.REWARD_KIND_PERCENT_OFF, percent="5")

    default = _evaluate(pricing, (product.id, "4"))
    explained = _evaluate(pricing, (product.id, "4"), explain=True)
    plain = _evaluate(pricing, (product.id, "4"), explain=False)

    assert default == explained
    reasons = {(e.applied, e.reason) for e in default.explanations}
    assert reasons == {(True, ""), (False, "min_quantity_not_met")}
    assert list(plain.explanations) == []
    without = res.Evaluation()
    without.CopyFrom(default)
    del without.explanations[:]
    assert plain == without
    assert Decimal(plain.totals.net.amount) == Decimal("380.00")
