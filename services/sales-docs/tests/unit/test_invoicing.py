"""Sale orders, deposits and tax invoices: partial invoicing, deposit deductions, void."""

import datetime as dt
from decimal import Decimal

import pytest
from chassis.errors import FailedPrecondition, InvalidArgument
from hypothesis import given, settings
from hypothesis import strategies as st
from sales_docs.domain.amounts import LineItem, TaxCategory, VatMode
from sales_docs.domain.deposits import (
    Deposit,
    DepositDeduction,
    deduction,
    receive_deposit,
    with_deduction,
    with_deduction_reversed,
)
from sales_docs.domain.particulars import particulars
from sales_docs.domain.parties import Party
from sales_docs.domain.payments import Payment, PaymentMethod
from sales_docs.domain.sale_orders import SaleOrder, cancelled, confirmed, new_sale_order, with_progress
from sales_docs.domain.tax_invoices import (
    InvoiceStatus,
    OrderSelection,
    TaxInvoice,
    issue_tax_invoice,
    lines_from_order,
    marked_sent,
    order_progress,
    voided,
)

D = Decimal
DAY = dt.date(2026, 11, 23)
TRANSFER = Payment(PaymentMethod.TRANSFER, reference="KBANK 123")


def _order(buyer: Party, mode: VatMode = VatMode.EXCLUSIVE) -> SaleOrder:
    items = [
        LineItem("Air conditioner 18,000 BTU", D(10), D("10000.00"), unit="เครื่อง"),
        LineItem("Installation", D(1), D("20000.00"), unit="งาน"),
    ]
    return confirmed(
        new_sale_order("so-1", buyer, "cus-1", "rep-1", DAY, items, vat_mode=mode), "SO2569-00001"
    )


def _invoice(
    seller: Party, order: SaleOrder, number: str, selection: OrderSelection, *deductions: DepositDeduction
) -> TaxInvoice:
    return issue_tax_invoice(
        number,
        number,
        seller,
        order.customer,
        order.customer_id,
        DAY,
        lines_from_order(order, selection),
        vat_mode=order.vat_mode,
        deductions=deductions,
        due_date=DAY + dt.timedelta(days=30),
        order=order,
    )


def test_two_partial_invoices_deduct_a_deposit_and_add_up_to_the_order(seller: Party, buyer: Party) -> None:
    order = _order(buyer)
    assert (order.priced.totals.pre_vat_total, order.priced.totals.grand_total) == (
        D("120000.00"),
        D("128400.00"),
    )
    deposit = receive_deposit("dp-1", "DP2569-00001", order, seller, D("38520.00"), DAY, TRANSFER)
    assert (deposit.base, deposit.vat, deposit.total) == (D("36000.00"), D("2520.00"), D("38520.00"))

    first_take = deduction(deposit, D("12000.00"))
    assert (first_take.base, first_take.vat) == (D("12000.00"), D("840.00"))
    first = _invoice(seller, order, "INV2569-00001", OrderSelection(lines=((0, D(4)),)), first_take)
    t = first.totals
    assert (t.lines_amount, t.deposit_base, t.pre_vat_total, t.vat, t.grand_total) == (
        D("40000.00"),
        D("12000.00"),
        D("28000.00"),
        D("1960.00"),
        D("29960.00"),
    )
    order = with_progress(order, order_progress(first))
    deposit = with_deduction(deposit, first_take)
    assert (deposit.remaining_base, deposit.remaining_vat) == (D("24000.00"), D("2520.00") - D("840.00"))

    rest = deduction(deposit)  # all that remains
    second = _invoice(seller, order, "INV2569-00002", OrderSelection(), rest)
    t = second.totals
    assert [(line.quantity, line.amount) for line in second.lines] == [
        (D(6), D("60000.00")),
        (D(1), D("20000.00")),
    ]
    assert (t.deposit_base, t.deposit_vat, t.pre_vat_total, t.vat, t.grand_total) == (
        D("24000.00"),
        D("1680.00"),
        D("56000.00"),
        D("3920.00"),
        D("59920.00"),
    )
    order = with_progress(order, order_progress(second))
    deposit = with_deduction(deposit, rest)
    assert order.fully_invoiced
    assert deposit.remaining_total == 0
    # Deposit + invoices = the order, in amount and in VAT.
    assert deposit.total + first.totals.grand_total + second.totals.grand_total == D("128400.00")
    assert deposit.vat + first.totals.vat + second.totals.vat == D("8400.00")


