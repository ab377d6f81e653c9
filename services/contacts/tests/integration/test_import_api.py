"""CSV import over gRPC: per-row errors with row and column, batches with progress, and a
re-run of the same file that imports nothing twice."""

from __future__ import annotations

import grpc
from contacts.testing import MANAGER, REP, ContactsUnderTest, rpc_failure, tax_id
from crm.contacts.v1 import contacts_service_pb2 as pb

LEADS = (
    "\ufeffsource,company_name,contact_name,email,phone\n"
    "web_form,บริษัท บางนาโลจิสติกส์ จำกัด,คุณวิไล,wilai@bangna-logistics.co.th,081-234-5678\n"
    "facebook,ร้านกาแฟดอยช้าง,คุณอารีย์,aree@doichang-coffee.com,089-876-5432\n"
    "carrier pigeon,บริษัท ระยองเคมี จำกัด,คุณประเสริฐ,prasert@,0861112222\n"
    ",บริษัท นครปฐมการเกษตร จำกัด,คุณสมศรี,somsri@npt-agri.co.th,081-555-6666\n"
    "email,,,,\n"
    "referral,บริษัท อยุธยาเหล็กกล้า จำกัด,คุณวีระ,weera@ayutthaya-steel.co.th,083-999-0000\n"
)


def run(
    contacts: ContactsUnderTest,
    content: str,
    kind: int = pb.IMPORT_KIND_LEADS,
    batch_size: int = 2,
    validate_only: bool = False,
) -> list[pb.ImportCsvResponse]:
    return contacts.stream(
        "ImportCsv",
        pb.ImportCsvRequest(
            kind=kind, content=content.encode(), batch_size=batch_size, validate_only=validate_only
        ),
        REP,
    )


def test_leads_import_in_batches_with_row_errors_and_rerun_skips_them(contacts: ContactsUnderTest) -> None:
    progress = run(contacts, LEADS)
    assert [p.processed_rows for p in progress] == [2, 4, 6, 6]  # one report per batch of two, then done
    last = progress[-1]
    assert last.done
    assert (last.total_rows, last.imported_rows, last.skipped_rows) == (6, 4, 0)
    assert sorted((e.row, e.field) for e in last.errors) == [(3, "email"), (3, "source"), (5, "contact_name")]
    assert sorted((e.row, e.field) for e in progress[1].errors) == [(3, "email"), (3, "source")]
    assert contacts.count("leads") == 4
    assert contacts.count("outbox", "subject = 'crm.contacts.lead.created'") == 4
    leads = contacts.call("ListLeads", pb.ListLeadsRequest(), REP).leads
    assert {lead.owner_id for lead in leads} == {REP.user_id}
    by_source = {lead.contact_name: lead.source for lead in leads}
    assert by_source["คุณสมศรี"] == 8  # LEAD_SOURCE_IMPORT when the column is empty

    again = run(contacts, LEADS.replace("081-234-5678", "0812345678"), batch_size=100)[-1]
    assert (again.imported_rows, again.skipped_rows, len(again.errors)) == (0, 4, 3)
    assert contacts.count("leads") == 4


def test_validate_only_stores_nothing(contacts: ContactsUnderTest) -> None:
    last = run(contacts, LEADS, validate_only=True)[-1]
    assert (last.imported_rows, len(last.errors)) == (0, 3)
    assert contacts.count("leads") == 0
    assert contacts.count("import_fingerprints") == 0


def test_customers_import_refuses_certain_duplicates(contacts: ContactsUnderTest) -> None:
    siam, chiang_mai = tax_id("010555500012"), tax_id("050555800412")
    content = (
        "kind,name,tax_id,branch_code,phone,house_no,sub_district,district,province,postcode,credit_term_days,"
        "credit_limit,payment_method\n"
        f"juristic,บริษัท สยามเทคโนโลยี จำกัด,{siam},00000,02-123-4567,99/9 ถนนสาทรใต้,ทุ่งมหาเมฆ,สาทร,"
        "กรุงเทพมหานคร,10120,30,500000.00,transfer\n"
        f"juristic,บริษัท สยามเทค สาขาสอง จำกัด,{siam},0,,,,,,,,,\n"
        f"juristic,บริษัท เชียงใหม่ฟู้ดส์ จำกัด,{chiang_mai},00000,053-221-100,12 ถนนห้วยแก้ว,สุเทพ,เมืองเชียงใหม่,"
        "เชียงใหม่,5020,45,abc,barter\n"
    )
    last = run(contacts, content, kind=pb.IMPORT_KIND_CUSTOMERS)[-1]
    assert (last.imported_rows, last.total_rows) == (1, 3)
    assert sorted((e.row, e.field) for e in last.errors) == [
        (2, "tax_id"),
        (3, "credit_limit"),
        (3, "payment_method"),
        (3, "postcode"),
    ]
    [stored] = contacts.call("ListCustomers", pb.ListCustomersRequest(), REP).customers
    assert (stored.tax_id, stored.addresses[0].postcode, stored.sales_conditions.credit_limit.amount) == (
        siam,
        "10120",
        "500000.00",
    )

    fixed = content.replace(",5020,45,abc,barter", ",50200,45,300000,cash").replace(
        f",{siam},0,", f",{siam},1,"
    )
    rerun = run(contacts, fixed, kind=pb.IMPORT_KIND_CUSTOMERS)[-1]
    assert (rerun.imported_rows, rerun.skipped_rows, list(rerun.errors)) == (2, 1, [])
    assert contacts.call("ListCustomers", pb.ListCustomersRequest(), MANAGER).total_size == 3


def test_a_bad_import_request_fails_before_the_stream(contacts: ContactsUnderTest) -> None:
    code, _, violations = rpc_failure(
        lambda: contacts.stream(
            "ImportCsv", pb.ImportCsvRequest(kind=pb.IMPORT_KIND_UNSPECIFIED, content=b"name\n"), REP
        )
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert set(violations) == {"kind"}
    last = run(contacts, "contact_name,shoe_size\nคุณวิไล,42\n")[-1]
    assert [(e.row, e.field) for e in last.errors] == [(0, "shoe_size")]
    assert last.imported_rows == 1
