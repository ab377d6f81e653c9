"""Lead use cases: create (also the public web form, as a `system` caller), read, list,
update (status machine, reassignment audited) and disqualify."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from chassis.errors import InvalidArgument
from chassis.identity import Caller

from contacts.adapters.leads import LeadFilter
from contacts.adapters.paging import Page, PageRequest
from contacts.application.audit import record_owner_change
from contacts.application.context import ContactsContext
from contacts.application.records import check_version, load_lead
from contacts.domain.events import LeadCreated, LeadDisqualified, LeadUpdated
from contacts.domain.field_masks import overlay
from contacts.domain.leads import UPDATABLE_FIELDS, disqualified, lead_to_form, parse_new_lead, updated_lead
from contacts.domain.model import AuditStamp, Lead, LeadForm, LeadStatus
from contacts.domain.ownership import Ownership, assign_owner, check_reassign, require_access
from contacts.domain.validation import Fields


def create_lead(ctx: ContactsContext, caller: Caller, form: LeadForm, *, request_id: str = "") -> Lead:
    """A new lead owned as `assign_owner` decides; a repeated `request_id` returns the lead
    the first request created (the gateway retries web-form posts)."""
    fields = Fields("lead")
    source, status, profile = parse_new_lead(form, fields)
    if len(request_id) > 100:
        fields.root().add("request_id", "must be at most 100 characters")
    fields.raise_if_any()
    owner = assign_owner(
        caller,
        form.owner_id,
        form.team_id,
        default_owner=ctx.policy.lead_default_owner_id,
        default_team=ctx.policy.lead_default_team_id,
    )
    with ctx.transaction() as uow:
        if request_id:
            earlier = uow.leads.by_request_id(request_id)
            if earlier is not None:
                require_access(caller, earlier.owner_id, earlier.team_id, "lead", earlier.id)
                return earlier
        lead = Lead(
            id=ctx.ids("lead"),
            source=source,
            status=status,
            profile=profile,
            owner_id=owner.owner_id,
            team_id=owner.team_id,
            audit=AuditStamp.new(caller.user_id, ctx.clock()),
        )
        uow.leads.add(lead, request_id)
        uow.emit(LeadCreated(lead))
    return lead


def get_lead(ctx: ContactsContext, caller: Caller, lead_id: str) -> Lead:
    with ctx.reading() as uow:
        return load_lead(uow, caller, lead_id)


def list_leads(
    ctx: ContactsContext, caller: Caller, where: LeadFilter, page: PageRequest
) -> tuple[list[Lead], Page]:
    with ctx.reading() as uow:
        return uow.leads.find(caller, where, page)


def update_lead(
    ctx: ContactsContext,
    caller: Caller,
    lead_id: str,
    form: LeadForm,
    paths: Sequence[str],
    expected_version: int = 0,
) -> Lead:
    """Changes the masked fields; a changed owner or team is a reassignment (managers of the
    team and admins only, audited); disqualifying needs a reason."""
    with ctx.transaction() as uow:
        lead = load_lead(uow, caller, lead_id, field="lead.id", lock=True)
        check_version(expected_version, lead.audit.version, "lead", lead.id)
        fields = Fields("lead")
        merged = overlay(lead_to_form(lead), form, paths, UPDATABLE_FIELDS, fields.root())
        now = ctx.clock()
        new = updated_lead(lead, merged, fields, caller.user_id, now)
        if replace(new, audit=lead.audit) == lead:
            return lead
        before, after = Ownership(lead.owner_id, lead.team_id), Ownership(new.owner_id, new.team_id)
        if before != after:
            check_reassign(caller, before, after)
            record_owner_change(uow, ctx, caller, "lead", lead.id, before, after, reason="")
        uow.leads.update(new)
        changed_to_disqualified = new.status == LeadStatus.DISQUALIFIED and lead.status != new.status
        uow.emit(LeadDisqualified(new) if changed_to_disqualified else LeadUpdated(new))
    return new


def disqualify_lead(ctx: ContactsContext, caller: Caller, lead_id: str, reason: str) -> Lead:
    """Turns a lead down with the reason (required)."""
    text = " ".join(reason.split())
    if not text:
        raise InvalidArgument("reason", "is required to disqualify a lead")
    if len(text) > 500:
        raise InvalidArgument("reason", "must be at most 500 characters")
    with ctx.transaction() as uow:
        lead = load_lead(uow, caller, lead_id, field="lead_id", lock=True)
        new = disqualified(lead, text, caller.user_id, ctx.clock())
        uow.leads.update(new)
        uow.emit(LeadDisqualified(new))
    return new
