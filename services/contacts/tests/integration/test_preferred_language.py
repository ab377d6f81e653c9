"""preferred_language on customers and contact persons: stored, returned, updated, carried by
the events the service desk reads; anything but th/en names the field and writes nothing."""

from __future__ import annotations

import grpc
import sqlalchemy as sa
from contacts.testing import REP, ContactsUnderTest, rpc_failure
from crm.contacts.v1 import contacts_service_pb2 as pb
from crm.contacts.v1 import events_pb2 as ev
from crm.contacts.v1 import resources_pb2 as res
from google.protobuf import field_mask_pb2


def outbox(contacts: ContactsUnderTest) -> list[tuple[str, bytes]]:
    with contacts.service.database.read() as session:
        rows = session.execute(sa.text("SELECT subject, payload FROM outbox ORDER BY seq"))
        return [(row.subject, bytes(row.payload)) for row in rows]


def create_customer(contacts: ContactsUnderTest, language: str) -> res.Customer:
    customer = res.Customer(
        kind=res.CUSTOMER_KIND_JURISTIC,
        name="Siam Tech",
        email="it@siam.example",
        preferred_language=language,
    )
    return contacts.call("CreateCustomer", pb.CreateCustomerRequest(customer=customer), REP).customer


def test_the_default_is_thai_and_english_is_kept_and_announced(contacts: ContactsUnderTest) -> None:
    assert create_customer(contacts, "").preferred_language == "th"
    customer = contacts.call(
        "CreateCustomer",
        pb.CreateCustomerRequest(
            customer=res.Customer(
                kind=res.CUSTOMER_KIND_JURISTIC, name="Acme Trading", preferred_language="EN"
            )
        ),
        REP,
    ).customer
    assert customer.preferred_language == "en"
    assert contacts.call("GetCustomer", pb.GetCustomerRequest(id=customer.id), REP).customer == customer
    subject, payload = outbox(contacts)[-1]
    assert subject == "crm.contacts.customer.created"
    assert ev.CustomerCreated.FromString(payload).customer.preferred_language == "en"

    person = contacts.call(
        "CreateContactPerson",
        pb.CreateContactPersonRequest(
            contact_person=res.ContactPerson(
                customer_id=customer.id, first_name="John", email="john@acme.example", preferred_language="en"
            )
        ),
        REP,
    ).contact_person
    assert person.preferred_language == "en"
    subject, payload = outbox(contacts)[-1]
    assert ev.ContactPersonChanged.FromString(payload).contact_person.preferred_language == "en"

    # An update that names only the language changes it; one that leaves it out keeps it.
    update = pb.UpdateContactPersonRequest(
        contact_person=res.ContactPerson(id=person.id, preferred_language="th"),
        update_mask=field_mask_pb2.FieldMask(paths=["preferred_language"]),
    )
    assert contacts.call("UpdateContactPerson", update, REP).contact_person.preferred_language == "th"
    update = pb.UpdateCustomerRequest(customer=res.Customer(id=customer.id, website="acme.example"))
    assert contacts.call("UpdateCustomer", update, REP).customer.preferred_language == "en"


def test_another_language_names_the_field_and_writes_nothing(contacts: ContactsUnderTest) -> None:
    code, _, violations = rpc_failure(lambda: create_customer(contacts, "de"))
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert set(violations) == {"customer.preferred_language"}
    assert contacts.count("customers") == 0
    assert contacts.count("outbox") == 0

    customer = create_customer(contacts, "th")
    events = len(outbox(contacts))
    code, _, violations = rpc_failure(
        lambda: contacts.call(
            "CreateContactPerson",
            pb.CreateContactPersonRequest(
                contact_person=res.ContactPerson(
                    customer_id=customer.id, first_name="Somchai", preferred_language="jp"
                )
            ),
            REP,
        )
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert set(violations) == {"contact_person.preferred_language"}
    assert contacts.count("contact_persons") == 0

    code, _, violations = rpc_failure(
        lambda: contacts.call(
            "UpdateCustomer",
            pb.UpdateCustomerRequest(
                customer=res.Customer(id=customer.id, preferred_language="fr"),
                update_mask=field_mask_pb2.FieldMask(paths=["preferred_language"]),
            ),
            REP,
        )
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert set(violations) == {"customer.preferred_language"}
    assert len(outbox(contacts)) == events
    stored = contacts.call("GetCustomer", pb.GetCustomerRequest(id=customer.id), REP).customer
    assert (stored.preferred_language, stored.audit.version) == ("th", 1)
