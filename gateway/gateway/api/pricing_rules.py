"""/api/v1 price lists and their items, promotions, coupons, gift rules, and the evaluation
endpoints, over crm.pricing.v1.PricingService (see gateway.api.pricing for the catalogue)."""

from __future__ import annotations

from crm.pricing.v1 import pricing_service_pb2 as pb
from crm.pricing.v1 import resources_pb2 as res
from flask import Response

from gateway.api import pricing_models as m
from gateway.api.calls import fields, version_etag
from gateway.api.pricing import _created, _patch, pricing
from gateway.routing import ApiBlueprint, json_response, no_content
from gateway.translate import from_json

api = ApiBlueprint("pricing_rules", __name__, tag="pricing")


# --- price lists ---------------------------------------------------------------------------------


@api.route(
    "GET", "/price-lists", summary="List price lists", query=m.PageQuery, response=pb.ListPriceListsResponse
)
def list_price_lists(query: m.PageQuery) -> Response:
    request = pb.ListPriceListsRequest(page_size=query.page_size, page_token=query.page_token)
    return json_response(pricing().ListPriceLists(request))


@api.route(
    "POST",
    "/price-lists",
    summary="Create a price list",
    body=m.PriceListIn,
    response=res.PriceList,
    status=201,
    idempotent=True,
    body_field="price_list",
)
def create_price_list(body: m.PriceListIn) -> Response:
    """Assign it with `customer_ids` and `customer_group_ids`."""
    price_list = from_json(fields(body), res.PriceList)
    return _created(pricing().CreatePriceList(pb.CreatePriceListRequest(price_list=price_list)).price_list)


@api.route("GET", "/price-lists/<list_id>", summary="Get a price list", response=res.PriceList)
def get_price_list(list_id: str) -> Response:
    reply = pricing().GetPriceList(pb.GetPriceListRequest(id=list_id)).price_list
    return json_response(reply, headers=version_etag(reply))


@api.route(
    "PATCH",
    "/price-lists/<list_id>",
    summary="Change a price list",
    body=m.PriceListPatch,
    response=res.PriceList,
    body_field="price_list",
    headers=("If-Match",),
)
def update_price_list(list_id: str, body: m.PriceListPatch) -> Response:
    return _patch("UpdatePriceList", "price_list", res.PriceList, list_id, body)


@api.route(
    "GET",
    "/price-lists/<list_id>/items",
    summary="List a price list's items",
    query=m.PageQuery,
    response=pb.ListPriceListItemsResponse,
)
def list_items(list_id: str, query: m.PageQuery) -> Response:
    request = pb.ListPriceListItemsRequest(
        price_list_id=list_id, page_size=query.page_size, page_token=query.page_token
    )
    return json_response(pricing().ListPriceListItems(request))


@api.route(
    "POST",
    "/price-lists/<list_id>/items",
    summary="Add an item to a price list",
    body=m.PriceListItemIn,
    response=res.PriceListItem,
    status=201,
    idempotent=True,
    body_field="item",
)
def create_item(list_id: str, body: m.PriceListItemIn) -> Response:
    item = from_json(fields(body), res.PriceListItem)
    item.price_list_id = list_id
    return _created(pricing().CreatePriceListItem(pb.CreatePriceListItemRequest(item=item)).item)


@api.route(
    "PATCH",
    "/price-lists/<list_id>/items/<item_id>",
    summary="Change a price-list item",
    body=m.PriceListItemPatch,
    response=res.PriceListItem,
    body_field="item",
    headers=("If-Match",),
)
def update_item(list_id: str, item_id: str, body: m.PriceListItemPatch) -> Response:
    return _patch("UpdatePriceListItem", "item", res.PriceListItem, item_id, body, price_list_id=list_id)


@api.route("DELETE", "/price-lists/<list_id>/items/<item_id>", summary="Delete a price-list item", status=204)
def delete_item(list_id: str, item_id: str) -> Response:
    pricing().DeletePriceListItem(pb.DeletePriceListItemRequest(id=item_id))
    return no_content()


# --- promotions and coupons ----------------------------------------------------------------------


@api.route(
    "GET", "/promotions", summary="List promotions", query=m.PageQuery, response=pb.ListPromotionsResponse
)
def list_promotions(query: m.PageQuery) -> Response:
    request = pb.ListPromotionsRequest(
        page_size=query.page_size, page_token=query.page_token, include_inactive=query.include_inactive
    )
    return json_response(pricing().ListPromotions(request))


@api.route(
    "POST",
    "/promotions",
    summary="Create a promotion",
    body=m.PromotionIn,
    response=res.Promotion,
    status=201,
    idempotent=True,
    body_field="promotion",
)
def create_promotion(body: m.PromotionIn) -> Response:
    promotion = from_json(fields(body), res.Promotion)
    return _created(pricing().CreatePromotion(pb.CreatePromotionRequest(promotion=promotion)).promotion)


@api.route("GET", "/promotions/<promotion_id>", summary="Get a promotion", response=res.Promotion)
def get_promotion(promotion_id: str) -> Response:
    reply = pricing().GetPromotion(pb.GetPromotionRequest(id=promotion_id)).promotion
    return json_response(reply, headers=version_etag(reply))


