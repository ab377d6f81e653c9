"""Authoring over real gRPC on a real database: every change is one transaction with its
change-log row and outbox event; bad input names the request field and stores nothing."""

from __future__ import annotations

import grpc
from crm.pricing.v1 import pricing_service_pb2 as pb
from crm.pricing.v1 import resources_pb2 as res
from pricing.testing import ADMIN, REP, SALES_DOCS, SERVICE_AGENT, PricingUnderTest, create, rpc_failure, thb


def _product(pricing: PricingUnderTest, sku: str = "PVC-100") -> res.Product:
    return create(pricing, "product", sku=sku, name_th="ท่อ PVC 4 นิ้ว", base_unit="EA", cost="80")


def test_created_product_is_stored_with_a_change_row_and_an_event(pricing: PricingUnderTest) -> None:
    category = create(pricing, "category", code="PIPE", name_th="ท่อ", name_en="Pipes")
    product = create(
        pricing,
        "product",
        sku="PVC-100",
        name_th="ท่อ PVC 4 นิ้ว",
        base_unit="EA",
        category_id=category.id,
        cost="80.50",
        units=[res.UnitConversion(unit="BOX", factor="12")],
    )

    assert product.id.startswith("prd_")
    assert (product.version, product.active, product.cost) == (1, True, "80.50")
    assert product.vat_class == res.VAT_CLASS_STANDARD
    got = pricing.call("GetProduct", pb.GetProductRequest(id=product.id), REP).product
    assert got == product
    assert pricing.count("pricing_changes") == 2
    assert pricing.outbox_subjects() == ["crm.pricing.category.changed", "crm.pricing.product.created"]


def test_update_with_a_mask_changes_only_the_named_fields_and_checks_the_version(
    pricing: PricingUnderTest,
) -> None:
    product = _product(pricing)
    mask = {"paths": ["name_en"]}
    changed = pricing.call(
        "UpdateProduct",
        pb.UpdateProductRequest(
            product=res.Product(id=product.id, name_en="PVC pipe 4 in", sku="ignored"),
            update_mask=mask,
            expected_version=1,
        ),
    ).product
    assert (changed.name_en, changed.sku, changed.version) == ("PVC pipe 4 in", "PVC-100", 2)

    code, _ = rpc_failure(
        lambda: pricing.call(
            "UpdateProduct",
            pb.UpdateProductRequest(
                product=res.Product(id=product.id, name_en="late"), update_mask=mask, expected_version=1
            ),
        )
    )
    assert code == grpc.StatusCode.ABORTED
    assert pricing.outbox_subjects()[-1] == "crm.pricing.product.updated"


def test_deactivate_product_publishes_an_update(pricing: PricingUnderTest) -> None:
    product = _product(pricing)
    gone = pricing.call("DeactivateProduct", pb.DeactivateProductRequest(id=product.id)).product
    assert (gone.active, gone.version) == (False, 2)
    assert pricing.call("ListProducts", pb.ListProductsRequest(), REP).products == []
    listed = pricing.call("ListProducts", pb.ListProductsRequest(include_inactive=True), REP).products
    assert [p.id for p in listed] == [product.id]


def test_only_marketing_and_admin_author_while_sales_roles_and_services_read(
    pricing: PricingUnderTest,
) -> None:
    for caller in (REP, SALES_DOCS):
        code, _ = rpc_failure(
            lambda caller=caller: create(pricing, "product", caller, sku="X", name_th="x", base_unit="EA")
        )
        assert code == grpc.StatusCode.PERMISSION_DENIED
    create(pricing, "product", ADMIN, sku="BY-ADMIN", name_th="x", base_unit="EA")
    assert len(pricing.call("ListProducts", pb.ListProductsRequest(), SALES_DOCS).products) == 1
    code, _ = rpc_failure(lambda: pricing.call("ListProducts", pb.ListProductsRequest(), SERVICE_AGENT))
    assert code == grpc.StatusCode.PERMISSION_DENIED


def test_lists_page_in_creation_order(pricing: PricingUnderTest) -> None:
    made = [_product(pricing, f"SKU-{n}").id for n in range(5)]
    first = pricing.call("ListProducts", pb.ListProductsRequest(page_size=2), REP)
    second = pricing.call(
        "ListProducts", pb.ListProductsRequest(page_size=2, page_token=first.next_page_token), REP
    )
    third = pricing.call(
        "ListProducts", pb.ListProductsRequest(page_size=2, page_token=second.next_page_token), REP
    )
    assert [p.id for p in (*first.products, *second.products, *third.products)] == made
    assert third.next_page_token == ""


