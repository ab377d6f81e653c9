"""Request bodies and query parameters of the contacts resources (REST JSON, snake_case).

They check shape only (types, lengths, enum names, money as decimal strings); business rules
(tax ids, phone numbers, duplicates, access) are the contacts service's. Field names are the
protobuf field names, so gateway.translate turns a validated body into the message. Enum
names are the lower-case short names of the proto enums (a test keeps them in step).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

LeadSourceName = Literal["web_form", "facebook", "line", "email", "phone", "walk_in", "referral", "import"]
LeadStatusName = Literal["new", "contacted", "qualified", "disqualified"]
CustomerKindName = Literal["juristic", "individual"]
AddressKindName = Literal["billing", "shipping"]
PaymentMethodName = Literal["cash", "transfer", "cheque", "card"]
# The language of mail to a customer or contact person (the templates exist in these two).
LanguageName = Literal["th", "en"]

DECIMAL_PATTERN = r"^-?\d+(\.\d+)?$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class MoneyIn(_Body):
    """An exact amount: a decimal string, never a JSON number."""

    amount: str = Field(pattern=DECIMAL_PATTERN, max_length=40, examples=["1234.50"])
    currency: str = Field(default="THB", pattern="^[A-Z]{3}$")


class LeadFields(_Body):
    company_name: str | None = Field(default=None, max_length=300)
    contact_name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    tax_id: str | None = Field(default=None, max_length=20)
    notes: str | None = Field(default=None, max_length=5000)
    owner_id: str | None = Field(default=None, max_length=64)
    team_id: str | None = Field(default=None, max_length=64)
    source_detail: str | None = Field(default=None, max_length=500)


class LeadCreate(LeadFields):
    source: LeadSourceName


class LeadPatch(LeadFields):
    source: LeadSourceName | None = None
    status: Literal["new", "contacted"] | None = None
    expected_version: int | None = Field(default=None, ge=1)


class LeadQuery(_Body):
    page_size: int = Field(default=50, ge=1, le=500)
    page_token: str = ""
    status: LeadStatusName | None = None
    source: LeadSourceName | None = None
    owner_id: str = ""
    q: str = Field(default="", max_length=200, description="Company, contact name, e-mail or phone.")


class AddressIn(_Body):
    id: str | None = Field(default=None, max_length=64)
    kind: AddressKindName
    house_no: str | None = Field(default=None, max_length=500)
    sub_district: str | None = Field(default=None, max_length=200)
    district: str | None = Field(default=None, max_length=200)
    province: str | None = Field(default=None, max_length=200)
    postcode: str | None = Field(default=None, max_length=10)
    country_code: str | None = Field(default=None, pattern="^[A-Z]{2}$")
    is_default: bool | None = None


class SalesConditionsIn(_Body):
    credit_term_days: int | None = Field(default=None, ge=0, le=3650)
    credit_limit: MoneyIn | None = None
    price_list_id: str | None = Field(default=None, max_length=64)
    default_discount_percent: str | None = Field(default=None, pattern=DECIMAL_PATTERN, max_length=10)
    payment_method: PaymentMethodName | None = None


class CustomerFields(_Body):
    name: str | None = Field(default=None, max_length=300)
    name_en: str | None = Field(default=None, max_length=300)
    tax_id: str | None = Field(default=None, max_length=20)
    branch_code: str | None = Field(default=None, max_length=5)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    website: str | None = Field(default=None, max_length=500)
    customer_group_ids: list[str] | None = None
    addresses: list[AddressIn] | None = None
    sales_conditions: SalesConditionsIn | None = None
    owner_id: str | None = Field(default=None, max_length=64)
    team_id: str | None = Field(default=None, max_length=64)
    anniversary_date: str | None = Field(default=None, pattern=DATE_PATTERN)
    preferred_language: LanguageName | None = Field(default=None, description="Mail language; th by default.")


class CustomerCreate(CustomerFields):
    kind: CustomerKindName
    name: str = Field(min_length=1, max_length=300)


class CustomerDraft(CustomerFields):
    """Any customer fields, none required (a PATCH, or the overrides when qualifying a lead)."""

    kind: CustomerKindName | None = None


class CustomerPatch(CustomerDraft):
    expected_version: int | None = Field(default=None, ge=1)


class CustomerCreateQuery(_Body):
    allow_duplicates: bool = Field(default=False, description="Create even when likely duplicates exist.")


class CustomerQuery(_Body):
    page_size: int = Field(default=50, ge=1, le=500)
    page_token: str = ""
    q: str = Field(default="", max_length=200, description="Name, English name, tax id, e-mail or phone.")
    customer_group_id: str = ""
    owner_id: str = ""
    kind: CustomerKindName | None = None
    province: str = ""


class ContactPersonFields(_Body):
    first_name: str | None = Field(default=None, max_length=200)
    last_name: str | None = Field(default=None, max_length=200)
    nickname: str | None = Field(default=None, max_length=100)
    position: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    birthday: str | None = Field(default=None, pattern=DATE_PATTERN)
    is_primary: bool | None = None
    marketing_consent: bool | None = None
    preferred_language: LanguageName | None = Field(default=None, description="Mail language; th by default.")


class ContactPersonCreate(ContactPersonFields):
    first_name: str = Field(min_length=1, max_length=200)


class ContactPersonPatch(ContactPersonFields):
    pass


class CustomerGroupCreate(_Body):
    code: str = Field(min_length=1, max_length=50)
    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)


class QualifyCustomer(CustomerFields):
    """The new customer's fields; empty ones are taken from the lead (juristic by default)."""

    kind: CustomerKindName | None = None


class QualifyLead(_Body):
    existing_customer_id: str | None = Field(
        default=None, max_length=64, description="Link this customer instead of creating one."
    )
    customer: CustomerDraft | None = Field(default=None, description="Overrides for the new customer.")
    contact_person: ContactPersonFields | None = None
    expected_amount: MoneyIn | None = None


class DisqualifyLead(_Body):
    reason: str = Field(min_length=1, max_length=1000)


class ReassignCustomer(_Body):
    owner_id: str = Field(min_length=1, max_length=64)
    team_id: str | None = Field(default=None, max_length=64)
    reason: str | None = Field(default=None, max_length=1000)


class MergeCustomers(_Body):
    duplicate_id: str = Field(
        min_length=1, max_length=64, description="Merged into the customer in the path."
    )


class DuplicateQuery(_Body):
    min_score: int = Field(default=50, ge=0, le=100)


class PageQuery(_Body):
    page_size: int = Field(default=50, ge=1, le=500)
    page_token: str = ""


class ImportQuery(_Body):
    validate_only: bool = Field(default=False, description="Check every row, store nothing.")
    batch_size: int = Field(default=200, ge=1, le=5000)


class PublicLeadForm(_Body):
    """What a website's contact form posts. `homepage` is a honeypot: the form hides it, so
    only bots fill it in."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    company_name: str = Field(default="", max_length=300)
    contact_name: str = Field(min_length=1, max_length=200)
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=40)
    notes: str = Field(default="", max_length=5000)
    homepage: str = Field(default="", max_length=500)
