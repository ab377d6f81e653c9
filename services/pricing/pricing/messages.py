"""Domain → protobuf (crm.pricing.v1): stored rules with their record version, evaluations and
findings. The reverse direction, with its field-named parse errors, is `pricing.translation`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crm.pricing.v1 import pricing_service_pb2 as pb
from crm.pricing.v1 import resources_pb2 as res

from pricing.adapters.rule_store import Stored
from pricing.domain.authoring import Finding
from pricing.domain.model import (
    Category,
    Coupon,
    Evaluation,
    Explanation,
    GiftRule,
    LineResult,
    PriceList,
    PriceListItem,
    PriceSourceKind,
    Product,
    Promotion,
    StandardPrice,
    VatClass,
)
from pricing.translation import day_text, enum_number, money, text


def category_message(stored: Stored[Category]) -> res.Category:
    c = stored.rule
    return res.Category(
        id=c.id,
        code=c.code,
        name_th=c.name_th,
        name_en=c.name_en,
        parent_id=c.parent_id or "",
        version=stored.version,
    )


def product_message(stored: Stored[Product]) -> res.Product:
    p = stored.rule
    return res.Product(
        id=p.id,
        sku=p.sku,
        name_th=p.name_th,
        name_en=p.name_en,
        base_unit=p.base_unit,
        category_id=p.category_id or "",
        units=[res.UnitConversion(unit=u.unit, factor=str(u.factor)) for u in p.units],
        vat_class=enum_number(res.VatClass, p.vat_class, "VAT_CLASS_"),
        cost=text(p.cost),
        active=p.active,
        version=stored.version,
    )


def standard_price_message(stored: Stored[StandardPrice]) -> res.StandardPrice:
    s = stored.rule
    return res.StandardPrice(
        id=s.id,
        product_id=s.product_id,
        unit=s.unit,
        amount=money(s.amount, s.currency),
        valid_from=day_text(s.period.valid_from),
        valid_to=day_text(s.period.valid_to),
        version=stored.version,
    )


def price_list_message(stored: Stored[PriceList]) -> res.PriceList:
    p = stored.rule
    return res.PriceList(
        id=p.id,
        name=p.name,
        currency_code=p.currency,
        priority=p.priority,
        vat_inclusive=p.vat_inclusive,
        customer_ids=sorted(p.customer_ids),
        customer_group_ids=sorted(p.group_ids),
        active=p.active,
        version=stored.version,
    )


def item_message(stored: Stored[PriceListItem]) -> res.PriceListItem:
    i = stored.rule
    return res.PriceListItem(
        id=i.id,
        price_list_id=i.price_list_id,
        kind=enum_number(res.ItemKind, i.kind, "ITEM_KIND_"),
        product_id=i.product_id or "",
        unit=i.unit or "",
        category_id=i.category_id or "",
        min_quantity=str(i.min_quantity),
        valid_from=day_text(i.period.valid_from),
        valid_to=day_text(i.period.valid_to),
        fixed_price=text(i.fixed_price),
        percent=text(i.percent),
        base=enum_number(res.ItemBase, i.base, "ITEM_BASE_"),
        base_price_list_id=i.base_price_list_id or "",
        rounding_multiple=text(i.rounding_multiple),
        rounding_offset=text(i.rounding_offset) if i.rounding_offset else "",
        surcharge=text(i.surcharge) if i.surcharge else "",
        min_margin=text(i.min_margin),
        max_margin=text(i.max_margin),
        tiers=[res.Tier(min_quantity=str(t.min_quantity), value=str(t.value)) for t in i.tiers],
        tier_mode=enum_number(res.TierMode, i.tier_mode, "TIER_MODE_"),
        version=stored.version,
    )


def promotion_message(stored: Stored[Promotion]) -> res.Promotion:
    p = stored.rule
    message = res.Promotion(
        id=p.id,
        name=p.name,
        reward=enum_number(res.RewardKind, p.reward, "REWARD_KIND_"),
        priority=p.priority,
        group=p.group or "",
        exclusive=p.exclusive,
        valid_from=day_text(p.period.valid_from),
        valid_to=day_text(p.period.valid_to),
        customer_ids=sorted(p.customer_ids),
        customer_group_ids=sorted(p.group_ids),
        product_ids=sorted(p.product_ids),
        category_ids=sorted(p.category_ids),
        min_quantity=text(p.min_quantity),
        min_amount=text(p.min_amount),
        percent=text(p.percent),
        amount=text(p.amount),
        buy_quantity=text(p.buy_quantity),
        get_quantity=text(p.get_quantity),
        min_spend=text(p.min_spend),
        cap=text(p.cap),
        coupon_required=p.coupon_required,
        active=p.active,
        version=stored.version,
    )
    if p.usage_limit_total is not None:
        message.usage_limit_total = p.usage_limit_total
    if p.usage_limit_per_customer is not None:
        message.usage_limit_per_customer = p.usage_limit_per_customer
    return message


def coupon_message(stored: Stored[Coupon]) -> res.Coupon:
    c = stored.rule
    message = res.Coupon(
        code=c.code,
        promotion_id=c.promotion_id,
        valid_from=day_text(c.period.valid_from),
        valid_to=day_text(c.period.valid_to),
        single_use=c.single_use,
        customer_id=c.customer_id or "",
        active=c.active,
        version=stored.version,
    )
    if c.limit_total is not None:
        message.limit_total = c.limit_total
    if c.limit_per_customer is not None:
        message.limit_per_customer = c.limit_per_customer
    return message


def gift_rule_message(stored: Stored[GiftRule]) -> res.GiftRule:
    g = stored.rule
    return res.GiftRule(
        id=g.id,
        name=g.name,
        gift_product_ids=list(g.gift_product_ids),
        gift_unit=g.gift_unit,
        gift_quantity=str(g.gift_quantity),
        buy_quantity=str(g.buy_quantity),
        recursive=g.recursive,
        product_ids=sorted(g.product_ids),
        category_ids=sorted(g.category_ids),
        min_order_amount=text(g.min_order_amount),
        customer_ids=sorted(g.customer_ids),
        customer_group_ids=sorted(g.group_ids),
        valid_from=day_text(g.period.valid_from),
        valid_to=day_text(g.period.valid_to),
        active=g.active,
        version=stored.version,
    )


TO_MESSAGE: dict[str, Callable[[Stored[Any]], Any]] = {
    "category": category_message,
    "product": product_message,
    "standard_price": standard_price_message,
    "price_list": price_list_message,
    "price_list_item": item_message,
    "promotion": promotion_message,
    "coupon": coupon_message,
    "gift_rule": gift_rule_message,
}


def rule_message(kind: str, rule: Any, version: int = 0) -> Any:
    """A domain rule (not stored: a draft or a book entry) as its message."""
    return TO_MESSAGE[kind](Stored(rule, 0, version))


# --- evaluation --------------------------------------------------------------------------------
#
# An evaluation is the largest message the service sends (20 lines bring about 200
# explanations). It is built as ONE nested dict handed to one constructor: upb fills the whole
# tree in C, where building each sub-message in Python and passing it to its parent would copy
# it once more per level (a Money into its line, the line into the Evaluation, the Evaluation
# into the response). Each Decimal is turned into text once.

_PRICE_SOURCE_KINDS: dict[str, int] = {
    kind.value: res.PriceSourceKind.Value("PRICE_SOURCE_KIND_" + kind.value.upper())
    for kind in PriceSourceKind
}
_VAT_CLASSES: dict[str, int] = {
    vat.value: res.VatClass.Value("VAT_CLASS_" + vat.value.upper()) for vat in VatClass
}
_TOTALS = (
    "subtotal",
    "line_discounts",
    "order_discounts",
    "net",
    "vat_base",
    "zero_rated",
    "exempt",
    "vat",
    "grand_total",
)

Fields = dict[str, Any]


def _line_fields(line: LineResult, currency: str) -> Fields:
    source = line.source
    return {
        "index": line.index,
        "product_id": line.product_id,
        "unit": line.unit,
        "quantity": str(line.quantity),
        "base_unit_price": {"amount": str(line.base_unit_price), "currency_code": currency},
        "list_unit_price": {"amount": str(line.list_unit_price), "currency_code": currency},
        "source": {
            "kind": _PRICE_SOURCE_KINDS[source.kind],
            "price_list_id": source.price_list_id or "",
            "price_list_item_id": source.item_id or "",
            "standard_price_id": source.standard_price_id or "",
        },
        "gross": {"amount": str(line.gross), "currency_code": currency},
        "discounts": [
            {
                "rule_id": d.rule_id,
                "kind": d.kind,
                "description": d.description,
                "amount": {"amount": str(d.amount), "currency_code": currency},
            }
            for d in line.discounts
        ],
        "line_discount": {"amount": str(line.line_discount), "currency_code": currency},
        "order_discount": {"amount": str(line.order_discount), "currency_code": currency},
        "line_net": {"amount": str(line.line_net), "currency_code": currency},
        "net_unit_price": str(line.net_unit_price),
        "vat_class": _VAT_CLASSES[line.vat_class],
        "vat_rate": str(line.vat_rate),
        "vat": {"amount": str(line.vat), "currency_code": currency},
    }


def _explanation_fields(e: Explanation) -> Fields:
    fields: Fields = {
        "rule_id": e.rule_id,
        "rule_kind": e.rule_kind,
        "applied": e.applied,
        "reason": e.reason.value if e.reason else "",
        "message": e.message,
    }
    if e.line_index is not None:
        fields["line_index"] = e.line_index
    return fields


def evaluation_fields(evaluation: Evaluation, explain: bool = True) -> Fields:
    """The fields of a res.Evaluation as a nested dict (the constructor's keyword form);
    without `explanations` when the caller did not ask for them (`explain` false)."""
    currency = evaluation.currency
    totals = evaluation.totals
    return {
        "lines": [_line_fields(line, currency) for line in evaluation.lines],
        "gifts": [
            {
                "gift_rule_id": g.rule_id,
                "product_id": g.product_id,
                "unit": g.unit,
                "quantity": str(g.quantity),
                "choices": list(g.choices),
            }
            for g in evaluation.gifts
        ],
        "order_discounts": [
            {
                "promotion_id": o.promotion_id,
                "description": o.description,
                "amount": {"amount": str(o.amount), "currency_code": currency},
            }
            for o in evaluation.order_discounts
        ],
        "totals": {
            name: {"amount": str(getattr(totals, name)), "currency_code": currency} for name in _TOTALS
        },
        "explanations": [_explanation_fields(e) for e in evaluation.explanations] if explain else [],
        "coupons": [
            {"code": c.code, "accepted": c.accepted, "reason": c.reason, "promotion_id": c.promotion_id or ""}
            for c in evaluation.coupons
        ],
        "currency_code": currency,
        "vat_inclusive": evaluation.vat_inclusive,
        "price_list_id": evaluation.price_list_id or "",
        "pricing_version": evaluation.pricing_version,
        "applied_promotion_ids": list(evaluation.applied_promotion_ids),
    }


def evaluation_message(evaluation: Evaluation) -> res.Evaluation:
    return res.Evaluation(**evaluation_fields(evaluation))


def explain_of(request: pb.EvaluateRequest) -> bool:
    """EvaluateRequest.explain: unset means true."""
    return request.explain if request.HasField("explain") else True


def evaluate_response(evaluation: Evaluation, explain: bool = True) -> pb.EvaluateResponse:
    """The Evaluate response, built in one constructor call (see above)."""
    fields: Fields = {"evaluation": evaluation_fields(evaluation, explain)}
    return pb.EvaluateResponse(**fields)


def simulate_response(
    simulated: Evaluation, baseline: Evaluation, explain: bool = True
) -> pb.SimulateResponse:
    fields: Fields = {
        "evaluation": evaluation_fields(simulated, explain),
        "baseline": evaluation_fields(baseline, explain),
    }
    return pb.SimulateResponse(**fields)


SEVERITIES = {
    "info": res.FINDING_SEVERITY_INFO,
    "warning": res.FINDING_SEVERITY_WARNING,
    "error": res.FINDING_SEVERITY_ERROR,
}


def finding_message(finding: Finding) -> res.Finding:
    return res.Finding(
        severity=SEVERITIES.get(finding.severity.lower(), res.FINDING_SEVERITY_UNSPECIFIED),
        code=finding.code,
        message=finding.message,
        other_rule_id=finding.other_rule_id or "",
    )