def test_a_vat_inclusive_order_invoiced_by_percentage_with_a_deposit(seller: Party, buyer: Party) -> None:
    order = _order(buyer, VatMode.INCLUSIVE)  # 120,000.00 including VAT: 112,149.53 + 7,850.47
    assert (order.priced.totals.pre_vat_total, order.priced.totals.vat) == (D("112149.53"), D("7850.47"))
    deposit = receive_deposit("dp-1", "DP2569-00002", order, seller, D("10700.00"), DAY, TRANSFER)
    assert (deposit.base, deposit.vat) == (D("10000.00"), D("700.00"))
    half = _invoice(seller, order, "INV2569-00003", OrderSelection(percent=D(50)), deduction(deposit))
    assert [(line.quantity, line.amount) for line in half.lines] == [
        (D(5), D("50000.00")),
        (D("0.5"), D("10000.00")),
    ]
    t = half.totals
    # 60,000.00 including VAT less the deposit's 10,700.00 = 49,300.00, of which VAT 3,225.23.
    assert (t.grand_total, t.vat, t.pre_vat_total) == (D("49300.00"), D("3225.23"), D("46074.77"))


def test_an_invoice_beyond_what_the_order_has_left_names_the_quantity(seller: Party, buyer: Party) -> None:
    order = _order(buyer)
    with pytest.raises(InvalidArgument) as beyond:
        lines_from_order(order, OrderSelection(lines=((1, D(1)), (0, D(11)))))
    assert [v.field for v in beyond.value.violations] == ["lines[1].quantity"]
    with pytest.raises(InvalidArgument) as zero:
        lines_from_order(order, OrderSelection(lines=((0, D(0)),)))
    assert [v.field for v in zero.value.violations] == ["lines[0].quantity"]
    done = with_progress(order, order_progress(_invoice(seller, order, "INV1", OrderSelection())))
    with pytest.raises(InvalidArgument) as nothing:
        lines_from_order(done)
    assert nothing.value.violations[0].field == "lines"


def test_a_deposit_deduction_beyond_the_deposit_names_the_field(seller: Party, buyer: Party) -> None:
    deposit = receive_deposit("dp-1", "DP1", _order(buyer), seller, D("10700.00"), DAY, TRANSFER)
    with pytest.raises(InvalidArgument) as raised:
        deduction(deposit, D("10000.01"), field="deposit_deductions[0].amount")
    assert raised.value.violations[0].field == "deposit_deductions[0].amount"


def test_a_deposit_beyond_the_order_is_refused(seller: Party, buyer: Party) -> None:
    with pytest.raises(InvalidArgument) as raised:
        receive_deposit("dp", "DP1", _order(buyer), seller, D("128400.01"), DAY, TRANSFER)
    assert raised.value.violations[0].field == "amount"
    with pytest.raises(InvalidArgument) as cheque:
        receive_deposit("dp", "DP1", _order(buyer), seller, D("100"), DAY, Payment(PaymentMethod.CHEQUE))
    assert {v.field for v in cheque.value.violations} == {"payment.cheque_number", "payment.bank"}


