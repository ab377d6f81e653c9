"""Authoring of every kind of rule, written once: create, update (with optimistic
concurrency), deactivate and delete. Each is one transaction that

1. bumps `pricing_state.version` (serialising authors) and takes a fresh `seq`,
2. brings the in-memory rule book up to the version before this change,
3. runs the domain's check of the rule against that book (bad input → InvalidArgument naming
   the request field; nothing is written),
4. writes the rule, its (version, kind, id) change row and the outbox event.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from chassis.errors import AlreadyExists, Conflict, FieldViolation, InvalidArgument, NotFound
from chassis.identity import Caller

from pricing.adapters.rule_store import Stored
from pricing.application.context import PricingContext, RuleChanged, UnitOfWork, require_author
from pricing.domain import authoring as checks
from pricing.domain.rulebook import RuleBook

ID_PREFIXES = {
    "category": "cat",
    "product": "prd",
    "standard_price": "sp",
    "price_list": "pl",
    "price_list_item": "pli",
    "promotion": "promo",
    "gift_rule": "gift",
}
# Columns that must be unique besides the key: (column, request field).
UNIQUE = {"product": ("sku", "sku"), "category": ("code", "code")}
# The request field that holds each kind's rule (errors are named from it).
REQUEST_FIELDS = {
    "category": "category",
    "product": "product",
    "standard_price": "standard_price",
    "price_list": "price_list",
    "price_list_item": "item",
    "promotion": "promotion",
    "coupon": "coupon",
    "gift_rule": "gift_rule",
}
RESOURCE_NAMES = {kind: kind.replace("_", " ") for kind in REQUEST_FIELDS}


def check_rule(kind: str, rule: Any, book: RuleBook) -> None:
    """The domain's authoring check of one rule against the book it would join."""
    match kind:
        case "category":
            checks.check_category(rule, book)
        case "product":
            checks.check_product(rule)
            if rule.category_id and book.category(rule.category_id) is None:
                raise InvalidArgument("category_id", f"no category {rule.category_id!r}")
        case "standard_price":
            checks.check_standard_price(rule, book)
        case "price_list":
            checks.check_price_list(rule)
        case "price_list_item":
            checks.check_price_list_item(rule, book)
        case "promotion":
            checks.check_promotion(rule, book)
        case "coupon":
            checks.check_coupon(rule, book)
        case "gift_rule":
            checks.check_gift_rule(rule, book)


# Domain field names that the contract spells differently.
RENAMED = {
    "currency": "currency_code",
    "group_ids": "customer_group_ids",
    "standard_price.amount": "amount.amount",
    "standard_price.currency_code": "amount.currency_code",
}


def _field(prefix: str, name: str) -> str:
    name = RENAMED.get(name.removeprefix("period."), name.removeprefix("period."))
    name = RENAMED.get(f"{prefix}.{name}", name)
    if not prefix or name == prefix or name.startswith(prefix + "."):
        return name
    return f"{prefix}.{name}"


@contextmanager
def request_fields(prefix: str) -> Iterator[None]:
    """Names the domain's field errors as the request does ("valid_to" → "standard_price.valid_to")."""
    try:
        yield
    except InvalidArgument as error:
        raise InvalidArgument(
            violations=[FieldViolation(_field(prefix, v.field), v.reason) for v in error.violations]
        ) from None


def assign(kind: str, rule: Any, rule_id: str, seq: int) -> Any:
    """The rule with its id (a coupon keeps its code) and its seq, where the type has one."""
    changes: dict[str, Any] = {}
    if kind != "coupon":
        changes["id"] = rule_id
    if any(f.name == "seq" for f in dataclasses.fields(rule)):
        changes["seq"] = seq
    return dataclasses.replace(rule, **changes)


def complete(kind: str, rule: Any, book: RuleBook) -> Any:
    """Defaults that depend on other rules: a standard price without a unit is the base unit's."""
    if kind == "standard_price" and not rule.unit:
        product = book.product(rule.product_id)
        if product is not None:
            return dataclasses.replace(rule, unit=product.base_unit)
    return rule


def _begin(ctx: PricingContext, uow: UnitOfWork) -> tuple[int, int, RuleBook]:
    version, seq = uow.rules.next_version()
    return version, seq, ctx.books.fresh(uow.session, version - 1)


