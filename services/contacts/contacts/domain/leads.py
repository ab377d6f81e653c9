"""Lead rules: parsing a lead form, and the status machine.

new ──> contacted ──> qualified (terminal; only through QualifyLead)
 │          │
 └──────────┴──> disqualified (reason required) ──> new / contacted (re-opened)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from chassis.errors import FailedPrecondition

from contacts.domain.contact_points import normalise_email, normalise_phone
from contacts.domain.identifiers import normalise_tax_id
from contacts.domain.model import Lead, LeadForm, LeadProfile, LeadSource, LeadStatus
from contacts.domain.validation import Fields

ALLOWED_TRANSITIONS: dict[LeadStatus, frozenset[LeadStatus]] = {
    LeadStatus.NEW: frozenset({LeadStatus.CONTACTED, LeadStatus.QUALIFIED, LeadStatus.DISQUALIFIED}),
    LeadStatus.CONTACTED: frozenset({LeadStatus.QUALIFIED, LeadStatus.DISQUALIFIED}),
    LeadStatus.DISQUALIFIED: frozenset({LeadStatus.NEW, LeadStatus.CONTACTED}),
    LeadStatus.QUALIFIED: frozenset(),
}
# Fields of a lead that UpdateLead may change (proto field names, as in update_mask).
UPDATABLE_FIELDS = frozenset(
    {
        "source",
        "status",
        "disqualify_reason",
        "company_name",
        "contact_name",
        "email",
        "phone",
        "tax_id",
        "notes",
        "source_detail",
        "owner_id",
        "team_id",
    }
)


def parse_source(raw: str) -> LeadSource:
    if not raw:
        raise ValueError("is required")
    try:
        return LeadSource(raw.strip().lower())
    except ValueError:
        choices = ", ".join(s.value for s in LeadSource)
        raise ValueError(f"{raw!r} is not a lead source (one of {choices})") from None


def parse_status(raw: str) -> LeadStatus:
    try:
        return LeadStatus(raw.strip().lower())
    except ValueError:
        raise ValueError(f"{raw!r} is not a lead status") from None


def parse_lead_profile(form: LeadForm, fields: Fields) -> LeadProfile:
    """Validates the descriptive fields of a lead; violations go to `fields`."""
    company = fields.text("company_name", form.company_name)
    contact = fields.text("contact_name", form.contact_name)
    if not company and not contact:
        fields.add("contact_name", "a lead needs a contact name or a company name")
    email = fields.clean("email", form.email, normalise_email, "") if form.email.strip() else ""
    phone = fields.clean("phone", form.phone, normalise_phone, "") if form.phone.strip() else ""
    tax_id = fields.clean("tax_id", form.tax_id, normalise_tax_id, "") if form.tax_id.strip() else ""
    return LeadProfile(
        company_name=company,
        contact_name=contact,
        email=email,
        phone=phone,
        tax_id=tax_id,
        notes=fields.text("notes", form.notes, max_length=4000),
        source_detail=fields.text("source_detail", form.source_detail, max_length=500),
    )


def parse_new_lead(form: LeadForm, fields: Fields) -> tuple[LeadSource, LeadStatus, LeadProfile]:
    """A lead to create: source required; status new (default) or contacted. Violations go
    to `fields`; the caller raises."""
    source = fields.clean("source", form.source, parse_source, LeadSource.WEB_FORM)
    status = LeadStatus.NEW
    if form.status:
        status = fields.clean("status", form.status, parse_status, LeadStatus.NEW)
        if status not in (LeadStatus.NEW, LeadStatus.CONTACTED):
            fields.add("status", "a new lead is new or contacted; qualify or disqualify it afterwards")
    profile = parse_lead_profile(form, fields)
    return source, status, profile


def check_transition(current: LeadStatus, target: LeadStatus) -> None:
    """Raises FailedPrecondition when the status machine does not allow current → target."""
    if current == target:
        return
    if target not in ALLOWED_TRANSITIONS[current]:
        raise FailedPrecondition(f"a {current.value} lead cannot become {target.value}")


def require_open(lead: Lead) -> None:
    """A qualified lead belongs to its customer now and no longer changes."""
    if lead.status == LeadStatus.QUALIFIED:
        raise FailedPrecondition(f"lead {lead.id} is qualified and can no longer change")


def disqualified(lead: Lead, reason: str, actor: str, now: dt.datetime) -> Lead:
    """The lead turned down, with the reason (checked by the caller: it names the field)."""
    check_transition(lead.status, LeadStatus.DISQUALIFIED)
    if lead.status == LeadStatus.DISQUALIFIED:
        raise FailedPrecondition(f"lead {lead.id} is already disqualified")
    return replace(
        lead, status=LeadStatus.DISQUALIFIED, disqualify_reason=reason, audit=lead.audit.touched(actor, now)
    )


def qualified(lead: Lead, customer_id: str, contact_person_id: str, actor: str, now: dt.datetime) -> Lead:
    """The lead turned into a customer (new or existing) and maybe a contact person."""
    if lead.status == LeadStatus.QUALIFIED:
        raise FailedPrecondition(f"lead {lead.id} is already qualified (customer {lead.customer_id})")
    check_transition(lead.status, LeadStatus.QUALIFIED)
    return replace(
        lead,
        status=LeadStatus.QUALIFIED,
        customer_id=customer_id,
        contact_person_id=contact_person_id,
        disqualify_reason="",
        audit=lead.audit.touched(actor, now),
    )


def lead_to_form(lead: Lead) -> LeadForm:
    """The lead as a form, so an update can overlay the masked fields and re-validate all."""
    p = lead.profile
    return LeadForm(
        source=lead.source.value,
        status=lead.status.value,
        disqualify_reason=lead.disqualify_reason,
        company_name=p.company_name,
        contact_name=p.contact_name,
        email=p.email,
        phone=p.phone,
        tax_id=p.tax_id,
        notes=p.notes,
        source_detail=p.source_detail,
        owner_id=lead.owner_id,
        team_id=lead.team_id,
    )


def updated_lead(lead: Lead, form: LeadForm, fields: Fields, actor: str, now: dt.datetime) -> Lead:
    """The lead after an update: `form` is the current lead with the masked fields overlaid.
    Status changes follow the machine; disqualifying needs a reason; re-opening clears it."""
    require_open(lead)
    source = fields.clean("source", form.source, parse_source, lead.source)
    status = fields.clean("status", form.status, parse_status, lead.status) if form.status else lead.status
    if status == LeadStatus.QUALIFIED and lead.status != LeadStatus.QUALIFIED:
        fields.add("status", "use QualifyLead to qualify a lead")
    reason = fields.text("disqualify_reason", form.disqualify_reason, max_length=500)
    if status == LeadStatus.DISQUALIFIED and not reason:
        fields.add("disqualify_reason", "is required when the lead is disqualified")
    if status != LeadStatus.DISQUALIFIED:
        reason = ""
    profile = parse_lead_profile(form, fields)
    fields.raise_if_any()
    check_transition(lead.status, status)
    return replace(
        lead,
        source=source,
        status=status,
        disqualify_reason=reason,
        profile=profile,
        owner_id=form.owner_id.strip(),
        team_id=form.team_id.strip(),
        audit=lead.audit.touched(actor, now),
    )


# Honorifics kept out of first names; Thai ones may be written without a space.
_THAI_HONORIFICS = ("คุณ", "นางสาว", "นาง", "นาย", "ดร.")
_ENGLISH_HONORIFICS = ("mr.", "mrs.", "ms.", "miss", "dr.", "mr", "mrs", "ms", "dr", "khun")


def split_contact_name(name: str) -> tuple[str, str]:
    """ "คุณสมชาย ใจดี" → ("สมชาย", "ใจดี"), "Mr. John Smith" → ("John", "Smith")."""
    text = " ".join(name.split())
    for prefix in _THAI_HONORIFICS:
        if text.startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix) :].strip()
            break
    else:
        head, _, rest = text.partition(" ")
        if head.lower() in _ENGLISH_HONORIFICS and rest:
            text = rest
    first, _, last = text.partition(" ")
    return first, last
