"""Customer rules: parsing a customer form (identifiers, contact points, Thai addresses,
sales conditions) into a validated profile, collecting every violation with its path."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Collection
from decimal import Decimal

from chassis.money import Money

from contacts.domain.contact_points import normalise_email, normalise_phone, normalise_website
from contacts.domain.duplicates import DuplicateProbe
from contacts.domain.identifiers import (
    normalise_branch_code,
    normalise_national_id,
    normalise_postcode,
    normalise_tax_id,
)
from contacts.domain.languages import DEFAULT_LANGUAGE, parse_language
from contacts.domain.model import (
    Address,
    AddressForm,
    AddressKind,
    Customer,
    CustomerForm,
    CustomerKind,
    CustomerProfile,
    MoneyForm,
    PaymentMethod,
    SalesConditions,
    SalesConditionsForm,
)
from contacts.domain.validation import Fields, parse_decimal, parse_int, parse_iso_date

MAX_CREDIT_TERM_DAYS = 365
# Fields UpdateCustomer may change; owner and team change only through ReassignCustomer.
UPDATABLE_FIELDS = frozenset(
    {
        "kind",
        "name",
        "name_en",
        "tax_id",
        "branch_code",
        "email",
        "phone",
        "website",
        "customer_group_ids",
        "addresses",
        "sales_conditions",
        "anniversary_date",
        "preferred_language",
        "sales_conditions.credit_term_days",
        "sales_conditions.credit_limit",
        "sales_conditions.price_list_id",
        "sales_conditions.default_discount_percent",
        "sales_conditions.payment_method",
    }
)
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def _enum(
    enum_type: type[CustomerKind] | type[AddressKind] | type[PaymentMethod], what: str
) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        try:
            return enum_type(raw.strip().lower()).value
        except ValueError:
            choices = ", ".join(member.value for member in enum_type)
            raise ValueError(f"{raw!r} is not a {what} (one of {choices})") from None

    return parse


def parse_customer_profile(form: CustomerForm, fields: Fields) -> CustomerProfile:
    """Validates a whole customer; violations go to `fields` (the caller raises, after adding
    what only the database can tell, such as unknown customer groups)."""
    kind: CustomerKind | None = None
    if not form.kind:
        fields.add("kind", "is required (juristic or individual)")
    else:
        value = fields.clean("kind", form.kind, _enum(CustomerKind, "customer kind"), "")
        kind = CustomerKind(value) if value else None
    name = fields.text("name", form.name, required=True)
    tax_id = branch = ""
    if form.tax_id.strip():
        check = normalise_national_id if kind == CustomerKind.INDIVIDUAL else normalise_tax_id
        tax_id = fields.clean("tax_id", form.tax_id, check, "")
    if kind == CustomerKind.JURISTIC:
        branch = fields.clean("branch_code", form.branch_code, normalise_branch_code, "")
    elif form.branch_code.strip():
        fields.add("branch_code", "only juristic customers have a branch")
    profile = CustomerProfile(
        kind=kind or CustomerKind.JURISTIC,
        name=name,
        name_en=fields.text("name_en", form.name_en),
        tax_id=tax_id,
        branch_code=branch,
        email=fields.clean("email", form.email, normalise_email, "") if form.email.strip() else "",
        phone=fields.clean("phone", form.phone, normalise_phone, "") if form.phone.strip() else "",
        website=fields.clean("website", form.website, normalise_website, ""),
        customer_group_ids=tuple(dict.fromkeys(g.strip() for g in form.customer_group_ids if g.strip())),
        addresses=parse_addresses(form.addresses, fields),
        sales_conditions=parse_sales_conditions(form.sales_conditions, fields.nested("sales_conditions")),
        anniversary_date=(
            fields.clean("anniversary_date", form.anniversary_date, parse_iso_date, None)
            if form.anniversary_date.strip()
            else None
        ),
        preferred_language=fields.clean(
            "preferred_language", form.preferred_language, parse_language, DEFAULT_LANGUAGE
        ),
    )
    return profile


def parse_addresses(forms: list[AddressForm], fields: Fields) -> tuple[Address, ...]:
    """Each address valid; at most one default per kind, else the first of a kind is it."""
    parsed = [parse_address(form, fields.item("addresses", i)) for i, form in enumerate(forms)]
    defaults: dict[AddressKind, int] = {}
    for i, address in enumerate(parsed):
        if address.is_default:
            if address.kind in defaults:
                fields.item("addresses", i).add(
                    "is_default", f"only one default {address.kind.value} address"
                )
            defaults.setdefault(address.kind, i)
    result = []
    for i, address in enumerate(parsed):
        if address.kind not in defaults:
            defaults[address.kind] = i
        result.append(dataclasses.replace(address, is_default=defaults[address.kind] == i))
    return tuple(result)


def parse_address(form: AddressForm, fields: Fields) -> Address:
    """A Thai address (house no., sub-district, district, province, 5-digit postcode); other
    countries need only the first line."""
    kind_value = fields.clean("kind", form.kind, _enum(AddressKind, "address kind"), "") if form.kind else ""
    if not form.kind:
        fields.add("kind", "is required (billing or shipping)")
    country = form.country_code.strip().upper() or "TH"
    if not _COUNTRY.match(country):
        fields.add("country_code", "must be a two-letter ISO 3166 code")
    thai = country == "TH"
    postcode = form.postcode.strip()
    if thai:
        postcode = fields.clean("postcode", form.postcode, normalise_postcode, "")
    elif len(postcode) > 12:
        fields.add("postcode", "must be at most 12 characters")
    return Address(
        id=form.id.strip(),
        kind=AddressKind(kind_value) if kind_value else AddressKind.BILLING,
        house_no=fields.text("house_no", form.house_no, required=True, max_length=255),
        sub_district=fields.text("sub_district", form.sub_district, required=thai),
        district=fields.text("district", form.district, required=thai),
        province=fields.text("province", form.province, required=thai),
        postcode=postcode,
        country_code=country,
        is_default=form.is_default,
    )


def parse_money(form: MoneyForm, fields: Fields) -> Money | None:
    """A non-negative amount with at most two places; empty amount = not set; THB by default."""
    if not form.amount.strip():
        return None
    currency = form.currency_code.strip().upper() or "THB"
    if not _CURRENCY.match(currency):
        fields.add("currency_code", "must be a three-letter ISO 4217 code")
        currency = "THB"
    amount = fields.clean("amount", form.amount, lambda raw: parse_decimal(raw, minimum=Decimal(0)), None)
    return Money(amount, currency) if amount is not None else None


def parse_sales_conditions(form: SalesConditionsForm, fields: Fields) -> SalesConditions:
    term = 0
    if form.credit_term_days.strip():
        term = fields.clean(
            "credit_term_days",
            form.credit_term_days,
            lambda raw: parse_int(raw, minimum=0, maximum=MAX_CREDIT_TERM_DAYS),
            0,
        )
    discount = None
    if form.default_discount_percent.strip():
        discount = fields.clean(
            "default_discount_percent",
            form.default_discount_percent,
            lambda raw: parse_decimal(raw, minimum=Decimal(0), maximum=Decimal(100)),
            None,
        )
    method = ""
    if form.payment_method.strip():
        method = fields.clean(
            "payment_method", form.payment_method, _enum(PaymentMethod, "payment method"), ""
        )
    return SalesConditions(
        credit_term_days=term,
        credit_limit=parse_money(form.credit_limit, fields.nested("credit_limit")),
        price_list_id=fields.text("price_list_id", form.price_list_id),
        default_discount_percent=discount,
        payment_method=PaymentMethod(method) if method else None,
    )


def assign_address_ids(
    profile: CustomerProfile, existing_ids: Collection[str], new_id: Callable[[], str]
) -> CustomerProfile:
    """Addresses keep ids the customer already has; every other address gets a new id."""
    addresses = tuple(
        a if a.id and a.id in existing_ids else dataclasses.replace(a, id=new_id()) for a in profile.addresses
    )
    return dataclasses.replace(profile, addresses=addresses)


def customer_to_form(customer: Customer) -> CustomerForm:
    """The customer as a form, so an update can overlay the masked fields and re-validate."""
    p = customer.profile
    s = p.sales_conditions
    return CustomerForm(
        kind=p.kind.value,
        name=p.name,
        name_en=p.name_en,
        tax_id=p.tax_id,
        branch_code=p.branch_code,
        email=p.email,
        phone=p.phone,
        website=p.website,
        customer_group_ids=list(p.customer_group_ids),
        addresses=[
            AddressForm(
                id=a.id,
                kind=a.kind.value,
                house_no=a.house_no,
                sub_district=a.sub_district,
                district=a.district,
                province=a.province,
                postcode=a.postcode,
                country_code=a.country_code,
                is_default=a.is_default,
            )
            for a in p.addresses
        ],
        sales_conditions=SalesConditionsForm(
            credit_term_days=str(s.credit_term_days) if s.credit_term_days else "",
            credit_limit=(
                MoneyForm(str(s.credit_limit.amount), s.credit_limit.currency)
                if s.credit_limit
                else MoneyForm()
            ),
            price_list_id=s.price_list_id,
            default_discount_percent=str(s.default_discount_percent)
            if s.default_discount_percent is not None
            else "",
            payment_method=s.payment_method.value if s.payment_method else "",
        ),
        anniversary_date=p.anniversary_date.isoformat() if p.anniversary_date else "",
        preferred_language=p.preferred_language,
        owner_id=customer.owner_id,
        team_id=customer.team_id,
    )


def parse_duplicate_probe(form: CustomerForm, fields: Fields) -> DuplicateProbe:
    """What duplicate detection needs from a customer that is about to be created; lenient:
    any of name, tax id (+ branch), phone or e-mail is enough."""
    juristic = form.kind.strip().lower() != CustomerKind.INDIVIDUAL.value
    tax_id = fields.clean("tax_id", form.tax_id, normalise_tax_id, "") if form.tax_id.strip() else ""
    branch = ""
    if juristic and tax_id:
        branch = fields.clean("branch_code", form.branch_code, normalise_branch_code, "")
    probe = DuplicateProbe(
        customer_id="",
        name=fields.text("name", form.name),
        name_en=fields.text("name_en", form.name_en),
        tax_id=tax_id,
        branch_code=branch,
        phone=fields.clean("phone", form.phone, normalise_phone, "") if form.phone.strip() else "",
        email=fields.clean("email", form.email, normalise_email, "") if form.email.strip() else "",
    )
    given = (form.name, form.name_en, form.tax_id, form.phone, form.email)
    if not any(value.strip() for value in given):
        fields.add("name", "give at least a name, tax id, phone or e-mail")
    return probe
