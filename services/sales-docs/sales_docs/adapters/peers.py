"""The services sales-docs asks over gRPC: pricing (Evaluate) and contacts (GetCustomer).

Calls go through chassis ServiceClient channels (deadline min(own, caller's remaining),
retries on UNAVAILABLE, identity and trace passed on). Pricing is asked as the platform
(`system`): the rep's right to the customer was checked by contacts with the rep's own
identity. A remote domain error comes back as the same chassis error (raise_domain_error), so a
refused customer is PERMISSION_DENIED and a bad product INVALID_ARGUMENT naming the line.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

import grpc
from chassis.errors import FieldViolation, InvalidArgument
from chassis.grpc import ServiceClient, raise_domain_error
from chassis.identity import Caller, reset_caller, set_caller
from crm.contacts.v1 import contacts_service_pb2 as contacts_pb
from crm.contacts.v1 import contacts_service_pb2_grpc as contacts_grpc
from crm.contacts.v1 import resources_pb2 as contacts_res
from crm.pricing.v1 import pricing_service_pb2 as pricing_pb
from crm.pricing.v1 import pricing_service_pb2_grpc as pricing_grpc
from crm.pricing.v1 import resources_pb2 as pricing_res

from sales_docs.domain.parties import HEAD_OFFICE, Party

SYSTEM = Caller.system("sales-docs")


@contextlib.contextmanager
def as_caller(caller: Caller) -> Iterator[None]:
    token = set_caller(caller)
    try:
        yield
    finally:
        reset_caller(token)


@dataclass(frozen=True)
class CustomerSnapshot:
    """What a quotation copies of the customer: the tax party, groups and who to mail."""

    party: Party
    owner_id: str
    team_id: str
    group_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class PricedLine:
    index: int
    product_id: str
    quantity: Decimal
    unit: str
    list_unit_price: Decimal
    discount: Decimal
    net: Decimal
    tax_category: str
    rules: tuple[str, ...]


@dataclass(frozen=True)
class PricedGift:
    product_id: str
    quantity: Decimal
    unit: str
    rule_id: str


@dataclass(frozen=True)
class PricingResult:
    lines: tuple[PricedLine, ...]
    gifts: tuple[PricedGift, ...]
    version: int
    promotion_ids: tuple[str, ...]
    # coupon code → the promotion it unlocked (accepted coupons only)
    coupons: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LineToPrice:
    index: int
    product_id: str
    quantity: Decimal
    unit: str


class Peers(Protocol):
    def customer(self, customer_id: str) -> CustomerSnapshot: ...

    def price(
        self, customer_id: str, day: str, lines: Sequence[LineToPrice], coupons: Sequence[str]
    ) -> PricingResult: ...


def address_text(address: contacts_res.Address) -> str:
    parts = [address.house_no, address.sub_district, address.district, address.province, address.postcode]
    return " ".join(p for p in parts if p)


def party_of(customer: contacts_res.Customer) -> Party:
    addresses = list(customer.addresses)
    chosen = next((a for a in addresses if a.is_default), addresses[0] if addresses else None)
    return Party(
        name=customer.name,
        name_en=customer.name_en,
        address=address_text(chosen) if chosen else "",
        tax_id=customer.tax_id,
        branch_code=customer.branch_code or HEAD_OFFICE,
        phone=customer.phone,
        email=customer.email,
    )


_CATEGORIES = {
    pricing_res.VAT_CLASS_STANDARD: "standard",
    pricing_res.VAT_CLASS_ZERO_RATED: "zero_rated",
    pricing_res.VAT_CLASS_EXEMPT: "exempt",
}


class GrpcPeers:
    """Pricing and contacts over gRPC."""

    def __init__(self, pricing_target: str, contacts_target: str, timeout_seconds: float) -> None:
        self.pricing = ServiceClient(
            pricing_target,
            pricing_grpc.PricingServiceStub,
            default_timeout=timeout_seconds,
            service_names=["crm.pricing.v1.PricingService"],
        )
        self.contacts = ServiceClient(
            contacts_target,
            contacts_grpc.ContactsServiceStub,
            default_timeout=timeout_seconds,
            service_names=["crm.contacts.v1.ContactsService"],
        )

    def close(self) -> None:
        self.pricing.close()
        self.contacts.close()

    def customer(self, customer_id: str) -> CustomerSnapshot:
        """The customer as the caller may see it (contacts checks the caller's access)."""
        try:
            found = self.contacts.stub.GetCustomer(contacts_pb.GetCustomerRequest(id=customer_id)).customer
        except grpc.RpcError as error:
            raise_domain_error(error)
        return CustomerSnapshot(
            party_of(found), found.owner_id, found.team_id, tuple(found.customer_group_ids)
        )

    def price(
        self, customer_id: str, day: str, lines: Sequence[LineToPrice], coupons: Sequence[str]
    ) -> PricingResult:
        request = pricing_pb.EvaluateRequest(
            customer_id=customer_id,
            document_date=day,
            currency_code="THB",
            lines=[
                pricing_res.EvaluationLine(product_id=x.product_id, quantity=str(x.quantity), unit=x.unit)
                for x in lines
            ],
            coupon_codes=list(coupons),
        )
        try:
            with as_caller(SYSTEM):
                evaluation = self.pricing.stub.Evaluate(request).evaluation
        except grpc.RpcError as error:
            try:
                raise_domain_error(error)
            except InvalidArgument as invalid:
                raise InvalidArgument(violations=[_renumber(v, lines) for v in invalid.violations]) from error
        return PricingResult(
            lines=tuple(
                PricedLine(
                    index=lines[r.index].index,
                    product_id=r.product_id,
                    quantity=Decimal(r.quantity),
                    unit=r.unit,
                    list_unit_price=Decimal(r.list_unit_price.amount or "0"),
                    discount=Decimal(r.line_discount.amount or "0") + Decimal(r.order_discount.amount or "0"),
                    net=Decimal(r.line_net.amount or "0"),
                    tax_category=_CATEGORIES.get(r.vat_class, "standard"),
                    rules=tuple(d.rule_id for d in r.discounts),
                )
                for r in evaluation.lines
            ),
            gifts=tuple(
                PricedGift(g.product_id, Decimal(g.quantity), g.unit, g.gift_rule_id)
                for g in evaluation.gifts
            ),
            version=evaluation.pricing_version,
            promotion_ids=tuple(evaluation.applied_promotion_ids),
            coupons={c.code: c.promotion_id for c in evaluation.coupons if c.accepted},
        )


def _renumber(violation: FieldViolation, lines: Sequence[LineToPrice]) -> FieldViolation:
    """Pricing names its own line index; the caller's lines may include unpriced ones."""
    name = violation.field
    if name.startswith("lines["):
        index, _, rest = name[len("lines[") :].partition("]")
        if index.isdigit() and int(index) < len(lines):
            return FieldViolation(f"lines[{lines[int(index)].index}]{rest}", violation.reason)
    return violation