@api.route(
    "PATCH",
    "/promotions/<promotion_id>",
    summary="Change a promotion",
    body=m.PromotionPatch,
    response=res.Promotion,
    body_field="promotion",
    headers=("If-Match",),
)
def update_promotion(promotion_id: str, body: m.PromotionPatch) -> Response:
    return _patch("UpdatePromotion", "promotion", res.Promotion, promotion_id, body)


@api.route(
    "POST", "/promotions/<promotion_id>/deactivate", summary="Deactivate a promotion", response=res.Promotion
)
def deactivate_promotion(promotion_id: str) -> Response:
    reply = pricing().DeactivatePromotion(pb.DeactivatePromotionRequest(id=promotion_id)).promotion
    return json_response(reply, headers=version_etag(reply))


@api.route(
    "POST",
    "/promotions/<promotion_id>/validate",
    summary="Findings about a promotion",
    response=pb.ValidatePromotionResponse,
)
def validate_promotion(promotion_id: str) -> Response:
    """Overlaps, shadowing and other ambiguities against the current rules."""
    return json_response(pricing().ValidatePromotion(pb.ValidatePromotionRequest(promotion_id=promotion_id)))


@api.route(
    "GET",
    "/customers/<customer_id>/applicable-promotions",
    summary="Promotions a customer may get",
    query=m.ApplicableQuery,
    response=pb.ListApplicablePromotionsResponse,
)
def applicable_promotions(customer_id: str, query: m.ApplicableQuery) -> Response:
    request = pb.ListApplicablePromotionsRequest(customer_id=customer_id, date=query.date)
    return json_response(pricing().ListApplicablePromotions(request))


@api.route("GET", "/coupons", summary="List coupons", query=m.CouponQuery, response=pb.ListCouponsResponse)
def list_coupons(query: m.CouponQuery) -> Response:
    request = pb.ListCouponsRequest(
        page_size=query.page_size, page_token=query.page_token, promotion_id=query.promotion_id
    )
    return json_response(pricing().ListCoupons(request))


@api.route(
    "POST",
    "/coupons",
    summary="Create a coupon",
    body=m.CouponIn,
    response=res.Coupon,
    status=201,
    idempotent=True,
    body_field="coupon",
)
def create_coupon(body: m.CouponIn) -> Response:
    coupon = from_json(fields(body), res.Coupon)
    return _created(pricing().CreateCoupon(pb.CreateCouponRequest(coupon=coupon)).coupon)


# --- gift rules ----------------------------------------------------------------------------------


@api.route(
    "GET", "/gift-rules", summary="List gift rules", query=m.PageQuery, response=pb.ListGiftRulesResponse
)
def list_gift_rules(query: m.PageQuery) -> Response:
    request = pb.ListGiftRulesRequest(
        page_size=query.page_size, page_token=query.page_token, include_inactive=query.include_inactive
    )
    return json_response(pricing().ListGiftRules(request))


@api.route(
    "POST",
    "/gift-rules",
    summary="Create a gift rule",
    body=m.GiftRuleIn,
    response=res.GiftRule,
    status=201,
    idempotent=True,
    body_field="gift_rule",
)
def create_gift_rule(body: m.GiftRuleIn) -> Response:
    rule = from_json(fields(body), res.GiftRule)
    return _created(pricing().CreateGiftRule(pb.CreateGiftRuleRequest(gift_rule=rule)).gift_rule)


@api.route(
    "PATCH",
    "/gift-rules/<rule_id>",
    summary="Change a gift rule",
    body=m.GiftRulePatch,
    response=res.GiftRule,
    body_field="gift_rule",
    headers=("If-Match",),
)
def update_gift_rule(rule_id: str, body: m.GiftRulePatch) -> Response:
    return _patch("UpdateGiftRule", "gift_rule", res.GiftRule, rule_id, body)


@api.route(
    "POST", "/gift-rules/<rule_id>/deactivate", summary="Deactivate a gift rule", response=res.GiftRule
)
def deactivate_gift_rule(rule_id: str) -> Response:
    reply = pricing().DeactivateGiftRule(pb.DeactivateGiftRuleRequest(id=rule_id)).gift_rule
    return json_response(reply, headers=version_etag(reply))


# --- evaluation ----------------------------------------------------------------------------------


@api.route(
    "POST",
    "/pricing/evaluate",
    summary="Price lines for a customer, with every rule explained",
    body=m.EvaluateIn,
    response=res.Evaluation,
)
def evaluate(body: m.EvaluateIn) -> Response:
    request = from_json(fields(body), pb.EvaluateRequest)
    return json_response(pricing().Evaluate(request).evaluation)


@api.route(
    "POST",
    "/pricing/simulate",
    summary="Evaluate with draft rules (nothing is saved)",
    body=m.SimulateIn,
    response=pb.SimulateResponse,
)
def simulate(body: m.SimulateIn) -> Response:
    """`baseline` is the same request against the saved rules, for comparison."""
    request = from_json(fields(body), pb.SimulateRequest)
    return json_response(pricing().Simulate(request))
