"""The records of the contacts service as plain dataclasses, and the forms (raw input as the
client sent it) they are parsed from. Entities are immutable: a change makes a new value
with a new audit stamp, so a use case can compare before and after."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum

from chassis.money import Money


class LeadSource(StrEnum):
    WEB_FORM = "web_form"
    FACEBOOK = "facebook"
    LINE = "line"
    EMAIL = "email"
    PHONE = "phone"
    WALK_IN = "walk_in"
    REFERRAL = "referral"
    IMPORT = "import"


class LeadStatus(StrEnum):
    NEW = "new"
    CONTACTED = "contacted"
    QUALIFIED = "qualified"
    DISQUALIFIED = "disqualified"


class CustomerKind(StrEnum):
    JURISTIC = "juristic"
    INDIVIDUAL = "individual"


class AddressKind(StrEnum):
    BILLING = "billing"
    SHIPPING = "shipping"


class PaymentMethod(StrEnum):
    CASH = "cash"
    TRANSFER = "transfer"
    CHEQUE = "cheque"
    CARD = "card"


@dataclass(frozen=True)
class AuditStamp:
    """Who created and last changed a record; `version` grows by one per change."""

    created_at: dt.datetime
    created_by: str
    updated_at: dt.datetime
    updated_by: str
    version: int = 1

    @classmethod
    def new(cls, actor: str, now: dt.datetime) -> AuditStamp:
        return cls(now, actor, now, actor, 1)

    def touched(self, actor: str, now: dt.datetime) -> AuditStamp:
        return replace(self, updated_at=now, updated_by=actor, version=self.version + 1)


# --- leads -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeadProfile:
    """What a lead says about the prospect (validated and normalised)."""

    company_name: str = ""
    contact_name: str = ""
    email: str = ""
    phone: str = ""
    tax_id: str = ""
    notes: str = ""
    source_detail: str = ""


@dataclass(frozen=True)
class Lead:
    id: str
    source: LeadSource
    status: LeadStatus
    profile: LeadProfile
    owner_id: str
    team_id: str
    audit: AuditStamp
    disqualify_reason: str = ""
    customer_id: str = ""
    contact_person_id: str = ""


@dataclass
class LeadForm:
    """A lead as the client sent it; attribute names are the proto field names."""

    source: str = ""
    status: str = ""
    disqualify_reason: str = ""
    company_name: str = ""
    contact_name: str = ""
    email: str = ""
    phone: str = ""
    tax_id: str = ""
    notes: str = ""
    source_detail: str = ""
    owner_id: str = ""
    team_id: str = ""


# --- customers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Address:
    id: str
    kind: AddressKind
    house_no: str
    sub_district: str
    district: str
    province: str
    postcode: str
    country_code: str = "TH"
    is_default: bool = False


@dataclass(frozen=True)
class SalesConditions:
    """The terms a customer buys on; sales-docs and pricing read them."""

    credit_term_days: int = 0
    credit_limit: Money | None = None
    price_list_id: str = ""
    default_discount_percent: Decimal | None = None
    payment_method: PaymentMethod | None = None

    def is_empty(self) -> bool:
        return self == SalesConditions()


@dataclass(frozen=True)
class CustomerProfile:
    """The editable part of a customer (validated and normalised)."""

    kind: CustomerKind
    name: str
    name_en: str = ""
    tax_id: str = ""
    branch_code: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""
    customer_group_ids: tuple[str, ...] = ()
    addresses: tuple[Address, ...] = ()
    sales_conditions: SalesConditions = field(default_factory=SalesConditions)
    anniversary_date: dt.date | None = None
    # "th" or "en": the language of mail to the customer.
    preferred_language: str = "th"


@dataclass(frozen=True)
class Customer:
    id: str
    profile: CustomerProfile
    owner_id: str
    team_id: str
    audit: AuditStamp
    merged_into_id: str = ""

    @property
    def is_merged(self) -> bool:
        return bool(self.merged_into_id)


@dataclass
class AddressForm:
    id: str = ""
    kind: str = ""
    house_no: str = ""
    sub_district: str = ""
    district: str = ""
    province: str = ""
    postcode: str = ""
    country_code: str = ""
    is_default: bool = False


@dataclass
class MoneyForm:
    amount: str = ""
    currency_code: str = ""


@dataclass
class SalesConditionsForm:
    credit_term_days: str = ""
    credit_limit: MoneyForm = field(default_factory=MoneyForm)
    price_list_id: str = ""
    default_discount_percent: str = ""
    payment_method: str = ""


@dataclass
class CustomerForm:
    """A customer as the client sent it; attribute names are the proto field names."""

    kind: str = ""
    name: str = ""
    name_en: str = ""
    tax_id: str = ""
    branch_code: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""
    customer_group_ids: list[str] = field(default_factory=list)
    addresses: list[AddressForm] = field(default_factory=list)
    sales_conditions: SalesConditionsForm = field(default_factory=SalesConditionsForm)
    anniversary_date: str = ""
    owner_id: str = ""
    team_id: str = ""
    preferred_language: str = ""


# --- contact persons and groups --------------------------------------------------------------


@dataclass(frozen=True)
class ContactProfile:
    first_name: str
    last_name: str = ""
    nickname: str = ""
    position: str = ""
    email: str = ""
    phone: str = ""
    birthday: dt.date | None = None
    is_primary: bool = False
    marketing_consent: bool = False
    # "th" or "en": the language of mail to this person.
    preferred_language: str = "th"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class ContactPerson:
    id: str
    customer_id: str
    profile: ContactProfile
    audit: AuditStamp


@dataclass
class ContactPersonForm:
    customer_id: str = ""
    first_name: str = ""
    last_name: str = ""
    nickname: str = ""
    position: str = ""
    email: str = ""
    phone: str = ""
    birthday: str = ""
    is_primary: bool = False
    marketing_consent: bool = False
    preferred_language: str = ""


@dataclass(frozen=True)
class CustomerGroup:
    id: str
    code: str
    name: str
    description: str
    version: int
    created_at: dt.datetime


@dataclass(frozen=True)
class AuditEntry:
    """One audited action (owner changed, merged), kept for the record."""

    id: str
    resource_type: str
    resource_id: str
    action: str
    actor_id: str
    details: dict[str, str]
    occurred_at: dt.datetime
