"""The contacts service's settings, read from environment variables here and nowhere else.

Defaults serve a laptop run: SQLite under VAR_DIR, gRPC on 127.0.0.1:50061, ops HTTP on 9461.
"""

from __future__ import annotations

from chassis.settings import ServiceSettings
from pydantic import Field


class ContactsSettings(ServiceSettings):
    """Variable names are the field names in upper case (GRPC_PORT, LEAD_DEFAULT_OWNER_ID, ...)."""

    service_name: str = "contacts"
    grpc_port: int = 50061
    http_port: int = 9461

    # Owner and team of leads created by a `system` caller (the public web form) that name no
    # owner. Empty = unassigned: only admins see the lead until a manager assigns it.
    lead_default_owner_id: str = ""
    lead_default_team_id: str = ""
    # On create, a duplicate score at or above this refuses the customer (ALREADY_EXISTS)
    # unless the request allows duplicates.
    duplicate_block_score: int = Field(default=80, ge=1, le=100)
    # FindDuplicateCustomers reports candidates from this score when the request names none.
    duplicate_report_score: int = Field(default=50, ge=1, le=100)
    # CSV import: rows per transaction when the request names none, and the most allowed.
    import_default_batch_size: int = Field(default=200, ge=1)
    import_max_batch_size: int = Field(default=1000, ge=1)
