"""The pricing service's settings, read from environment variables here and nowhere else.

Defaults serve a laptop run: SQLite under VAR_DIR, gRPC on 127.0.0.1:50062, ops HTTP on 9462.
"""

from __future__ import annotations

from chassis.settings import ServiceSettings
from pydantic import Field


class PricingSettings(ServiceSettings):
    """Variable names are the field names in upper case (GRPC_PORT, PRICING_TIME_ZONE, ...)."""

    service_name: str = "pricing"
    grpc_port: int = 50062
    http_port: int = 9462

    # CSV product import: rows per transaction when the request names none, and the most allowed.
    import_default_batch_size: int = Field(default=200, ge=1)
    import_max_batch_size: int = Field(default=1000, ge=1)
    # "Today" for ListApplicablePromotions without a date.
    pricing_time_zone: str = "Asia/Bangkok"