def test_voiding_before_sending_gives_back_the_order_lines_and_the_deposit(
    seller: Party, buyer: Party
) -> None:
    order = _order(buyer)
    deposit: Deposit = receive_deposit("dp", "DP1", order, seller, D("10700.00"), DAY, TRANSFER)
    take = deduction(deposit)
    invoice = _invoice(seller, order, "INV2569-00009", OrderSelection(), take)
    order, deposit = with_progress(order, order_progress(invoice)), with_deduction(deposit, take)
    void = voided(invoice, "wrong buyer branch")
    assert (void.number, void.status) == ("INV2569-00009", InvoiceStatus.VOID)
    order = with_progress(order, order_progress(void, -1))
    deposit = with_deduction_reversed(deposit, take)
    assert not order.invoiced_anything
    assert deposit.remaining_base == D("10000.00")
    with pytest.raises(FailedPrecondition):
        voided(marked_sent(invoice, dt.datetime(2026, 11, 24, tzinfo=dt.UTC)), "too late")
    with pytest.raises(FailedPrecondition):
        voided(invoice, "paid already", paid=D("1.00"))


def test_an_invoiced_order_cannot_be_cancelled(seller: Party, buyer: Party) -> None:
    order = _order(buyer)
    invoiced = with_progress(order, order_progress(_invoice(seller, order, "INV1", OrderSelection())))
    with pytest.raises(FailedPrecondition):
        cancelled(invoiced, "customer changed mind")
    with pytest.raises(FailedPrecondition):
        cancelled(order, "customer changed mind", deposits_held=D("10700.00"))
    assert cancelled(order, "customer changed mind").cancel_reason == "customer changed mind"


def test_the_invoice_carries_the_section_86_4_particulars(seller: Party, buyer: Party) -> None:
    facts = particulars(_invoice(seller, _order(buyer), "INV2569-00010", OrderSelection()))
    assert facts.title == "ใบกำกับภาษี / Tax Invoice"
    assert (facts.seller.tax_id, facts.buyer.tax_id, facts.buyer.branch_label_th()) == (
        "0105558123451",
        "0105560123454",
        "สาขาที่ 00002",
    )
    assert (facts.number, facts.issue_date, facts.value, facts.vat) == (
        "INV2569-00010",
        DAY,
        D("120000.00"),
        D("8400.00"),
    )
    assert facts.lines[0].description == "Air conditioner 18,000 BTU"


def test_an_invoice_refuses_a_seller_without_a_valid_tax_id(seller: Party, buyer: Party) -> None:
    order = _order(buyer)
    bad = Party(seller.name, "", tax_id="0105558123450", branch_code="1")
    with pytest.raises(InvalidArgument) as raised:
        issue_tax_invoice("i", "INV1", bad, buyer, "cus-1", DAY, lines_from_order(order))
    assert {v.field for v in raised.value.violations} == {
        "seller.address",
        "seller.tax_id",
        "seller.branch_code",
    }


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=50),
            st.decimals(min_value=D("0.01"), max_value=D("9999.99"), places=2),
            st.sampled_from(list(TaxCategory)),
        ),
        min_size=1,
        max_size=5,
    ),
    st.lists(st.integers(min_value=1, max_value=100), min_size=1, max_size=6),
    st.sampled_from(list(VatMode)),
)
def test_partial_invoices_never_lose_a_satang_of_the_order(
    lines: list[tuple[int, Decimal, TaxCategory]], percents: list[int], mode: VatMode
) -> None:
    buyer = Party("Buyer", "Bangkok")
    items = [LineItem(f"L{i}", D(q), p, tax_category=c) for i, (q, p, c) in enumerate(lines)]
    order = confirmed(
        new_sale_order("so", buyer, "c", "r", DAY, items, vat_mode=mode, document_discount=D("0.01")), "SO"
    )
    invoiced = D(0)
    for percent in [*percents, 100]:
        if order.fully_invoiced:
            break
        taken = lines_from_order(order, OrderSelection(percent=D(percent)))
        order = with_progress(order, [(li.order_line or 0, li.quantity, li.amount) for li in taken])
        invoiced += sum((li.amount for li in taken), D(0))
    assert order.fully_invoiced
    assert invoiced == order.priced.totals.amount_after_discount
    assert all(r.amount == 0 for r in order.remaining())
