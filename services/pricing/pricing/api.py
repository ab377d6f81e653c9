"""The gRPC servicer of crm.pricing.v1.PricingService: each method parses the request, calls
one use case with the caller (bound by the chassis interceptor) and translates the result.
Domain errors become gRPC statuses in the chassis interceptor; nothing here decides a rule."""

# The method names are the RPC names of the contract (CreateProduct, ...), not Python style.
# ruff: noqa: N802

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import grpc
from chassis.identity import current_caller
from crm.pricing.v1 import pricing_service_pb2 as pb
from crm.pricing.v1 import pricing_service_pb2_grpc as pb_grpc

from pricing import messages as out
from pricing import translation as tr
from pricing.adapters.paging import PageRequest
from pricing.adapters.rule_store import Stored
from pricing.application import authoring, evaluation, imports
from pricing.application.context import PricingContext
from pricing.application.queries import RuleFilter, list_rules, read_rule

SERVICE_NAME: str = pb.DESCRIPTOR.services_by_name["PricingService"].full_name

Ctx = grpc.ServicerContext


class PricingServicer(pb_grpc.PricingServiceServicer):
    def __init__(self, ctx: PricingContext) -> None:
        self.ctx = ctx

    # -- generic shapes ----------------------------------------------------------------------------

    def _create(self, kind: str, message: Any) -> Any:
        rule = tr.FROM_MESSAGE[kind](message)
        stored, _ = authoring.create_rule(self.ctx, current_caller(), kind, rule)
        return out.TO_MESSAGE[kind](stored)

    def _update(self, kind: str, message: Any, mask: Any, expected_version: int) -> Any:
        paths = set(mask.paths)

        def change(current: Any) -> Any:
            existing = out.TO_MESSAGE[kind](authoring_stored(current))
            sent = type(message)()
            sent.CopyFrom(message)
            sent.id = existing.id
            merged = tr.merge(existing, sent, mask)
            rule = tr.FROM_MESSAGE[kind](merged)
            if "active" not in paths and hasattr(current, "active"):
                rule = dataclasses.replace(rule, active=current.active)
            return rule

        stored, _ = authoring.change_rule(
            self.ctx, current_caller(), kind, message.id, change, expected_version=expected_version
        )
        return out.TO_MESSAGE[kind](stored)

    def _get(self, kind: str, rule_id: str) -> Any:
        return out.TO_MESSAGE[kind](read_rule(self.ctx, current_caller(), kind, rule_id))

    def _list(self, kind: str, request: Any, where: RuleFilter | None = None) -> tuple[list[Any], str]:
        page = PageRequest.parse(request.page_size, request.page_token)
        found, next_page = list_rules(self.ctx, current_caller(), kind, page, where)
        return [out.TO_MESSAGE[kind](s) for s in found], next_page.next_token

    def _deactivate(self, kind: str, rule_id: str) -> Any:
        return out.TO_MESSAGE[kind](authoring.deactivate_rule(self.ctx, current_caller(), kind, rule_id))

    # -- categories and products -------------------------------------------------------------------

    def CreateCategory(self, request: pb.CreateCategoryRequest, context: Ctx) -> pb.CreateCategoryResponse:
        return pb.CreateCategoryResponse(category=self._create("category", request.category))

    def GetCategory(self, request: pb.GetCategoryRequest, context: Ctx) -> pb.GetCategoryResponse:
        return pb.GetCategoryResponse(category=self._get("category", request.id))

    def ListCategories(self, request: pb.ListCategoriesRequest, context: Ctx) -> pb.ListCategoriesResponse:
        found, token = self._list("category", request)
        return pb.ListCategoriesResponse(categories=found, next_page_token=token)

    def UpdateCategory(self, request: pb.UpdateCategoryRequest, context: Ctx) -> pb.UpdateCategoryResponse:
        updated = self._update("category", request.category, request.update_mask, request.expected_version)
        return pb.UpdateCategoryResponse(category=updated)

    def CreateProduct(self, request: pb.CreateProductRequest, context: Ctx) -> pb.CreateProductResponse:
        return pb.CreateProductResponse(product=self._create("product", request.product))

    def GetProduct(self, request: pb.GetProductRequest, context: Ctx) -> pb.GetProductResponse:
        return pb.GetProductResponse(product=self._get("product", request.id))

    def ListProducts(self, request: pb.ListProductsRequest, context: Ctx) -> pb.ListProductsResponse:
        where = RuleFilter(
            query=request.query, category_id=request.category_id, include_inactive=request.include_inactive
        )
        found, token = self._list("product", request, where)
        return pb.ListProductsResponse(products=found, next_page_token=token)

    def UpdateProduct(self, request: pb.UpdateProductRequest, context: Ctx) -> pb.UpdateProductResponse:
        updated = self._update("product", request.product, request.update_mask, request.expected_version)
        return pb.UpdateProductResponse(product=updated)

    def DeactivateProduct(
        self, request: pb.DeactivateProductRequest, context: Ctx
    ) -> pb.DeactivateProductResponse:
        return pb.DeactivateProductResponse(product=self._deactivate("product", request.id))

    def ImportProducts(
        self, request: pb.ImportProductsRequest, context: Ctx
    ) -> Iterator[pb.ImportProductsResponse]:
        progress = imports.import_products(
            self.ctx,
            current_caller(),
            request.content,
            batch_size=request.batch_size,
            validate_only=request.validate_only,
        )
        for step in progress:
            yield pb.ImportProductsResponse(
                total_rows=step.total_rows,
                processed_rows=step.processed_rows,
                imported_rows=step.imported_rows,
                skipped_rows=step.skipped_rows,
                done=step.done,
                errors=[pb.ImportRowError(row=e.row, field=e.field, reason=e.reason) for e in step.errors],
            )

    # -- standard prices ---------------------------------------------------------------------------

    def CreateStandardPrice(
        self, request: pb.CreateStandardPriceRequest, context: Ctx
    ) -> pb.CreateStandardPriceResponse:
        return pb.CreateStandardPriceResponse(
            standard_price=self._create("standard_price", request.standard_price)
        )

    def ListStandardPrices(
        self, request: pb.ListStandardPricesRequest, context: Ctx
    ) -> pb.ListStandardPricesResponse:
        found, token = self._list("standard_price", request, RuleFilter(product_id=request.product_id))
        return pb.ListStandardPricesResponse(standard_prices=found, next_page_token=token)

    def DeleteStandardPrice(
        self, request: pb.DeleteStandardPriceRequest, context: Ctx
    ) -> pb.DeleteStandardPriceResponse:
        authoring.delete_rule(self.ctx, current_caller(), "standard_price", request.id)
        return pb.DeleteStandardPriceResponse()

    # -- price lists -------------------------------------------------------------------------------

    def CreatePriceList(self, request: pb.CreatePriceListRequest, context: Ctx) -> pb.CreatePriceListResponse:
        return pb.CreatePriceListResponse(price_list=self._create("price_list", request.price_list))

    def GetPriceList(self, request: pb.GetPriceListRequest, context: Ctx) -> pb.GetPriceListResponse:
        return pb.GetPriceListResponse(price_list=self._get("price_list", request.id))

    def ListPriceLists(self, request: pb.ListPriceListsRequest, context: Ctx) -> pb.ListPriceListsResponse:
        found, token = self._list("price_list", request)
        return pb.ListPriceListsResponse(price_lists=found, next_page_token=token)

    def UpdatePriceList(self, request: pb.UpdatePriceListRequest, context: Ctx) -> pb.UpdatePriceListResponse:
        updated = self._update(
            "price_list", request.price_list, request.update_mask, request.expected_version
        )
        return pb.UpdatePriceListResponse(price_list=updated)

    def CreatePriceListItem(
        self, request: pb.CreatePriceListItemRequest, context: Ctx
    ) -> pb.CreatePriceListItemResponse:
        return pb.CreatePriceListItemResponse(item=self._create("price_list_item", request.item))

    def UpdatePriceListItem(
        self, request: pb.UpdatePriceListItemRequest, context: Ctx
    ) -> pb.UpdatePriceListItemResponse:
        updated = self._update("price_list_item", request.item, request.update_mask, request.expected_version)
        return pb.UpdatePriceListItemResponse(item=updated)

    def DeletePriceListItem(
        self, request: pb.DeletePriceListItemRequest, context: Ctx
    ) -> pb.DeletePriceListItemResponse:
        authoring.delete_rule(self.ctx, current_caller(), "price_list_item", request.id)
        return pb.DeletePriceListItemResponse()

    def ListPriceListItems(
        self, request: pb.ListPriceListItemsRequest, context: Ctx
    ) -> pb.ListPriceListItemsResponse:
        found, token = self._list("price_list_item", request, RuleFilter(price_list_id=request.price_list_id))
        return pb.ListPriceListItemsResponse(price_list_items=found, next_page_token=token)

    # -- promotions, coupons, gift rules -----------------------------------------------------------

    def CreatePromotion(self, request: pb.CreatePromotionRequest, context: Ctx) -> pb.CreatePromotionResponse:
        return pb.CreatePromotionResponse(promotion=self._create("promotion", request.promotion))

    def GetPromotion(self, request: pb.GetPromotionRequest, context: Ctx) -> pb.GetPromotionResponse:
        return pb.GetPromotionResponse(promotion=self._get("promotion", request.id))

    def ListPromotions(self, request: pb.ListPromotionsRequest, context: Ctx) -> pb.ListPromotionsResponse:
        found, token = self._list("promotion", request, RuleFilter(include_inactive=request.include_inactive))
        return pb.ListPromotionsResponse(promotions=found, next_page_token=token)

    def UpdatePromotion(self, request: pb.UpdatePromotionRequest, context: Ctx) -> pb.UpdatePromotionResponse:
        updated = self._update("promotion", request.promotion, request.update_mask, request.expected_version)
        return pb.UpdatePromotionResponse(promotion=updated)

    def DeactivatePromotion(
        self, request: pb.DeactivatePromotionRequest, context: Ctx
    ) -> pb.DeactivatePromotionResponse:
        return pb.DeactivatePromotionResponse(promotion=self._deactivate("promotion", request.id))

    def ValidatePromotion(
        self, request: pb.ValidatePromotionRequest, context: Ctx
    ) -> pb.ValidatePromotionResponse:
        draft = tr.promotion_from(request.promotion) if request.HasField("promotion") else None
        findings = evaluation.validate_promotion(self.ctx, current_caller(), request.promotion_id, draft)
        return pb.ValidatePromotionResponse(findings=[out.finding_message(f) for f in findings])

    def ListApplicablePromotions(
        self, request: pb.ListApplicablePromotionsRequest, context: Ctx
    ) -> pb.ListApplicablePromotionsResponse:
        parse = tr.Parse("")
        day = parse.date(request.date, "date")
        parse.done()
        found = evaluation.applicable_promotions(self.ctx, current_caller(), request.customer_id, day)
        return pb.ListApplicablePromotionsResponse(
            promotions=[out.rule_message("promotion", p) for p in found]
        )

    def CreateCoupon(self, request: pb.CreateCouponRequest, context: Ctx) -> pb.CreateCouponResponse:
        return pb.CreateCouponResponse(coupon=self._create("coupon", request.coupon))

    def ListCoupons(self, request: pb.ListCouponsRequest, context: Ctx) -> pb.ListCouponsResponse:
        found, token = self._list("coupon", request, RuleFilter(promotion_id=request.promotion_id))
        return pb.ListCouponsResponse(coupons=found, next_page_token=token)

    def CreateGiftRule(self, request: pb.CreateGiftRuleRequest, context: Ctx) -> pb.CreateGiftRuleResponse:
        return pb.CreateGiftRuleResponse(gift_rule=self._create("gift_rule", request.gift_rule))

    def ListGiftRules(self, request: pb.ListGiftRulesRequest, context: Ctx) -> pb.ListGiftRulesResponse:
        found, token = self._list("gift_rule", request, RuleFilter(include_inactive=request.include_inactive))
        return pb.ListGiftRulesResponse(gift_rules=found, next_page_token=token)

    def UpdateGiftRule(self, request: pb.UpdateGiftRuleRequest, context: Ctx) -> pb.UpdateGiftRuleResponse:
        updated = self._update("gift_rule", request.gift_rule, request.update_mask, request.expected_version)
        return pb.UpdateGiftRuleResponse(gift_rule=updated)

    def DeactivateGiftRule(
        self, request: pb.DeactivateGiftRuleRequest, context: Ctx
    ) -> pb.DeactivateGiftRuleResponse:
        return pb.DeactivateGiftRuleResponse(gift_rule=self._deactivate("gift_rule", request.id))

    # -- evaluation --------------------------------------------------------------------------------

    def Evaluate(self, request: pb.EvaluateRequest, context: Ctx) -> pb.EvaluateResponse:
        found = evaluation.evaluate(self.ctx, current_caller(), tr.evaluation_request_from(request))
        return out.evaluate_response(found, out.explain_of(request))

    def Simulate(self, request: pb.SimulateRequest, context: Ctx) -> pb.SimulateResponse:
        drafts = [_draft(i, d) for i, d in enumerate(request.drafts)]
        asked = tr.evaluation_request_from(request.evaluation, "evaluation")
        simulated, baseline = evaluation.simulate(self.ctx, current_caller(), asked, drafts)
        return out.simulate_response(simulated, baseline, out.explain_of(request.evaluation))


def _draft(index: int, draft: pb.DraftRule) -> tuple[str, Any]:
    which = draft.WhichOneof("rule")
    if which is None:
        parse = tr.Parse("")
        parse.bad(f"drafts[{index}]", "holds no rule")
        parse.done()
    kind = str(which)
    return kind, tr.FROM_MESSAGE[kind](getattr(draft, kind), f"drafts[{index}].{kind}")


def authoring_stored(rule: Any) -> Stored[Any]:
    """A rule being changed, to translate it back to its message (version is not needed)."""
    return Stored(rule, 0, 0)


def registrar(servicer: PricingServicer) -> Callable[[grpc.Server], None]:
    """The `register` callback for chassis create_server / run_service."""

    def register(server: grpc.Server) -> None:
        pb_grpc.add_PricingServiceServicer_to_server(servicer, server)

    return register
