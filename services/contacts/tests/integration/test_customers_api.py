"""Customers over gRPC: create, read, list, update and reassign, with record-level access
for reps, managers and admins, field-named validation errors and optimistic concurrency."""

from __future__ import annotations

from typing import Any

import grpc
from chassis.identity import Caller
from contacts.testing import (
    ADMIN,
    MANAGER,
    NORTH_MANAGER,
    NORTH_REP,
    OTHER_REP,
    REP,
    ContactsUnderTest,
    rpc_failure,
    tax_id,
)
from crm.common.v1 import money_pb2
from crm.contacts.v1 import contacts_service_pb2 as pb
from crm.contacts.v1 import resources_pb2 as res
from google.protobuf.field_mask_pb2 import FieldMask


def juristic(name: str, first_twelve: str, **extra: Any) -> res.Customer:
    fields: dict[str, Any] = {
        "kind": res.CUSTOMER_KIND_JURISTIC,
        "name": name,
        "tax_id": tax_id(first_twelve),
        "branch_code": "00000",
        "phone": "02-123-4567",
        "email": "info@siam-tech.co.th",
        "addresses": [
            res.Address(
                kind=res.ADDRESS_KIND_BILLING,
                house_no="99/9 ถนนสาทรใต้",
                sub_district="ทุ่งมหาเมฆ",
                district="สาทร",
                province="กรุงเทพมหานคร",
                postcode="10120",
            )
        ],
        "sales_conditions": res.SalesConditions(
            credit_term_days=30,
            credit_limit=money_pb2.Money(currency_code="THB", amount="500000.00"),
            default_discount_percent="5",
            payment_method=res.PAYMENT_METHOD_TRANSFER,
        ),
    }
    fields.update(extra)
    return res.Customer(**fields)


def create(contacts: ContactsUnderTest, customer: res.Customer, caller: Caller = ADMIN) -> res.Customer:
    return contacts.call("CreateCustomer", pb.CreateCustomerRequest(customer=customer), caller).customer


def test_a_customer_is_stored_normalised_and_announced(contacts: ContactsUnderTest) -> None:
    customer = create(contacts, juristic("บริษัท สยามเทคโนโลยี จำกัด", "010555500012"), REP)
    assert customer.id.startswith("cus_")
    assert (customer.owner_id, customer.team_id) == (REP.user_id, "team-bkk")
    assert customer.phone == "+6621234567"
    assert customer.sales_conditions.credit_limit.amount == "500000.00"
    assert customer.sales_conditions.default_discount_percent == "5.00"
    assert customer.audit.version == 1
    assert contacts.call("GetCustomer", pb.GetCustomerRequest(id=customer.id), REP).customer == customer
    assert contacts.outbox_subjects() == ["crm.contacts.customer.created"]


def test_invalid_input_names_every_field_and_stores_nothing(contacts: ContactsUnderTest) -> None:
    bad = juristic("บริษัท สยามเทคโนโลยี จำกัด", "010555500012")
    bad.tax_id = bad.tax_id[:-1] + str((int(bad.tax_id[-1]) + 1) % 10)
    bad.phone = "081-234-567"
    bad.email = "info@"
    bad.addresses[0].postcode = "1012"
    code, _message, violations = rpc_failure(lambda: create(contacts, bad))
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert set(violations) == {
        "customer.tax_id",
        "customer.phone",
        "customer.email",
        "customer.addresses[0].postcode",
    }
    assert "check digit" in violations["customer.tax_id"]
    assert contacts.count("customers") == 0
    assert contacts.count("customer_addresses") == 0
    assert contacts.count("outbox") == 0


def test_reps_see_their_own_managers_their_teams_admins_all(contacts: ContactsUnderTest) -> None:
    mine = create(contacts, juristic("บริษัท มาลีการค้า จำกัด", "010555500013"), REP)
    colleague = create(contacts, juristic("บริษัท อนันต์พาณิชย์ จำกัด", "010555500014"), OTHER_REP)
    north = create(contacts, juristic("บริษัท เชียงใหม่ฟู้ดส์ จำกัด", "050555800412"), NORTH_REP)

    def visible(caller: Caller) -> set[str]:
        found = contacts.call("ListCustomers", pb.ListCustomersRequest(), caller)
        assert found.total_size == len(found.customers)
        return {c.id for c in found.customers}

    assert visible(REP) == {mine.id}
    assert visible(MANAGER) == {mine.id, colleague.id}
    assert visible(NORTH_MANAGER) == {north.id}
    assert visible(ADMIN) == {mine.id, colleague.id, north.id}

    code, _, _ = rpc_failure(
        lambda: contacts.call("GetCustomer", pb.GetCustomerRequest(id=colleague.id), REP)
    )
    assert code == grpc.StatusCode.PERMISSION_DENIED
    update = pb.UpdateCustomerRequest(
        customer=res.Customer(id=north.id, name="ชื่อใหม่"), update_mask=FieldMask(paths=["name"])
    )
    code, _, _ = rpc_failure(lambda: contacts.call("UpdateCustomer", update, MANAGER))
    assert code == grpc.StatusCode.PERMISSION_DENIED
    assert (
        contacts.call("GetCustomer", pb.GetCustomerRequest(id=north.id), NORTH_MANAGER).customer.name
        != "ชื่อใหม่"
    )
    code, _, _ = rpc_failure(
        lambda: contacts.call("GetCustomer", pb.GetCustomerRequest(id="cus_missing"), ADMIN)
    )
    assert code == grpc.StatusCode.NOT_FOUND


