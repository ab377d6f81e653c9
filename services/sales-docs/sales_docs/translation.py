"""Domain objects ↔ crm.sales.v1 messages (the api and the event recorder share it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from chassis.errors import InvalidArgument
from chassis.thai import bahttext
from crm.common.v1 import money_pb2
from crm.sales.v1 import resources_pb2 as res

from sales_docs.application.pricing_lines import LineInput, PricingRecord
from sales_docs.domain.adjustments import AdjustmentNote
from sales_docs.domain.aging import AgingBucket, AgingRow
from sales_docs.domain.amounts import PricedDocument
from sales_docs.domain.deposits import Deposit
from sales_docs.domain.opportunities import Opportunity
from sales_docs.domain.parties import Party
from sales_docs.domain.payments import Payment, PaymentMethod
from sales_docs.domain.quotations import Quotation, override_percent
from sales_docs.domain.receipts import OpenInvoice, Receipt
from sales_docs.domain.sale_orders import SaleOrder
from sales_docs.domain.tax_invoices import TaxInvoice

CURRENCY = "THB"


def money(value: Decimal) -> money_pb2.Money:
    return money_pb2.Money(currency_code=CURRENCY, amount=f"{value:.2f}")


def decimal_of(text: str, field: str, *, default: Decimal | None = None) -> Decimal:
    if not text.strip() and default is not None:
        return default
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise InvalidArgument(field, f"{text!r} is not a decimal number") from None
    if not value.is_finite():
        raise InvalidArgument(field, "must be a finite number")
    return value


def money_of(msg: money_pb2.Money, field: str) -> Decimal:
    if msg.currency_code and msg.currency_code != CURRENCY:
        raise InvalidArgument(f"{field}.currency_code", "only THB is supported")
    return decimal_of(msg.amount, f"{field}.amount", default=Decimal(0))


def date_of(text: str, field: str) -> dt.date | None:
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidArgument(field, f"{text!r} is not a date (YYYY-MM-DD)") from None


def date_text(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def line_inputs(lines: Iterable[res.DocumentLine], path: str = "lines") -> tuple[LineInput, ...]:
    found = []
    for index, line in enumerate(lines):
        where = f"{path}[{index}]"
        found.append(
            LineInput(
                description=line.description,
                quantity=decimal_of(line.quantity, f"{where}.quantity", default=Decimal(0)),
                product_id=line.product_id.strip(),
                unit=line.unit,
                unit_price=money_of(line.unit_price, f"{where}.unit_price")
                if line.HasField("unit_price")
                else None,
                discount=money_of(line.discount, f"{where}.discount") if line.HasField("discount") else None,
                tax_category=line.tax_category,
                free_gift=line.free_gift,
            )
        )
    return tuple(found)


def payment_of(msg: res.Payment, field: str = "payment") -> Payment:
    try:
        method = PaymentMethod(msg.method or "transfer")
    except ValueError:
        raise InvalidArgument(f"{field}.method", "must be cash, transfer, cheque or card") from None
    return Payment(
        method, msg.reference, msg.bank, msg.cheque_number, date_of(msg.cheque_date, f"{field}.cheque_date")
    )


def payment_message(payment: Payment) -> res.Payment:
    return res.Payment(
        method=payment.method.value,
        reference=payment.reference,
        bank=payment.bank,
        cheque_number=payment.cheque_number,
        cheque_date=date_text(payment.cheque_date),
    )


def party_message(party: Party) -> res.Party:
    return res.Party(
        name=party.name,
        name_en=party.name_en,
        address=party.address,
        tax_id=party.tax_id,
        branch_code=party.branch_code,
        phone=party.phone,
        email=party.email,
    )


def opportunity_message(o: Opportunity) -> res.Opportunity:
    return res.Opportunity(
        id=o.id,
        name=o.name,
        customer_id=o.customer_id,
        lead_id=o.lead_id,
        owner_id=o.owner_id,
        team_id=o.team_id,
        stage=o.stage,
        probability=str(o.probability),
        expected_amount=money(o.expected_amount),
        weighted_amount=money(o.weighted_amount),
        expected_close=date_text(o.expected_close),
        outcome=o.outcome.value,
        lost_reason=o.lost_reason,
        competitor=o.competitor,
        notes=o.notes,
        history=[
            res.StageChange(
                from_stage=h.from_stage,
                to_stage=h.to_stage,
                actor_id=h.actor,
                at=h.at.isoformat(),
                probability=str(h.probability),
            )
            for h in o.history
        ],
        version=o.version,
    )


def lines_and_totals(priced: PricedDocument) -> tuple[list[res.DocumentLine], res.DocumentTotals]:
    lines = [
        res.DocumentLine(
            product_id=item.product_id,
            description=item.description,
            quantity=str(item.quantity),
            unit=item.unit,
            unit_price=money(item.unit_price),
            discount=money(item.line_discount),
            tax_category=item.tax_category.value,
            free_gift=item.free_gift,
            priced_net=money(item.priced_net) if item.priced_net is not None else None,
            applied_rules=list(item.applied_rules),
            net=money(amounts.net),
            amount=money(amounts.amount),
            override_percent=f"{override_percent(item):.2f}",
        )
        for item, amounts in zip(priced.items, priced.lines, strict=True)
    ]
    x = priced.totals
    totals = res.DocumentTotals(
        gross=money(x.gross),
        line_discounts=money(x.line_discounts),
        subtotal=money(x.subtotal),
        document_discount=money(x.document_discount),
        pre_vat_total=money(x.pre_vat_total),
        vat=money(x.vat),
        grand_total=money(x.grand_total),
        grand_total_words=bahttext(x.grand_total),
    )
    return lines, totals


def quotation_message(qt: Quotation, pricing: PricingRecord | None = None) -> res.Quotation:
    lines, totals = lines_and_totals(qt.priced)
    pricing = pricing or PricingRecord()
    return res.Quotation(
        id=qt.id,
        number=qt.number,
        display_number=qt.display_number,
        revision=qt.revision,
        status=qt.status.value,
        superseded=qt.superseded,
        customer_id=qt.customer_id,
        customer=party_message(qt.customer),
        owner_id=qt.owner_id,
        team_id=qt.team_id,
        opportunity_id=qt.opportunity_id,
        issue_date=date_text(qt.issue_date),
        valid_until=date_text(qt.valid_until),
        vat_mode=qt.vat_mode.value,
        document_discount=money(qt.document_discount),
        lines=lines,
        totals=totals,
        payment_terms=qt.payment_terms,
        notes=qt.notes,
        pricing_version=pricing.version,
        applied_promotion_ids=list(pricing.promotion_ids),
        coupon_codes=list(pricing.coupons),
        approval_reasons=list(qt.approval_reasons),
        decision_reason=qt.decision_reason,
        source_key=qt.source_key,
        version=qt.version,
    )


def sale_order_message(
    order: SaleOrder, pricing: PricingRecord | None = None, deposit_balance: Decimal = Decimal(0)
) -> res.SaleOrder:
    lines, totals = lines_and_totals(order.priced)
    pricing = pricing or PricingRecord()
    return res.SaleOrder(
        id=order.id,
        number=order.number,
        status=order.status.value,
        customer_id=order.customer_id,
        customer=party_message(order.customer),
        owner_id=order.owner_id,
        team_id=order.team_id,
        quotation_id=order.quotation_id,
        quotation_number=order.quotation_number,
        order_date=date_text(order.order_date),
        vat_mode=order.vat_mode.value,
        document_discount=money(order.document_discount),
        lines=lines,
        totals=totals,
        remaining=[
            res.RemainingLine(
                line_index=r.line_index,
                description=r.description,
                quantity=str(r.quantity),
                amount=money(r.amount),
            )
            for r in order.remaining()
        ],
        customer_reference=order.customer_reference,
        promotion_ids=list(order.promotion_codes),
        coupon_codes=list(order.coupon_codes),
        cancel_reason=order.cancel_reason,
        deposit_balance=money(deposit_balance),
        pricing_version=pricing.version,
        version=order.version,
    )


def deposit_message(d: Deposit) -> res.Deposit:
    return res.Deposit(
        id=d.id,
        number=d.number,
        sale_order_id=d.sale_order_id,
        sale_order_number=d.sale_order_number,
        customer_id=d.customer_id,
        received_on=date_text(d.received_on),
        payment=payment_message(d.payment),
        base=money(d.base),
        vat=money(d.vat),
        total=money(d.total),
        remaining=money(d.remaining_total),
        remaining_base=money(d.remaining_base),
        description=d.description,
        version=d.version,
    )


def invoice_message(
    inv: TaxInvoice, account: OpenInvoice | None = None, today: dt.date | None = None
) -> res.TaxInvoice:
    x = inv.totals
    message = res.TaxInvoice(
        id=inv.id,
        number=inv.number,
        kind=inv.kind.value,
        status=inv.status.value,
        customer_id=inv.customer_id,
        seller=party_message(inv.seller),
        buyer=party_message(inv.buyer),
        issue_date=date_text(inv.issue_date),
        due_date=date_text(inv.due_date),
        sale_order_id=inv.sale_order_id,
        sale_order_number=inv.sale_order_number,
        lines=[
            res.InvoiceLine(
                description=li.description,
                quantity=str(li.quantity),
                unit=li.unit,
                unit_price=money(li.unit_price),
                discount=money(li.discount),
                amount=money(li.amount),
                tax_category=li.tax_category.value,
                order_line=-1 if li.order_line is None else li.order_line,
            )
            for li in inv.lines
        ],
        deductions=[
            res.DepositDeduction(
                deposit_id=d.deposit_id, deposit_number=d.deposit_number, base=money(d.base), vat=money(d.vat)
            )
            for d in inv.deductions
        ],
        totals=res.InvoiceTotals(
            lines_amount=money(x.lines_amount),
            deposit_base=money(x.deposit_base),
            deposit_vat=money(x.deposit_vat),
            pre_vat_total=money(x.pre_vat_total),
            vat=money(x.vat),
            grand_total=money(x.grand_total),
            grand_total_words=bahttext(x.grand_total),
        ),
        sent=inv.sent_at is not None,
        void_reason=inv.void_reason,
        version=inv.version,
    )
    if account is not None:
        message.amount_due.CopyFrom(money(account.total))
        message.settled.CopyFrom(money(account.settled))
        message.outstanding.CopyFrom(money(account.outstanding))
        message.payment_status = account.status(today or dt.date.today()).value
    return message


def note_message(n: AdjustmentNote) -> res.AdjustmentNote:
    return res.AdjustmentNote(
        id=n.id,
        number=n.number,
        kind=n.kind.value,
        invoice_id=n.invoice_id,
        invoice_number=n.invoice_number,
        issue_date=date_text(n.issue_date),
        customer_id=n.customer_id,
        reason=n.reason,
        lines=[
            res.AdjustmentLine(
                description=li.description,
                quantity=str(li.quantity),
                unit_price=money(li.unit_price),
                unit=li.unit,
                tax_category=li.tax_category.value,
            )
            for li in n.lines
        ],
        original_value=money(n.original_value),
        corrected_value=money(n.corrected_value),
        difference=money(n.difference),
        vat=money(n.vat),
        total=money(n.total),
    )


def receipt_message(r: Receipt) -> res.Receipt:
    return res.Receipt(
        id=r.id,
        number=r.number,
        customer_id=r.customer_id,
        received_on=date_text(r.received_on),
        payment=payment_message(r.payment),
        allocations=[
            res.ReceiptAllocation(
                invoice_id=a.invoice_id,
                invoice_number=a.invoice_number,
                amount=money(a.amount),
                base=money(a.base),
                withholding_tax=money(a.withholding_tax),
                received=money(a.received),
            )
            for a in r.allocations
        ],
        withholding_tax_rate=str(r.withholding_tax_rate),
        withholding_tax_certificate=r.withholding_tax_certificate,
        amount=money(r.amount),
        withholding_tax=money(r.withholding_tax),
        received=money(r.received),
        notes=r.notes,
    )


def aging_row(row: AgingRow) -> res.AgingRow:
    a = row.amounts
    return res.AgingRow(
        customer_id=row.customer_id,
        current=money(a[AgingBucket.CURRENT]),
        days_1_30=money(a[AgingBucket.DAYS_1_30]),
        days_31_60=money(a[AgingBucket.DAYS_31_60]),
        days_61_90=money(a[AgingBucket.DAYS_61_90]),
        over_90=money(a[AgingBucket.OVER_90]),
        total=money(row.total),
    )
