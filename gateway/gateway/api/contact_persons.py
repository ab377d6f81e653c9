"""/api/v1/customers/{id}/contact-persons, /api/v1/contact-persons/{id} and
/api/v1/customer-groups."""

from __future__ import annotations

from crm.contacts.v1 import contacts_service_pb2 as pb
from crm.contacts.v1 import resources_pb2 as resources
from flask import Response

from gateway.api.calls import changes, contacts, fields, update_mask, version_etag
from gateway.api.models import ContactPersonCreate, ContactPersonPatch, CustomerGroupCreate, PageQuery
from gateway.routing import ApiBlueprint, json_response
from gateway.translate import from_json

api = ApiBlueprint("contact_persons", __name__, tag="contact persons and customer groups")


@api.route(
    "GET",
    "/customers/<customer_id>/contact-persons",
    summary="List a customer's contact persons",
    query=PageQuery,
    response=pb.ListContactPersonsResponse,
)
def list_contact_persons(customer_id: str, query: PageQuery) -> Response:
    return json_response(
        contacts().ListContactPersons(
            pb.ListContactPersonsRequest(
                customer_id=customer_id,
                page_size=query.page_size,
                page_token=query.page_token,
            )
        )
    )


@api.route(
    "POST",
    "/customers/<customer_id>/contact-persons",
    summary="Add a contact person to a customer",
    body=ContactPersonCreate,
    response=resources.ContactPerson,
    status=201,
    idempotent=True,
    body_field="contact_person",
)
def create_contact_person(customer_id: str, body: ContactPersonCreate) -> Response:
    person = from_json(fields(body), resources.ContactPerson)
    person.customer_id = customer_id
    reply = contacts().CreateContactPerson(pb.CreateContactPersonRequest(contact_person=person))
    return json_response(reply.contact_person, 201, headers=version_etag(reply.contact_person))


@api.route(
    "PATCH",
    "/contact-persons/<contact_person_id>",
    summary="Change a contact person",
    body=ContactPersonPatch,
    response=resources.ContactPerson,
    body_field="contact_person",
)
def update_contact_person(contact_person_id: str, body: ContactPersonPatch) -> Response:
    person = from_json(changes(body), resources.ContactPerson)
    person.id = contact_person_id
    reply = contacts().UpdateContactPerson(
        pb.UpdateContactPersonRequest(contact_person=person, update_mask=update_mask(body))
    )
    return json_response(reply.contact_person, headers=version_etag(reply.contact_person))


@api.route(
    "GET",
    "/customer-groups",
    summary="List customer groups",
    query=PageQuery,
    response=pb.ListCustomerGroupsResponse,
)
def list_customer_groups(query: PageQuery) -> Response:
    return json_response(
        contacts().ListCustomerGroups(
            pb.ListCustomerGroupsRequest(page_size=query.page_size, page_token=query.page_token)
        )
    )


@api.route(
    "POST",
    "/customer-groups",
    summary="Create a customer group",
    body=CustomerGroupCreate,
    response=resources.CustomerGroup,
    status=201,
    idempotent=True,
    body_field="customer_group",
)
def create_customer_group(body: CustomerGroupCreate) -> Response:
    reply = contacts().CreateCustomerGroup(
        pb.CreateCustomerGroupRequest(customer_group=from_json(fields(body), resources.CustomerGroup))
    )
    return json_response(reply.customer_group, 201, headers=version_etag(reply.customer_group))