def test_list_filters_search_and_pages(contacts: ContactsUnderTest) -> None:
    created = [
        create(contacts, juristic(f"บริษัท ทดสอบ{i} จำกัด", f"01055550010{i}", phone=f"02-123-456{i}"))
        for i in range(5)
    ]
    first = contacts.call("ListCustomers", pb.ListCustomersRequest(page_size=2))
    assert (first.total_size, len(first.customers)) == (5, 2)
    assert first.next_page_token
    seen = [c.id for c in first.customers]
    token = first.next_page_token
    while token:
        page = contacts.call("ListCustomers", pb.ListCustomersRequest(page_size=2, page_token=token))
        seen += [c.id for c in page.customers]
        token = page.next_page_token
    assert seen == [c.id for c in reversed(created)]  # newest first, each exactly once

    by_phone = contacts.call("ListCustomers", pb.ListCustomersRequest(query="02-123-4563"))
    assert [c.id for c in by_phone.customers] == [created[3].id]
    by_tax_id = contacts.call("ListCustomers", pb.ListCustomersRequest(query=created[2].tax_id))
    assert [c.id for c in by_tax_id.customers] == [created[2].id]
    by_name = contacts.call("ListCustomers", pb.ListCustomersRequest(query="ทดสอบ1"))
    assert [c.id for c in by_name.customers] == [created[1].id]
    assert contacts.call("ListCustomers", pb.ListCustomersRequest(province="เชียงใหม่")).customers == []
    assert (
        len(contacts.call("ListCustomers", pb.ListCustomersRequest(province="กรุงเทพมหานคร")).customers) == 5
    )
    code, _, violations = rpc_failure(
        lambda: contacts.call("ListCustomers", pb.ListCustomersRequest(page_token="zz"))
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert "page_token" in violations


def test_updates_bump_the_version_and_refuse_stale_writes(contacts: ContactsUnderTest) -> None:
    customer = create(contacts, juristic("บริษัท สยามเทคโนโลยี จำกัด", "010555500012"), REP)
    request = pb.UpdateCustomerRequest(
        customer=res.Customer(id=customer.id, phone="081-234-5678", name_en="Siam Technology Co., Ltd."),
        update_mask=FieldMask(paths=["phone", "name_en"]),
        expected_version=1,
    )
    updated = contacts.call("UpdateCustomer", request, REP).customer
    assert (updated.phone, updated.audit.version) == ("+66812345678", 2)
    assert updated.addresses == customer.addresses  # untouched fields stay

    code, _, _ = rpc_failure(lambda: contacts.call("UpdateCustomer", request, REP))  # still expects version 1
    assert code == grpc.StatusCode.ABORTED

    bad = pb.UpdateCustomerRequest(
        customer=res.Customer(id=customer.id, phone="12", owner_id="u-anan"),
        update_mask=FieldMask(paths=["phone", "owner_id"]),
    )
    code, _, violations = rpc_failure(lambda: contacts.call("UpdateCustomer", bad, REP))
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert set(violations) == {"customer.phone", "update_mask.paths[1]"}
    assert contacts.outbox_subjects() == ["crm.contacts.customer.created", "crm.contacts.customer.updated"]


def test_only_managers_of_the_team_and_admins_reassign_and_it_is_audited(contacts: ContactsUnderTest) -> None:
    customer = create(contacts, juristic("บริษัท สยามเทคโนโลยี จำกัด", "010555500012"), REP)
    to_colleague = pb.ReassignCustomerRequest(
        customer_id=customer.id, owner_id=OTHER_REP.user_id, reason="Malee moves to key accounts"
    )
    code, _, _ = rpc_failure(lambda: contacts.call("ReassignCustomer", to_colleague, REP))
    assert code == grpc.StatusCode.PERMISSION_DENIED
    code, _, _ = rpc_failure(lambda: contacts.call("ReassignCustomer", to_colleague, NORTH_MANAGER))
    assert code == grpc.StatusCode.PERMISSION_DENIED

    moved = contacts.call("ReassignCustomer", to_colleague, MANAGER).customer
    assert (moved.owner_id, moved.team_id, moved.audit.version) == (OTHER_REP.user_id, "team-bkk", 2)
    code, _, _ = rpc_failure(lambda: contacts.call("GetCustomer", pb.GetCustomerRequest(id=customer.id), REP))
    assert code == grpc.StatusCode.PERMISSION_DENIED
    assert (
        contacts.call("GetCustomer", pb.GetCustomerRequest(id=customer.id), OTHER_REP).customer.id
        == customer.id
    )

    entries = contacts.call(
        "ListAuditEntries",
        pb.ListAuditEntriesRequest(resource_type="customer", resource_id=customer.id),
        MANAGER,
    ).entries
    assert [(e.action, e.actor_id) for e in entries] == [("owner_changed", MANAGER.user_id)]
    assert '"from_owner_id": "u-malee"' in entries[0].details_json
    assert "key accounts" in entries[0].details_json
    code, _, _ = rpc_failure(lambda: contacts.call("ListAuditEntries", pb.ListAuditEntriesRequest(), MANAGER))
    assert code == grpc.StatusCode.PERMISSION_DENIED


def test_contact_persons_follow_their_customer(contacts: ContactsUnderTest) -> None:
    customer = create(contacts, juristic("บริษัท สยามเทคโนโลยี จำกัด", "010555500012"), REP)
    first = contacts.call(
        "CreateContactPerson",
        pb.CreateContactPersonRequest(
            contact_person=res.ContactPerson(
                customer_id=customer.id,
                first_name="สมชาย",
                last_name="ใจดี",
                phone="081-234-5678",
                birthday="1985-04-13",
            )
        ),
        REP,
    ).contact_person
    assert (first.phone, first.birthday, first.is_primary) == ("+66812345678", "1985-04-13", True)
    second = contacts.call(
        "CreateContactPerson",
        pb.CreateContactPersonRequest(
            contact_person=res.ContactPerson(customer_id=customer.id, first_name="วิไล", is_primary=True)
        ),
        REP,
    ).contact_person
    listed = contacts.call("ListContactPersons", pb.ListContactPersonsRequest(customer_id=customer.id), REP)
    assert [(c.id, c.is_primary) for c in listed.contact_persons] == [(first.id, False), (second.id, True)]

    code, _, violations = rpc_failure(
        lambda: contacts.call(
            "CreateContactPerson",
            pb.CreateContactPersonRequest(
                contact_person=res.ContactPerson(
                    customer_id=customer.id, first_name="", email="x", birthday="2999-01-01"
                )
            ),
            REP,
        )
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert set(violations) == {"contact_person.first_name", "contact_person.email", "contact_person.birthday"}
    code, _, _ = rpc_failure(
        lambda: contacts.call(
            "ListContactPersons", pb.ListContactPersonsRequest(customer_id=customer.id), OTHER_REP
        )
    )
    assert code == grpc.StatusCode.PERMISSION_DENIED

    renamed = contacts.call(
        "UpdateContactPerson",
        pb.UpdateContactPersonRequest(
            contact_person=res.ContactPerson(id=first.id, position="ผู้จัดการฝ่ายจัดซื้อ"),
            update_mask=FieldMask(paths=["position"]),
        ),
        REP,
    ).contact_person
    assert (renamed.position, renamed.first_name, renamed.audit.version) == ("ผู้จัดการฝ่ายจัดซื้อ", "สมชาย", 3)


def test_customer_groups(contacts: ContactsUnderTest) -> None:
    group = contacts.call(
        "CreateCustomerGroup",
        pb.CreateCustomerGroupRequest(customer_group=res.CustomerGroup(code="vip", name="ลูกค้า VIP")),
        MANAGER,
    ).customer_group
    assert (group.code, group.version) == ("VIP", 1)
    code, _, _ = rpc_failure(
        lambda: contacts.call(
            "CreateCustomerGroup",
            pb.CreateCustomerGroupRequest(customer_group=res.CustomerGroup(code="VIP", name="again")),
            ADMIN,
        )
    )
    assert code == grpc.StatusCode.ALREADY_EXISTS
    code, _, _ = rpc_failure(
        lambda: contacts.call(
            "CreateCustomerGroup",
            pb.CreateCustomerGroupRequest(customer_group=res.CustomerGroup(code="REP", name="x")),
            REP,
        )
    )
    assert code == grpc.StatusCode.PERMISSION_DENIED

    member = create(
        contacts, juristic("บริษัท สยามเทคโนโลยี จำกัด", "010555500012", customer_group_ids=[group.id])
    )
    assert list(member.customer_group_ids) == [group.id]
    in_group = contacts.call("ListCustomers", pb.ListCustomersRequest(customer_group_id=group.id))
    assert [c.id for c in in_group.customers] == [member.id]
    code, _, violations = rpc_failure(
        lambda: create(
            contacts, juristic("บริษัท อื่น จำกัด", "010555500013", customer_group_ids=[group.id, "grp_nope"])
        )
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert set(violations) == {"customer.customer_group_ids[1]"}
    listed = contacts.call("ListCustomerGroups", pb.ListCustomerGroupsRequest(), REP).customer_groups
    assert [g.code for g in listed] == ["VIP"]
    assert "crm.contacts.customer_group.created" in contacts.outbox_subjects()
