"""Duplicate detection on create and on demand, and merging a duplicate into the survivor."""

from __future__ import annotations

import grpc
from chassis.grpc import remote_status
from contacts.testing import ADMIN, MANAGER, NORTH_REP, OTHER_REP, REP, ContactsUnderTest, rpc_failure, tax_id
from crm.contacts.v1 import contacts_service_pb2 as pb
from crm.contacts.v1 import resources_pb2 as res

SIAM_TAX = tax_id("010555500012")


def siam(**extra: object) -> res.Customer:
    customer = res.Customer(
        kind=res.CUSTOMER_KIND_JURISTIC,
        name="บริษัท สยามเทคโนโลยี จำกัด",
        tax_id=SIAM_TAX,
        phone="02-123-4567",
        addresses=[
            res.Address(
                kind=res.ADDRESS_KIND_BILLING,
                house_no="99/9 ถนนสาทรใต้",
                sub_district="ทุ่งมหาเมฆ",
                district="สาทร",
                province="กรุงเทพมหานคร",
                postcode="10120",
            )
        ],
    )
    for key, value in extra.items():
        field = getattr(customer, key)
        if isinstance(value, list):
            del field[:]
            field.extend(value)
        else:
            setattr(customer, key, value)
    return customer


def test_a_certain_duplicate_is_refused_with_its_candidates(contacts: ContactsUnderTest) -> None:
    original = contacts.call("CreateCustomer", pb.CreateCustomerRequest(customer=siam()), REP).customer
    again = pb.CreateCustomerRequest(customer=siam(name="Siam Technology", phone="", addresses=[]))
    try:
        contacts.call("CreateCustomer", again, OTHER_REP)
        raise AssertionError("a duplicate was created")
    except grpc.RpcError as error:
        status = remote_status(error)
    assert status.code == grpc.StatusCode.ALREADY_EXISTS
    assert original.id in status.message
    details = pb.FindDuplicateCustomersResponse()
    assert status.details[0].Unpack(details)
    candidate = details.candidates[0]
    assert (candidate.customer.id, candidate.score) == (original.id, 100)
    assert [r.field for r in candidate.reasons] == ["tax_id"]
    # Another rep's customer: shown redacted (who owns it, not its details).
    assert (candidate.customer.owner_id, candidate.customer.phone, candidate.customer.tax_id) == (
        REP.user_id,
        "",
        "",
    )
    assert contacts.count("customers") == 1

    allowed = contacts.call(
        "CreateCustomer", pb.CreateCustomerRequest(customer=again.customer, allow_duplicates=True), OTHER_REP
    )
    assert allowed.customer.id != original.id
    assert [c.customer.id for c in allowed.possible_duplicates] == [original.id]


def test_a_similar_customer_is_created_with_a_warning(contacts: ContactsUnderTest) -> None:
    original = contacts.call("CreateCustomer", pb.CreateCustomerRequest(customer=siam()), REP).customer
    similar = siam(name="บริษัท สยามเทค จำกัด", tax_id="", branch_code="", phone="", addresses=[])
    created = contacts.call("CreateCustomer", pb.CreateCustomerRequest(customer=similar), REP)
    assert [(c.customer.id, [r.field for r in c.reasons]) for c in created.possible_duplicates] == [
        (original.id, ["name"])
    ]
    assert 50 <= created.possible_duplicates[0].score < 80


def test_another_branch_is_not_a_duplicate(contacts: ContactsUnderTest) -> None:
    contacts.call("CreateCustomer", pb.CreateCustomerRequest(customer=siam()), ADMIN)
    branch = contacts.call(
        "CreateCustomer", pb.CreateCustomerRequest(customer=siam(branch_code="00001")), ADMIN
    )
    assert branch.customer.branch_code == "00001"


