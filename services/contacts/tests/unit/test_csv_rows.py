"""CSV import rows: reading the file, validating rows like requests, column names in errors,
and fingerprints that recognise the same data on a re-run."""

from __future__ import annotations

from contacts.domain.csv_rows import (
    ImportKind,
    RowError,
    customer_form,
    fingerprint,
    lead_form,
    read_csv,
    row_errors,
)
from contacts.domain.customers import parse_customer_profile
from contacts.domain.leads import parse_new_lead
from contacts.domain.validation import Fields
from stdnum.th import pin

COMPANY = "010555500012" + pin.calc_check_digit("010555500012")


def test_header_bom_blank_rows_and_unknown_columns() -> None:
    content = (
        "\ufeffContact Name,phone,favourite colour\nคุณวิไล,081-234-5678,blue\n,,\nคุณอารีย์,089-876-5432,red\n"
    ).encode()
    sheet = read_csv(content, ImportKind.LEADS)
    assert sheet.errors == [RowError(0, "favourite_colour", "unknown column, ignored")]
    assert [(row.number, row.get("contact_name")) for row in sheet.rows] == [(1, "คุณวิไล"), (3, "คุณอารีย์")]


def test_a_file_that_is_not_utf8_is_reported_on_row_0() -> None:
    sheet = read_csv("name\nบริษัท".encode("cp874"), ImportKind.CUSTOMERS)
    assert sheet.rows == []
    assert (sheet.errors[0].row, sheet.errors[0].field) == (0, "content")


def test_a_row_with_more_cells_than_the_header_is_an_error() -> None:
    sheet = read_csv(b"contact_name\nA,B\n", ImportKind.LEADS)
    assert sheet.rows == []
    assert sheet.errors == [RowError(1, "content", "the row has more cells than the header")]


def test_lead_rows_default_to_source_import() -> None:
    row = read_csv("contact_name,email\nคุณวิไล,wilai@example.co.th\n".encode(), ImportKind.LEADS).rows[0]
    fields = Fields()
    source, _status, _profile = parse_new_lead(lead_form(row), fields)
    assert fields.violations == []
    assert source.value == "import"


def test_customer_row_errors_name_the_csv_columns() -> None:
    content = (
        "kind,name,tax_id,postcode,house_no,province,district,sub_district,credit_limit,address_kind\n"
        f"juristic,,{COMPANY[:-1]}0,1012,1,กรุงเทพมหานคร,สาทร,ทุ่งมหาเมฆ,abc,depot\n"
    ).encode()
    row = read_csv(content, ImportKind.CUSTOMERS).rows[0]
    fields = Fields()
    parse_customer_profile(customer_form(row), fields)
    errors = row_errors(row.number, fields.violations)
    assert {e.field for e in errors} == {"name", "tax_id", "postcode", "credit_limit", "address_kind"}
    assert {e.row for e in errors} == {1}


def test_the_same_data_written_differently_has_one_fingerprint() -> None:
    content = (
        "contact_name,phone,email\n"
        "คุณวิไล,081-234-5678,Wilai@Example.co.th\n"
        "คุณวิไล ,0812345678,wilai@example.co.th\n"
        "คุณวิไล,0812345679,wilai@example.co.th\n"
    ).encode()
    prints = []
    for row in read_csv(content, ImportKind.LEADS).rows:
        form = lead_form(row)
        values = parse_new_lead(form, Fields())
        prints.append(fingerprint(ImportKind.LEADS, values, form.owner_id, form.team_id))
    assert prints[0] == prints[1]
    assert prints[0] != prints[2]
    assert len(prints[0]) == 64
