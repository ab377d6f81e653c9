"""Events of the activities service: the subjects it publishes, the recorder that turns domain
events into protobuf messages in the outbox, and the handlers of the events it consumes.

Published (crm.activities.<aggregate>.<event>, payloads from crm/activities/v1/events.proto):
activity.created/updated/completed/cancelled, checkin.recorded.
Consumed (durable "activities"):
- crm.contacts.lead.created/updated, customer.created/updated/merged,
  contact_person.created/updated: name snapshots of linked records (and contact e-mails),
  contact birthdays, customer anniversaries and contacts' marketing consent (date mail);
- crm.servicedesk.contract.activated/cancelled: preventive visits created once per contract
  and date, cancelled from the cancellation day; the contract's end for date mail
  (application/contract_visits.py);
- crm.identity.user.created/updated/deactivated, team.created/updated: users and teams, kept
  by the chassis.directory handlers (a deactivation stores the user inactive).
Each handler drops a stale update by the version the event carries (the directory rewrites an
equal one).
"""

from __future__ import annotations

from typing import Any

from chassis.directory import directory_handlers
from chassis.events import Envelope, EventTables, Handler, record_event
from crm.activities.v1 import events_pb2 as ev
from crm.contacts.v1 import events_pb2 as contacts
from google.protobuf.message import Message
from sqlalchemy.orm import Session

from activities import translation as tr
from activities.adapters import tables as t
from activities.application.consent import apply_contacts_consent
from activities.application.context import ActivitiesContext, EventRecorder, utc_now
from activities.application.contract_visits import contract_handlers
from activities.application.date_mail import record_date
from activities.domain import events as de
from activities.domain.date_mail import DateField
from activities.domain.model import LinkKind

DURABLE = "activities"

ACTIVITY_CREATED = "crm.activities.activity.created"
ACTIVITY_UPDATED = "crm.activities.activity.updated"
ACTIVITY_COMPLETED = "crm.activities.activity.completed"
ACTIVITY_CANCELLED = "crm.activities.activity.cancelled"
CHECKIN_RECORDED = "crm.activities.checkin.recorded"


def to_message(event: de.DomainEvent) -> tuple[str, Message, str, str]:
    """(subject, payload, aggregate type, aggregate id) of a domain event."""
    now = utc_now()
    activity = tr.activity_message(event.view, now)
    aggregate = event.view.activity.id
    message: Message
    match event:
        case de.ActivityCreated():
            return ACTIVITY_CREATED, ev.ActivityCreated(activity=activity), "activity", aggregate
        case de.ActivityUpdated():
            return ACTIVITY_UPDATED, ev.ActivityUpdated(activity=activity), "activity", aggregate
        case de.ActivityCompleted(_, follow_up_id, occurrence_id):
            message = ev.ActivityCompleted(
                activity=activity, follow_up_activity_id=follow_up_id, occurrence_id=occurrence_id
            )
            return ACTIVITY_COMPLETED, message, "activity", aggregate
        case de.ActivityCancelled(_, occurrence_id):
            message = ev.ActivityCancelled(activity=activity, occurrence_id=occurrence_id)
            return ACTIVITY_CANCELLED, message, "activity", aggregate
        case de.CheckinRecorded(view, customer_id):
            assert view.checkin is not None
            message = ev.CheckinRecorded(
                activity_id=aggregate,
                owner_id=view.activity.owner_id,
                team_id=view.activity.team_id,
                customer_id=customer_id,
                check_in=tr.checkin_message(view.checkin),
                version=view.activity.version,
            )
            return CHECKIN_RECORDED, message, "activity", aggregate
    raise TypeError(f"no subject for {type(event).__name__}")


def outbox_recorder(tables: EventTables) -> EventRecorder:
    def record(session: Session, event: de.DomainEvent) -> None:
        subject, message, aggregate_type, aggregate_id = to_message(event)
        record_event(
            session,
            tables,
            subject=subject,
            message=message,
            aggregate_type=aggregate_type,
            aggregate_id=aggregate_id,
        )

    return record


# --- consumed ---------------------------------------------------------------------------------


def _rename(
    ctx: ActivitiesContext, session: Session, kind: LinkKind, ref_id: str, name: str, email: str, version: int
) -> bool:
    """False when the event is stale (then nothing else it carries is applied either)."""
    uow = ctx.within(session)
    if uow.directory.upsert_party(kind.value, ref_id, name, email, version):
        uow.activities.rename_links(kind, ref_id, name)
        return True
    return False


def _lead_name(lead: Any) -> str:
    return str(lead.company_name or lead.contact_name)


def _person_name(person: Any) -> str:
    return " ".join(p for p in (person.first_name, person.last_name) if p) or str(person.nickname)


def contact_handlers(ctx: ActivitiesContext) -> list[Handler]:
    def on_lead(session: Session, envelope: Envelope[Any]) -> None:
        lead = envelope.message.lead
        _rename(ctx, session, LinkKind.LEAD, lead.id, _lead_name(lead), lead.email, lead.audit.version)

    def on_customer(session: Session, envelope: Envelope[Any]) -> None:
        c = envelope.message.customer
        if _rename(ctx, session, LinkKind.CUSTOMER, c.id, c.name, c.email, c.audit.version):
            uow = ctx.within(session)
            record_date(
                uow, DateField.ANNIVERSARY, c.id, ("customer", c.id), c.anniversary_date, c.audit.version
            )

    def on_merged(session: Session, envelope: Envelope[Any]) -> None:
        survivor = envelope.message.survivor
        uow = ctx.within(session)
        uow.activities.relink(
            LinkKind.CUSTOMER, envelope.message.merged_customer_id, survivor.id, survivor.name
        )
        _rename(
            ctx,
            session,
            LinkKind.CUSTOMER,
            survivor.id,
            survivor.name,
            survivor.email,
            survivor.audit.version,
        )

    def on_contact(session: Session, envelope: Envelope[Any]) -> None:
        p = envelope.message.contact_person
        if _rename(ctx, session, LinkKind.CONTACT, p.id, _person_name(p), p.email, p.audit.version):
            uow = ctx.within(session)
            record_date(uow, DateField.BIRTHDAY, p.id, ("contact", p.id), p.birthday, p.audit.version)
            apply_contacts_consent(ctx, uow, "contact", p.id, p.marketing_consent, envelope.event_id)

    return [
        Handler("crm.contacts.lead.created", contacts.LeadCreated, on_lead),
        Handler("crm.contacts.lead.updated", contacts.LeadUpdated, on_lead),
        Handler("crm.contacts.customer.created", contacts.CustomerCreated, on_customer),
        Handler("crm.contacts.customer.updated", contacts.CustomerUpdated, on_customer),
        Handler("crm.contacts.customer.merged", contacts.CustomerMerged, on_merged),
        Handler("crm.contacts.contact_person.created", contacts.ContactPersonChanged, on_contact),
        Handler("crm.contacts.contact_person.updated", contacts.ContactPersonChanged, on_contact),
    ]


def handlers(ctx: ActivitiesContext) -> list[Handler]:
    return [*contact_handlers(ctx), *directory_handlers(t.directory_tables), *contract_handlers(ctx)]