def test_find_duplicates_on_demand(contacts: ContactsUnderTest) -> None:
    first = contacts.call("CreateCustomer", pb.CreateCustomerRequest(customer=siam()), REP).customer
    second = contacts.call(
        "CreateCustomer",
        pb.CreateCustomerRequest(
            customer=siam(
                name="Siam Technology Co., Ltd.", tax_id="", branch_code="", email="info@siam-tech.co.th"
            ),
            allow_duplicates=True,
        ),
        REP,
    ).customer
    found = contacts.call(
        "FindDuplicateCustomers", pb.FindDuplicateCustomersRequest(customer_id=first.id), REP
    )
    assert [(c.customer.id, c.score) for c in found.candidates] == [(second.id, 85)]  # same phone
    probe = contacts.call(
        "FindDuplicateCustomers",
        pb.FindDuplicateCustomersRequest(candidate=res.Customer(email="INFO@siam-tech.co.th"), min_score=80),
        REP,
    )
    assert [c.customer.id for c in probe.candidates] == [second.id]
    code, _, violations = rpc_failure(
        lambda: contacts.call(
            "FindDuplicateCustomers",
            pb.FindDuplicateCustomersRequest(candidate=res.Customer(phone="12")),
            REP,
        )
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert set(violations) == {"candidate.phone"}


def test_merge_moves_contacts_addresses_groups_and_leads_to_the_survivor(contacts: ContactsUnderTest) -> None:
    group = contacts.call(
        "CreateCustomerGroup",
        pb.CreateCustomerGroupRequest(customer_group=res.CustomerGroup(code="VIP", name="VIP")),
        MANAGER,
    ).customer_group
    survivor = contacts.call("CreateCustomer", pb.CreateCustomerRequest(customer=siam()), REP).customer
    lead = contacts.call(
        "CreateLead",
        pb.CreateLeadRequest(
            lead=res.Lead(
                source=res.LEAD_SOURCE_PHONE,
                company_name="สยามเทค",
                contact_name="คุณวิไล สุขใจ",
                email="wilai@siam-tech.co.th",
            )
        ),
        REP,
    ).lead
    qualified = contacts.call(
        "QualifyLead",
        pb.QualifyLeadRequest(
            lead_id=lead.id,
            customer=res.Customer(
                name="Siam Tech",
                customer_group_ids=[group.id],
                addresses=[
                    res.Address(
                        kind=res.ADDRESS_KIND_SHIPPING,
                        house_no="88 หมู่ 4",
                        sub_district="แพรกษา",
                        district="เมืองสมุทรปราการ",
                        province="สมุทรปราการ",
                        postcode="10280",
                    )
                ],
            ),
        ),
        REP,
    )
    duplicate = qualified.customer
    contacts.call(
        "CreateContactPerson",
        pb.CreateContactPersonRequest(
            contact_person=res.ContactPerson(customer_id=survivor.id, first_name="สมชาย")
        ),
        REP,
    )

    code, _, _ = rpc_failure(
        lambda: contacts.call(
            "MergeCustomers",
            pb.MergeCustomersRequest(survivor_id=survivor.id, duplicate_id=duplicate.id),
            NORTH_REP,
        )
    )
    assert code == grpc.StatusCode.PERMISSION_DENIED
    merged = contacts.call(
        "MergeCustomers", pb.MergeCustomersRequest(survivor_id=survivor.id, duplicate_id=duplicate.id), REP
    ).customer
    assert merged.audit.version == survivor.audit.version + 1
    assert list(merged.customer_group_ids) == [group.id]
    assert [a.province for a in merged.addresses] == ["กรุงเทพมหานคร", "สมุทรปราการ"]
    assert merged.email == "wilai@siam-tech.co.th"  # the survivor had none

    gone = contacts.call("GetCustomer", pb.GetCustomerRequest(id=duplicate.id), REP).customer
    assert (gone.merged_into_id, list(gone.addresses)) == (survivor.id, [])
    people = contacts.call("ListContactPersons", pb.ListContactPersonsRequest(customer_id=survivor.id), REP)
    assert sorted((c.first_name, c.is_primary) for c in people.contact_persons) == [
        ("วิไล", False),
        ("สมชาย", True),
    ]
    assert contacts.call("GetLead", pb.GetLeadRequest(id=lead.id), REP).lead.customer_id == survivor.id
    listed = contacts.call("ListCustomers", pb.ListCustomersRequest(), REP).customers
    assert [c.id for c in listed] == [survivor.id]  # merged customers leave the lists

    audit = contacts.call(
        "ListAuditEntries", pb.ListAuditEntriesRequest(resource_type="customer", resource_id=survivor.id), REP
    ).entries
    assert [e.action for e in audit] == ["merged"]
    assert duplicate.id in audit[0].details_json
    subjects = contacts.outbox_subjects()
    assert subjects[-1] == "crm.contacts.customer.merged"
    assert "crm.contacts.lead.updated" in subjects

    code, _, _ = rpc_failure(
        lambda: contacts.call(
            "MergeCustomers",
            pb.MergeCustomersRequest(survivor_id=survivor.id, duplicate_id=duplicate.id),
            REP,
        )
    )
    assert code == grpc.StatusCode.FAILED_PRECONDITION
    code, _, violations = rpc_failure(
        lambda: contacts.call(
            "MergeCustomers", pb.MergeCustomersRequest(survivor_id=survivor.id, duplicate_id=survivor.id), REP
        )
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert set(violations) == {"duplicate_id"}
