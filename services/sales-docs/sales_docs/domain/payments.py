"""How money came in: the payment method and its reference, shared by deposits and receipts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from chassis.errors import ViolationCollector


class PaymentMethod(StrEnum):
    CASH = "cash"
    TRANSFER = "transfer"
    CHEQUE = "cheque"
    CARD = "card"


@dataclass(frozen=True)
class Payment:
    """A payment's method and references: the bank and transfer reference, or the cheque's
    number, bank and date (a receipt for a cheque says it is valid once the cheque clears)."""

    method: PaymentMethod
    reference: str = ""
    bank: str = ""
    cheque_number: str = ""
    cheque_date: dt.date | None = None


def check_payment(payment: Payment, path: str, violations: ViolationCollector) -> None:
    """A cheque needs its number and bank; the other methods need nothing more."""
    if payment.method == PaymentMethod.CHEQUE:
        if not payment.cheque_number.strip():
            violations.add(f"{path}.cheque_number", "is required for a cheque")
        if not payment.bank.strip():
            violations.add(f"{path}.bank", "is required for a cheque")
