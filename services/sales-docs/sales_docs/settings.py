"""The sales-docs service's settings, read from environment variables here and nowhere else.

Defaults serve a laptop run: SQLite under VAR_DIR, gRPC on 127.0.0.1:50064, ops HTTP on 9464,
pricing and contacts where `make run` starts them, mail to the local SMTP sink.
"""

from __future__ import annotations

from decimal import Decimal

from chassis.mail import MailSettings
from chassis.settings import ServiceSettings
from pydantic import Field


class SalesDocsSettings(ServiceSettings, MailSettings):
    """Variable names are the field names in upper case (PRICING_TARGET, NUMBERING_ERA, ...)."""

    service_name: str = "sales-docs"
    grpc_port: int = 50064
    http_port: int = 9464
    pricing_target: str = "127.0.0.1:50062"
    contacts_target: str = "127.0.0.1:50061"
    # Deadline of a call to pricing or contacts (shortened to the caller's remaining time).
    peer_timeout_seconds: float = Field(default=5.0, gt=0)
    # "buddhist" (INV2569-00001) or "christian" (INV2026-00001).
    numbering_era: str = "buddhist"
    # Patterns per document type override the defaults (JSON), e.g.
    # NUMBERING_PATTERNS='{"tax_invoice": "IV{yy}{month:02}-{seq:04}"}'.
    numbering_patterns: dict[str, str] = Field(default_factory=dict)
    # Branch whose counters number documents ("00000" = head office).
    branch_code: str = "00000"
    # True: every submitted quotation waits for the approval center's decision (its policies
    # decide; with no matching policy it approves at once). False: the local override policy
    # approves at once when no line is overridden beyond the threshold.
    approval_center: bool = True
    max_override_percent: Decimal = Decimal(10)
    max_document_discount_percent: Decimal = Decimal(10)
    quotation_validity_days: int = Field(default=30, gt=0)
    invoice_due_days: int = Field(default=30, ge=0)
    # The seller printed on every document (Revenue Code §86/4 (2)).
    seller_name: str = "บริษัท สยามซัพพลาย จำกัด"
    seller_name_en: str = "Siam Supply Co., Ltd."
    seller_address: str = "99/1 อาคารสยามทาวเวอร์ ชั้น 12 ถนนพระราม 9 แขวงห้วยขวาง เขตห้วยขวาง กรุงเทพมหานคร 10310"
    seller_tax_id: str = "0105558123451"
    seller_branch_code: str = "00000"
    seller_phone: str = "02-123-4567"
    seller_email: str = "sales@siamsupply.example"
    # How often the expiry job looks for quotations past their validity date.
    expiry_check_seconds: float = Field(default=3600.0, gt=0)
    mail_enabled: bool = True
    public_base_url: str = "http://127.0.0.1:8080"