def _check(uow: UnitOfWork, kind: str, rule: Any, book: RuleBook, prefix: str) -> None:
    with request_fields(prefix):
        check_rule(kind, rule, book)
    unique = UNIQUE.get(kind)
    if unique is not None:
        column, field = unique
        other = uow.rules.taken(kind, column, getattr(rule, column), other_than=rule.id)
        if other is not None:
            raise AlreadyExists(f"{prefix}.{field}: {RESOURCE_NAMES[kind]} {other} has this {field}")


def create_rule(ctx: PricingContext, caller: Caller, kind: str, rule: Any) -> tuple[Stored[Any], int]:
    """Stores a new rule; returns it as stored and the pricing version that includes it."""
    require_author(caller)
    prefix = REQUEST_FIELDS[kind]
    with ctx.transaction() as uow:
        version, seq, book = _begin(ctx, uow)
        rule = complete(kind, assign(kind, rule, ctx.ids(ID_PREFIXES.get(kind, kind)), seq), book)
        _check(uow, kind, rule, book, prefix)
        if kind == "coupon" and uow.rules.get("coupon", rule.code) is not None:
            raise AlreadyExists(f"coupon.code: the coupon {rule.code!r} exists")
        stored = uow.rules.insert(kind, rule, seq)
        uow.rules.record_changes(version, [(kind, _key(kind, rule))])
        uow.emit(RuleChanged(kind, stored, version, "created"))
    return stored, version


def change_rule(
    ctx: PricingContext,
    caller: Caller,
    kind: str,
    rule_id: str,
    change: Callable[[Any], Any],
    *,
    expected_version: int = 0,
    what: str = "updated",
) -> tuple[Stored[Any], int]:
    """Replaces a rule by `change(current)` (its id and seq stay)."""
    require_author(caller)
    prefix = REQUEST_FIELDS[kind]
    with ctx.transaction() as uow:
        version, _, book = _begin(ctx, uow)
        current = _existing(uow, kind, rule_id)
        if expected_version and expected_version != current.version:
            raise Conflict(
                f"{RESOURCE_NAMES[kind]} {rule_id} is at version {current.version}, "
                f"not {expected_version}: read it again"
            )
        with request_fields(prefix):
            changed = change(current.rule)
        rule = complete(kind, assign(kind, changed, rule_id, current.seq), book)
        _check(uow, kind, rule, book, prefix)
        stored = uow.rules.update(kind, rule, current)
        uow.rules.record_changes(version, [(kind, rule_id)])
        uow.emit(RuleChanged(kind, stored, version, what))
    return stored, version


def deactivate_rule(ctx: PricingContext, caller: Caller, kind: str, rule_id: str) -> Stored[Any]:
    """Deactivation is an update of `active` (no check: it can only remove a rule's effect)."""
    require_author(caller)
    with ctx.transaction() as uow:
        version, _ = uow.rules.next_version()
        current = _existing(uow, kind, rule_id)
        stored = uow.rules.update(kind, dataclasses.replace(current.rule, active=False), current)
        uow.rules.record_changes(version, [(kind, rule_id)])
        uow.emit(RuleChanged(kind, stored, version, "deactivated"))
    return stored


def delete_rule(ctx: PricingContext, caller: Caller, kind: str, rule_id: str) -> int:
    """Deletes a standard price or price-list item; the event carries its last state."""
    require_author(caller)
    with ctx.transaction() as uow:
        version, _ = uow.rules.next_version()
        current = _existing(uow, kind, rule_id)
        uow.rules.delete(kind, rule_id)
        uow.rules.record_changes(version, [(kind, rule_id)])
        gone = Stored(current.rule, current.seq, current.version + 1)
        uow.emit(RuleChanged(kind, gone, version, "deleted"))
    return version


def get_rule(ctx: PricingContext, kind: str, rule_id: str) -> Stored[Any]:
    with ctx.reading() as uow:
        return _existing(uow, kind, rule_id)


def _existing(uow: UnitOfWork, kind: str, rule_id: str) -> Stored[Any]:
    found = uow.rules.get(kind, rule_id.strip()) if rule_id.strip() else None
    if found is None:
        raise NotFound(RESOURCE_NAMES[kind], rule_id)
    return found


def _key(kind: str, rule: Any) -> str:
    return str(rule.code if kind == "coupon" else rule.id)
