"""Translation between the domain and the protobuf contract (crm.contacts.v1), used by the
gRPC servicer and the event publisher. Proto → forms keeps values raw (the domain validates
them); domain → proto writes the normalised values. Enums map by name: LEAD_SOURCE_WEB_FORM
↔ "web_form"; UNSPECIFIED ↔ "".
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from chassis.money import Money
from crm.common.v1 import audit_pb2, money_pb2
from crm.contacts.v1 import resources_pb2 as res
from google.protobuf.timestamp_pb2 import Timestamp

from contacts.application.duplicates import DuplicateCandidate
from contacts.domain.model import (
    AddressForm,
    AuditEntry,
    AuditStamp,
    ContactPerson,
    ContactPersonForm,
    Customer,
    CustomerForm,
    CustomerGroup,
    Lead,
    LeadForm,
    MoneyForm,
    SalesConditionsForm,
)
from contacts.domain.purchase_history import PurchaseEntry


def enum_text(enum_type: Any, value: int, prefix: str) -> str:
    """ "web_form" for LEAD_SOURCE_WEB_FORM; "" for UNSPECIFIED; the number for unknown values
    (the domain then reports it as invalid)."""
    if value == 0:
        return ""
    try:
        name: str = enum_type.Name(value)
    except ValueError:
        return str(value)
    return name.removeprefix(prefix).lower()


def enum_value(enum_type: Any, text: str | None, prefix: str) -> Any:
    return enum_type.Value(prefix + text.upper()) if text else 0


# --- proto → forms ---------------------------------------------------------------------------


def lead_form(msg: res.Lead) -> LeadForm:
    return LeadForm(
        source=enum_text(res.LeadSource, msg.source, "LEAD_SOURCE_"),
        status=enum_text(res.LeadStatus, msg.status, "LEAD_STATUS_"),
        disqualify_reason=msg.disqualify_reason,
        company_name=msg.company_name,
        contact_name=msg.contact_name,
        email=msg.email,
        phone=msg.phone,
        tax_id=msg.tax_id,
        notes=msg.notes,
        source_detail=msg.source_detail,
        owner_id=msg.owner_id,
        team_id=msg.team_id,
    )


def money_form(msg: money_pb2.Money) -> MoneyForm:
    return MoneyForm(amount=msg.amount, currency_code=msg.currency_code)


def customer_form(msg: res.Customer) -> CustomerForm:
    s = msg.sales_conditions
    return CustomerForm(
        kind=enum_text(res.CustomerKind, msg.kind, "CUSTOMER_KIND_"),
        name=msg.name,
        name_en=msg.name_en,
        tax_id=msg.tax_id,
        branch_code=msg.branch_code,
        email=msg.email,
        phone=msg.phone,
        website=msg.website,
        customer_group_ids=list(msg.customer_group_ids),
        addresses=[
            AddressForm(
                id=a.id,
                kind=enum_text(res.AddressKind, a.kind, "ADDRESS_KIND_"),
                house_no=a.house_no,
                sub_district=a.sub_district,
                district=a.district,
                province=a.province,
                postcode=a.postcode,
                country_code=a.country_code,
                is_default=a.is_default,
            )
            for a in msg.addresses
        ],
        sales_conditions=SalesConditionsForm(
            credit_term_days=str(s.credit_term_days) if s.credit_term_days else "",
            credit_limit=money_form(s.credit_limit),
            price_list_id=s.price_list_id,
            default_discount_percent=s.default_discount_percent,
            payment_method=enum_text(res.PaymentMethod, s.payment_method, "PAYMENT_METHOD_"),
        ),
        anniversary_date=msg.anniversary_date,
        preferred_language=msg.preferred_language,
        owner_id=msg.owner_id,
        team_id=msg.team_id,
    )


def contact_person_form(msg: res.ContactPerson) -> ContactPersonForm:
    return ContactPersonForm(
        customer_id=msg.customer_id,
        first_name=msg.first_name,
        last_name=msg.last_name,
        nickname=msg.nickname,
        position=msg.position,
        email=msg.email,
        phone=msg.phone,
        birthday=msg.birthday,
        is_primary=msg.is_primary,
        marketing_consent=msg.marketing_consent,
        preferred_language=msg.preferred_language,
    )


# --- domain → proto --------------------------------------------------------------------------


def timestamp(moment: dt.datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment.astimezone(dt.UTC))
    return stamp


def audit_info(audit: AuditStamp) -> audit_pb2.AuditInfo:
    return audit_pb2.AuditInfo(
        create_time=timestamp(audit.created_at),
        created_by=audit.created_by,
        update_time=timestamp(audit.updated_at),
        updated_by=audit.updated_by,
        version=audit.version,
    )


def money_message(money: Money | None) -> money_pb2.Money | None:
    return money_pb2.Money(currency_code=money.currency, amount=money.as_string()) if money else None


def decimal_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def lead_message(lead: Lead) -> res.Lead:
    p = lead.profile
    return res.Lead(
        id=lead.id,
        source=enum_value(res.LeadSource, lead.source.value, "LEAD_SOURCE_"),
        status=enum_value(res.LeadStatus, lead.status.value, "LEAD_STATUS_"),
        disqualify_reason=lead.disqualify_reason,
        company_name=p.company_name,
        contact_name=p.contact_name,
        email=p.email,
        phone=p.phone,
        tax_id=p.tax_id,
        notes=p.notes,
        owner_id=lead.owner_id,
        team_id=lead.team_id,
        customer_id=lead.customer_id,
        contact_person_id=lead.contact_person_id,
        source_detail=p.source_detail,
        audit=audit_info(lead.audit),
    )


def customer_message(customer: Customer) -> res.Customer:
    p = customer.profile
    s = p.sales_conditions
    return res.Customer(
        id=customer.id,
        kind=enum_value(res.CustomerKind, p.kind.value, "CUSTOMER_KIND_"),
        name=p.name,
        name_en=p.name_en,
        tax_id=p.tax_id,
        branch_code=p.branch_code,
        email=p.email,
        phone=p.phone,
        website=p.website,
        customer_group_ids=list(p.customer_group_ids),
        addresses=[
            res.Address(
                id=a.id,
                kind=enum_value(res.AddressKind, a.kind.value, "ADDRESS_KIND_"),
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
        sales_conditions=res.SalesConditions(
            credit_term_days=s.credit_term_days,
            credit_limit=money_message(s.credit_limit),
            price_list_id=s.price_list_id,
            default_discount_percent=decimal_text(s.default_discount_percent),
            payment_method=enum_value(
                res.PaymentMethod, s.payment_method.value if s.payment_method else None, "PAYMENT_METHOD_"
            ),
        ),
        owner_id=customer.owner_id,
        team_id=customer.team_id,
        merged_into_id=customer.merged_into_id,
        audit=audit_info(customer.audit),
        anniversary_date=p.anniversary_date.isoformat() if p.anniversary_date else "",
        preferred_language=p.preferred_language,
    )


def contact_person_message(contact: ContactPerson) -> res.ContactPerson:
    p = contact.profile
    return res.ContactPerson(
        id=contact.id,
        customer_id=contact.customer_id,
        first_name=p.first_name,
        last_name=p.last_name,
        nickname=p.nickname,
        position=p.position,
        email=p.email,
        phone=p.phone,
        birthday=p.birthday.isoformat() if p.birthday else "",
        is_primary=p.is_primary,
        marketing_consent=p.marketing_consent,
        audit=audit_info(contact.audit),
        preferred_language=p.preferred_language,
    )


def customer_group_message(group: CustomerGroup) -> res.CustomerGroup:
    return res.CustomerGroup(
        id=group.id, code=group.code, name=group.name, description=group.description, version=group.version
    )


def candidate_message(candidate: DuplicateCandidate) -> res.DuplicateCandidate:
    return res.DuplicateCandidate(
        customer=customer_message(candidate.customer),
        score=candidate.match.score,
        reasons=[res.DuplicateReason(field=r.field, detail=r.detail) for r in candidate.match.reasons],
    )


def purchase_entry_message(entry: PurchaseEntry) -> res.PurchaseHistoryEntry:
    d = entry.document
    return res.PurchaseHistoryEntry(
        kind=d.kind.value,
        document_id=d.document_id,
        number=d.number,
        date=d.date,
        amount=money_message(d.amount),
        original_customer_id=entry.original_customer_id,
    )


def audit_entry_message(entry: AuditEntry) -> res.AuditEntry:
    return res.AuditEntry(
        id=entry.id,
        resource_type=entry.resource_type,
        resource_id=entry.resource_id,
        action=entry.action,
        actor_id=entry.actor_id,
        details_json=json.dumps(entry.details, ensure_ascii=False, sort_keys=True),
        occur_time=entry.occurred_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
    )
