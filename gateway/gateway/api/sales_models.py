"""Request bodies and query parameters of the sales documents (REST JSON, snake_case).

They check shape only (types, lengths, decimals as strings, dates as YYYY-MM-DD, money as
{"amount", "currency"}); the sales rules (states, what an order has left, deposits, tax) are the
sales-docs service's. Field names are the crm.sales.v1 request field names, so
gateway.translate turns a validated body into the request message.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from gateway.api.models import DATE_PATTERN, DECIMAL_PATTERN, MoneyIn, PaymentMethodName

VatModeName = Literal["exclusive", "inclusive"]
TaxCategoryName = Literal["standard", "zero_rated", "exempt"]
Text = Field(default=None, max_length=2000)
Id = Field(default=None, max_length=80)


def decimal() -> str | None:
    return Field(default=None, pattern=DECIMAL_PATTERN, max_length=40)


def day() -> str | None:
    return Field(default=None, pattern=DATE_PATTERN)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PageQuery(_Body):
    page_size: int = Field(default=50, ge=1, le=500)
    page_token: str = ""


# --- opportunities -------------------------------------------------------------------------------


class OpportunityIn(_Body):
    name: str = Field(min_length=1, max_length=200)
    customer_id: str | None = Id
    lead_id: str | None = Id
    owner_id: str | None = Id
    team_id: str | None = Id
    expected_amount: MoneyIn | None = None
    expected_close: str | None = day()
    stage: str | None = Field(default=None, max_length=50)
    notes: str | None = Field(default=None, max_length=5000)


class StageMove(_Body):
    stage: str = Field(min_length=1, max_length=50)
    lost_reason: str | None = Field(default=None, max_length=200)
    competitor: str | None = Field(default=None, max_length=200)
    expected_version: int | None = Field(default=None, ge=1)


class OpportunityQuery(PageQuery):
    customer_id: str = ""
    stage: str = ""


# --- quotations and sale orders ------------------------------------------------------------------


class LineIn(_Body):
    """A line to price; unit_price / discount (an amount) override what pricing gives."""

    product_id: str | None = Id
    description: str | None = Field(default=None, max_length=1000)
    quantity: str = Field(pattern=DECIMAL_PATTERN, max_length=40, examples=["10"])
    unit: str | None = Field(default=None, max_length=30)
    unit_price: MoneyIn | None = None
    discount: MoneyIn | None = None
    tax_category: TaxCategoryName | None = None
    free_gift: bool | None = None


class QuotationIn(_Body):
    opportunity_id: str | None = Id
    customer_id: str | None = Id
    lines: list[LineIn] = Field(default_factory=list, max_length=500)
    issue_date: str | None = day()
    valid_until: str | None = day()
    vat_mode: VatModeName | None = None
    document_discount: MoneyIn | None = None
    coupon_codes: list[str] | None = Field(default=None, max_length=20)
    payment_terms: str | None = Text
    notes: str | None = Text
    team_id: str | None = Id


class QuotationPatch(_Body):
    lines: list[LineIn] | None = Field(default=None, max_length=500)
    document_discount: MoneyIn | None = None
    valid_until: str | None = day()
    payment_terms: str | None = Text
    notes: str | None = Text
    expected_version: int | None = Field(default=None, ge=1)


class Submit(_Body):
    expected_version: int | None = Field(default=None, ge=1)


class Revise(_Body):
    valid_until: str | None = day()


class Send(_Body):
    to: list[str] = Field(default_factory=list, max_length=20, description="Empty = the customer's e-mail.")
    message: str | None = Text


class Reason(_Body):
    reason: str | None = Field(default=None, max_length=1000)


class QuotationQuery(PageQuery):
    customer_id: str = ""
    status: str = ""
    opportunity_id: str = ""


class SaleOrderIn(_Body):
    quotation_id: str | None = Id
    customer_id: str | None = Id
    lines: list[LineIn] | None = Field(default=None, max_length=500)
    order_date: str | None = day()
    vat_mode: VatModeName | None = None
    document_discount: MoneyIn | None = None
    customer_reference: str | None = Field(default=None, max_length=200)
    coupon_codes: list[str] | None = Field(default=None, max_length=20)
    team_id: str | None = Id


class SaleOrderQuery(PageQuery):
    customer_id: str = ""
    status: str = ""


# --- deposits, invoices, notes, receipts ---------------------------------------------------------


class PaymentIn(_Body):
    method: PaymentMethodName = "transfer"
    reference: str | None = Field(default=None, max_length=200)
    bank: str | None = Field(default=None, max_length=200)
    cheque_number: str | None = Field(default=None, max_length=50)
    cheque_date: str | None = day()


class DepositIn(_Body):
    sale_order_id: str = Field(min_length=1, max_length=80)
    amount: MoneyIn
    amount_excludes_vat: bool | None = Field(default=None, description="True: the amount is before VAT.")
    received_on: str | None = day()
    payment: PaymentIn | None = None
    description: str | None = Field(default=None, max_length=500)


class DepositQuery(PageQuery):
    sale_order_id: str = ""
    customer_id: str = ""


class SelectionIn(_Body):
    order_line: int = Field(ge=0)
    quantity: str = Field(pattern=DECIMAL_PATTERN, max_length=40)


class DeductionIn(_Body):
    deposit_id: str = Field(min_length=1, max_length=80)
    amount: MoneyIn | None = Field(default=None, description="Pre-VAT; empty = all that remains.")


class InvoiceIn(_Body):
    sale_order_id: str = Field(min_length=1, max_length=80)
    lines: list[SelectionIn] | None = Field(default=None, max_length=500)
    percent: str | None = decimal()
    deposit_deductions: list[DeductionIn] | None = Field(default=None, max_length=50)
    issue_date: str | None = day()
    due_date: str | None = day()
    notes: str | None = Text


class InvoiceQuery(PageQuery):
    customer_id: str = ""
    sale_order_id: str = ""


class AdjustmentLineIn(_Body):
    description: str = Field(min_length=1, max_length=1000)
    quantity: str | None = decimal()
    unit_price: MoneyIn = Field(description="Pre-VAT.")
    unit: str | None = Field(default=None, max_length=30)
    tax_category: TaxCategoryName | None = None


class NoteIn(_Body):
    """A credit note (§86/10) or debit note (§86/9) against an issued invoice."""

    invoice_id: str = Field(min_length=1, max_length=80)
    lines: list[AdjustmentLineIn] = Field(min_length=1, max_length=200)
    reason: str | None = Field(default=None, max_length=1000)
    issue_date: str | None = day()


class AllocationIn(_Body):
    invoice_id: str = Field(min_length=1, max_length=80)
    amount: MoneyIn = Field(description="Settled by this receipt: cash plus tax withheld.")


class ReceiptIn(_Body):
    customer_id: str = Field(min_length=1, max_length=80)
    received_on: str | None = day()
    payment: PaymentIn | None = None
    allocations: list[AllocationIn] = Field(min_length=1, max_length=200)
    withholding_tax_rate: str | None = Field(default=None, pattern=DECIMAL_PATTERN, max_length=5)
    withholding_tax_certificate: str | None = Field(default=None, max_length=100)
    notes: str | None = Text


class ReceiptQuery(PageQuery):
    customer_id: str = ""


class AgingQuery(_Body):
    as_of: str = Field(default="", pattern=rf"^$|{DATE_PATTERN}")
    customer_id: str = ""
