"""/api/v1 pricing resources over crm.pricing.v1.PricingService: products (and their CSV
import), categories, standard prices, price lists and their items, promotions (validate,
deactivate, applicable to a customer), coupons, gift rules, and POST /pricing/evaluate and
/pricing/simulate. Marketing and admins author; sales roles read and evaluate (the service
decides)."""

from __future__ import annotations

from typing import Any

from crm.pricing.v1 import pricing_service_pb2 as pb
from crm.pricing.v1 import resources_pb2 as res
from flask import Response, stream_with_context
from pydantic import BaseModel

from gateway.api import pricing_models as m
from gateway.api.calls import changes, fields, update_mask, version_etag
from gateway.api.imports import NDJSON, _lines, _upload
from gateway.api.models import ImportQuery
from gateway.context import services
from gateway.routing import ApiBlueprint, expected_version, json_response, no_content
from gateway.translate import from_json

api = ApiBlueprint("pricing", __name__, tag="pricing")


def pricing() -> Any:
    """The crm.pricing.v1.PricingService stub of this app."""
    return services().pricing


def _patch(
    method: str, field: str, message_type: Any, rule_id: str, body: BaseModel, **extra: Any
) -> Response:
    message = from_json(changes(body), message_type)
    message.id = rule_id
    for name, value in extra.items():
        setattr(message, name, value)
    request = getattr(pb, f"{method}Request")(
        **{field: message},
        update_mask=update_mask(body),
        expected_version=expected_version(getattr(body, "expected_version", None)) or 0,
    )
    reply = getattr(getattr(pricing(), method)(request), field)
    return json_response(reply, headers=version_etag(reply))


def _created(reply: Any) -> Response:
    return json_response(reply, 201, headers=version_etag(reply))


# --- categories ----------------------------------------------------------------------------------


@api.route(
    "GET", "/categories", summary="List categories", query=m.PageQuery, response=pb.ListCategoriesResponse
)
def list_categories(query: m.PageQuery) -> Response:
    request = pb.ListCategoriesRequest(page_size=query.page_size, page_token=query.page_token)
    return json_response(pricing().ListCategories(request))


@api.route(
    "POST",
    "/categories",
    summary="Create a category",
    body=m.CategoryIn,
    response=res.Category,
    status=201,
    idempotent=True,
    body_field="category",
)
def create_category(body: m.CategoryIn) -> Response:
    category = from_json(fields(body), res.Category)
    return _created(pricing().CreateCategory(pb.CreateCategoryRequest(category=category)).category)


@api.route("GET", "/categories/<category_id>", summary="Get a category", response=res.Category)
def get_category(category_id: str) -> Response:
    reply = pricing().GetCategory(pb.GetCategoryRequest(id=category_id)).category
    return json_response(reply, headers=version_etag(reply))


@api.route(
    "PATCH",
    "/categories/<category_id>",
    summary="Change a category",
    body=m.CategoryPatch,
    response=res.Category,
    body_field="category",
    headers=("If-Match",),
)
def update_category(category_id: str, body: m.CategoryPatch) -> Response:
    return _patch("UpdateCategory", "category", res.Category, category_id, body)


# --- products ------------------------------------------------------------------------------------


@api.route(
    "GET", "/products", summary="List products", query=m.ProductQuery, response=pb.ListProductsResponse
)
def list_products(query: m.ProductQuery) -> Response:
    request = pb.ListProductsRequest(
        page_size=query.page_size,
        page_token=query.page_token,
        query=query.q,
        category_id=query.category_id,
        include_inactive=query.include_inactive,
    )
    return json_response(pricing().ListProducts(request))


@api.route(
    "POST",
    "/products",
    summary="Create a product",
    body=m.ProductIn,
    response=res.Product,
    status=201,
    idempotent=True,
    body_field="product",
)
def create_product(body: m.ProductIn) -> Response:
    product = from_json(fields(body), res.Product)
    return _created(pricing().CreateProduct(pb.CreateProductRequest(product=product)).product)


@api.route("GET", "/products/<product_id>", summary="Get a product", response=res.Product)
def get_product(product_id: str) -> Response:
    reply = pricing().GetProduct(pb.GetProductRequest(id=product_id)).product
    return json_response(reply, headers=version_etag(reply))


@api.route(
    "PATCH",
    "/products/<product_id>",
    summary="Change a product",
    body=m.ProductPatch,
    response=res.Product,
    body_field="product",
    headers=("If-Match",),
)
def update_product(product_id: str, body: m.ProductPatch) -> Response:
    return _patch("UpdateProduct", "product", res.Product, product_id, body)


@api.route("POST", "/products/<product_id>/deactivate", summary="Deactivate a product", response=res.Product)
def deactivate_product(product_id: str) -> Response:
    reply = pricing().DeactivateProduct(pb.DeactivateProductRequest(id=product_id)).product
    return json_response(reply, headers=version_etag(reply))


@api.route(
    "POST",
    "/products/import",
    summary="Import products from CSV (progress as NDJSON)",
    query=ImportQuery,
    response=pb.ImportProductsResponse,
    request_media=("text/csv", "multipart/form-data"),
    response_media=NDJSON,
)
def import_products(query: ImportQuery) -> Response:
    """Columns: sku, name_th, name_en, base_unit, category_code, vat_class, cost, units
    ("BOX=12;PACK=6"). Rows whose SKU exists are skipped, so re-sending a file imports nothing twice."""
    call = pb.ImportProductsRequest(
        content=_upload().decode("utf-8-sig", errors="replace"),
        batch_size=query.batch_size,
        validate_only=query.validate_only,
    )
    stream = pricing().ImportProducts(call, timeout=services().settings.grpc_import_timeout_seconds)
    first = next(iter(stream), None)
    return Response(
        stream_with_context(_lines(first, stream)),
        mimetype=NDJSON,
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


# --- standard prices -----------------------------------------------------------------------------


@api.route(
    "GET",
    "/standard-prices",
    summary="List standard prices",
    query=m.StandardPriceQuery,
    response=pb.ListStandardPricesResponse,
)
def list_standard_prices(query: m.StandardPriceQuery) -> Response:
    request = pb.ListStandardPricesRequest(
        page_size=query.page_size, page_token=query.page_token, product_id=query.product_id
    )
    return json_response(pricing().ListStandardPrices(request))


@api.route(
    "POST",
    "/standard-prices",
    summary="Create a standard price",
    body=m.StandardPriceIn,
    response=res.StandardPrice,
    status=201,
    idempotent=True,
    body_field="standard_price",
)
def create_standard_price(body: m.StandardPriceIn) -> Response:
    """Periods of one product and unit must not overlap."""
    price = from_json(fields(body), res.StandardPrice)
    return _created(
        pricing().CreateStandardPrice(pb.CreateStandardPriceRequest(standard_price=price)).standard_price
    )


@api.route("DELETE", "/standard-prices/<price_id>", summary="Delete a standard price", status=204)
def delete_standard_price(price_id: str) -> Response:
    pricing().DeleteStandardPrice(pb.DeleteStandardPriceRequest(id=price_id))
    return no_content()
