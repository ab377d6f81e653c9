"""Reviewing a promotion before it goes live: overlaps and ambiguities with the existing ones, and
what a customer could get today.

Conflicts between promotions are never an error at the moment of sale (the evaluator has a rule for
every case); they are reported to the author as findings so that a surprise is a choice:
- `same_priority` (warning): an overlapping promotion with the same priority and no shared group,
  so which one stacks first depends only on which was created first;
- `exclusive_overlap` (warning): an overlapping exclusive promotion will keep this one off its
  lines (or this exclusive one will keep the other off);
- `identical_in_group` (warning): a group sibling with the same benefit; only one can ever apply;
- `group_alternative` (info): an overlapping group sibling; the larger benefit wins;
- `coupon_without_coupons` (warning): a coupon-only promotion nobody can unlock yet;
- `ended_in_past` (warning) / `starts_in_past` (info): dates before `day_from`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pricing.domain.model import LINE_REWARDS, CustomerRef, Period, Promotion
from pricing.domain.rulebook import RuleBook, promotion_order


@dataclass(frozen=True)
class Finding:
    """One thing the author should know: `severity` "warning" or "info", a machine `code`, the
    text, and the other promotion involved (if any)."""

    severity: str
    code: str
    message: str
    other_rule_id: str | None = None


def period_text(period: Period) -> str:
    """ "2026-01-01 to 2026-06-30", "from 2026-01-01", "until 2026-06-30" or "always"."""
    start = period.valid_from.isoformat() if period.valid_from else None
    end = period.valid_to.isoformat() if period.valid_to else None
    if start and end:
        return f"{start} to {end}"
    if start:
        return f"from {start}"
    return f"until {end}" if end else "always"


def _categories_of(promotion: Promotion, book: RuleBook) -> set[str]:
    """The categories a promotion reaches upwards: its own and its products' categories with
    their ancestors."""
    reached: set[str] = set()
    for category_id in promotion.category_ids:
        reached.update(book.ancestors(category_id) or (category_id,))
    for product_id in promotion.product_ids:
        product = book.product(product_id)
        if product is not None:
            reached.update(book.ancestors(product.category_id))
    return reached


def products_overlap(a: Promotion, b: Promotion, book: RuleBook) -> bool:
    """Whether some product can be in the scope of both."""
    if not (a.product_ids or a.category_ids) or not (b.product_ids or b.category_ids):
        return True
    if not a.product_ids.isdisjoint(b.product_ids):
        return True
    # A category scope covers its descendants: b's category is reached from a's scope upwards, or
    # a's category from b's.
    return not _categories_of(a, book).isdisjoint(b.category_ids) or not _categories_of(b, book).isdisjoint(
        a.category_ids
    )


def customers_overlap(a: Promotion, b: Promotion) -> bool:
    """Whether some customer can be in the scope of both (group membership is not known here, so a
    customer list and a group list may always overlap)."""
    if not (a.customer_ids or a.group_ids) or not (b.customer_ids or b.group_ids):
        return True
    if not a.customer_ids.isdisjoint(b.customer_ids) or not a.group_ids.isdisjoint(b.group_ids):
        return True
    return bool((a.customer_ids and b.group_ids) or (a.group_ids and b.customer_ids))


def _same_benefit(a: Promotion, b: Promotion) -> bool:
    return (a.reward, a.percent, a.amount, a.buy_quantity, a.get_quantity, a.cap) == (
        b.reward,
        b.percent,
        b.amount,
        b.buy_quantity,
        b.get_quantity,
        b.cap,
    )


def _against(promotion: Promotion, other: Promotion) -> list[Finding]:
    findings: list[Finding] = []
    shared_group = promotion.group is not None and promotion.group == other.group
    same_level = (promotion.reward in LINE_REWARDS) == (other.reward in LINE_REWARDS)
    if shared_group:
        if _same_benefit(promotion, other):
            text = f"same benefit as {other.id} in group '{other.group}': only one of them can apply"
            findings.append(Finding("warning", "identical_in_group", text, other.id))
        else:
            text = f"alternative to {other.id} in group '{other.group}': the larger benefit wins"
            findings.append(Finding("info", "group_alternative", text, other.id))
        return findings
    if other.exclusive and same_level:
        text = (
            f"{other.id} is exclusive on overlapping products and dates: where it applies, this one will not"
        )
        findings.append(Finding("warning", "exclusive_overlap", text, other.id))
    elif promotion.exclusive and same_level:
        text = f"this promotion is exclusive: {other.id} will not apply where this one does"
        findings.append(Finding("warning", "exclusive_overlap", text, other.id))
    elif promotion.priority == other.priority and same_level:
        text = (
            f"same priority {other.priority} as {other.id} on overlapping products and dates: "
            "which applies first depends only on creation order"
        )
        findings.append(Finding("warning", "same_priority", text, other.id))
    return findings


def validate_promotion(
    promotion: Promotion, book: RuleBook, day_from: dt.date | None = None
) -> tuple[Finding, ...]:
    """Findings about a new or changed promotion against the active ones in `book`; never raises.
    `day_from` is today (dates before it are reported)."""
    findings: list[Finding] = []
    period = promotion.period
    if day_from is not None:
        if period.valid_to is not None and period.valid_to < day_from:
            text = (
                f"ends on {period.valid_to.isoformat()}, before {day_from.isoformat()}: it will never apply"
            )
            findings.append(Finding("warning", "ended_in_past", text))
        elif period.valid_from is not None and period.valid_from < day_from:
            text = f"starts on {period.valid_from.isoformat()}, before {day_from.isoformat()}"
            findings.append(Finding("info", "starts_in_past", text))
    if promotion.coupon_required and not book.coupons_of(promotion.id):
        findings.append(
            Finding("warning", "coupon_without_coupons", "needs a coupon but no coupon unlocks it yet")
        )
    others = sorted(book.active_promotions(), key=promotion_order)
    for other in others:
        if other.id == promotion.id or not other.period.overlaps(period):
            continue
        if customers_overlap(promotion, other) and products_overlap(promotion, other, book):
            findings.extend(_against(promotion, other))
    return tuple(findings)


def applicable_promotions(book: RuleBook, customer: CustomerRef, day: dt.date) -> tuple[Promotion, ...]:
    """The active promotions this customer could get on `day` (coupon-only ones included), by
    priority then seq."""
    found = [
        promotion
        for promotion in book.active_promotions()
        if promotion.period.contains(day)
        and (
            not (promotion.customer_ids or promotion.group_ids)
            or customer.id in promotion.customer_ids
            or not promotion.group_ids.isdisjoint(customer.group_ids)
        )
    ]
    return tuple(sorted(found, key=promotion_order))