def test_a_bad_decimal_names_the_field_and_stores_nothing(pricing: PricingUnderTest) -> None:
    code, fields = rpc_failure(
        lambda: create(pricing, "product", sku="BAD", name_th="x", base_unit="EA", cost="eighty")
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert "product.cost" in fields
    assert pricing.count("products") == 0
    assert pricing.outbox_subjects() == []


def test_a_duplicate_sku_is_refused(pricing: PricingUnderTest) -> None:
    _product(pricing)
    code, _ = rpc_failure(lambda: _product(pricing))
    assert code == grpc.StatusCode.ALREADY_EXISTS
    assert pricing.count("products") == 1


def test_an_overlapping_standard_price_period_is_refused_and_nothing_is_stored(
    pricing: PricingUnderTest,
) -> None:
    product = _product(pricing)
    create(
        pricing,
        "standard_price",
        product_id=product.id,
        unit="EA",
        amount=thb("100.00"),
        valid_from="2026-01-01",
        valid_to="2026-06-30",
    )
    events = len(pricing.outbox_subjects())

    code, fields = rpc_failure(
        lambda: create(
            pricing,
            "standard_price",
            product_id=product.id,
            unit="EA",
            amount=thb("95.00"),
            valid_from="2026-06-01",
            valid_to="2026-12-31",
        )
    )

    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert all(field.startswith("standard_price.") for field in fields), fields
    assert pricing.count("standard_prices") == 1
    assert len(pricing.outbox_subjects()) == events
    listed = pricing.call("ListStandardPrices", pb.ListStandardPricesRequest(product_id=product.id), REP)
    assert [p.amount.amount for p in listed.standard_prices] == ["100.00"]


def test_a_chain_of_price_lists_that_loops_is_refused(pricing: PricingUnderTest) -> None:
    product = _product(pricing)
    dealer = create(pricing, "price_list", name="Dealer")
    retail = create(pricing, "price_list", name="Retail")
    create(
        pricing,
        "price_list_item",
        price_list_id=dealer.id,
        kind=res.ITEM_KIND_PERCENT,
        product_id=product.id,
        percent="5",
        base=res.ITEM_BASE_PRICE_LIST,
        base_price_list_id=retail.id,
    )
    items_before = pricing.count("price_list_items")

    code, fields = rpc_failure(
        lambda: create(
            pricing,
            "price_list_item",
            price_list_id=retail.id,
            kind=res.ITEM_KIND_PERCENT,
            product_id=product.id,
            percent="5",
            base=res.ITEM_BASE_PRICE_LIST,
            base_price_list_id=dealer.id,
        )
    )

    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert any(field.startswith("item.") for field in fields), fields
    assert pricing.count("price_list_items") == items_before


def test_deleting_a_price_list_item_logs_the_change_and_publishes_it(pricing: PricingUnderTest) -> None:
    product = _product(pricing)
    price_list = create(pricing, "price_list", name="Dealer", customer_group_ids=["grp_dealer"])
    item = create(
        pricing,
        "price_list_item",
        price_list_id=price_list.id,
        kind=res.ITEM_KIND_FIXED,
        product_id=product.id,
        fixed_price="90.00",
    )
    pricing.call("DeletePriceListItem", pb.DeletePriceListItemRequest(id=item.id))
    assert pricing.count("price_list_items") == 0
    assert pricing.outbox_subjects()[-2:] == ["crm.pricing.price_list_item.changed"] * 2
    code, _ = rpc_failure(
        lambda: pricing.call("DeletePriceListItem", pb.DeletePriceListItemRequest(id=item.id))
    )
    assert code == grpc.StatusCode.NOT_FOUND


def test_import_streams_progress_reports_row_errors_and_skips_a_rerun(pricing: PricingUnderTest) -> None:
    create(pricing, "category", code="PIPE", name_th="ท่อ")
    csv_text = (
        "\ufeffsku,name_th,name_en,base_unit,category_code,vat_class,cost,units\n"
        "PVC-1,ท่อ 1,Pipe 1,EA,PIPE,standard,10.50,BOX=12\n"
        "PVC-2,ท่อ 2,Pipe 2,EA,NOPE,standard,11,\n"
        "PVC-3,ท่อ 3,Pipe 3,EA,,exempt,abc,\n"
        "PVC-4,ท่อ 4,Pipe 4,EA,,zero_rated,,\n"
    )
    first = pricing.stream("ImportProducts", pb.ImportProductsRequest(content=csv_text, batch_size=2))
    assert [p.processed_rows for p in first] == [2, 4, 4]
    done = first[-1]
    assert (done.done, done.total_rows, done.imported_rows) == (True, 4, 2)
    assert {(e.row, e.field) for e in done.errors} == {(2, "category_code"), (3, "cost")}

    again = pricing.stream("ImportProducts", pb.ImportProductsRequest(content=csv_text))[-1]
    assert (again.imported_rows, again.skipped_rows) == (0, 2)
    assert pricing.count("products") == 2
