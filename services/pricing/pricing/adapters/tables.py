"""The pricing database schema (SQLAlchemy Core). Migrations in `pricing/migrations` create the
same tables; `metadata` also carries the chassis outbox and inbox.

Decimals are stored as their exact text (DecimalText), dates as DATE, id sets and tiers as
JSON text. `seq` of a rule is taken from `pricing_state.next_seq` in the authoring
transaction: database-assigned and increasing. Every authoring transaction bumps
`pricing_state.version` by one and writes its (version, kind, rule id) rows to
`pricing_changes`, which is how every replica finds out what to reload.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from chassis.db import new_metadata
from chassis.events import add_event_tables
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Dialect,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)
from sqlalchemy.types import TypeDecorator

ID = 80


class DecimalText(TypeDecorator[Decimal]):
    """A Decimal kept as its text ("5.00"), exact on SQLite as on PostgreSQL."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value if isinstance(value, str) else str(value))


metadata = new_metadata()
event_tables = add_event_tables(metadata)


def _period() -> list[Column[Any]]:
    return [Column("valid_from", Date, nullable=True), Column("valid_to", Date, nullable=True)]


def _rule(name: str, *columns: Any, key: str = "id") -> Table:
    """A rule table: its key, `seq`, the rule's columns and its record `version`."""
    return Table(
        name,
        metadata,
        Column(key, String(ID), primary_key=True),
        Column("seq", BigInteger, nullable=False),
        *columns,
        Column("version", BigInteger, nullable=False),
        Index(f"ix_{name}_seq", "seq"),
    )


pricing_state = Table(
    "pricing_state",
    metadata,
    Column("id", Integer, primary_key=True),
    # The rule-book version: +1 per authoring transaction.
    Column("version", BigInteger, nullable=False),
    # +1 per change of the redemption counts (sale orders confirmed or cancelled).
    Column("usage_version", BigInteger, nullable=False),
    Column("next_seq", BigInteger, nullable=False),
)

pricing_changes = Table(
    "pricing_changes",
    metadata,
    Column("version", BigInteger, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("rule_id", String(ID), nullable=False),
    PrimaryKeyConstraint("version", "kind", "rule_id"),
)

categories = _rule(
    "categories",
    Column("code", String(50), nullable=False, unique=True),
    Column("name_th", String(255), nullable=False),
    Column("name_en", String(255), nullable=False),
    Column("parent_id", String(ID), nullable=True),
)

products = _rule(
    "products",
    Column("sku", String(80), nullable=False, unique=True),
    Column("name_th", String(255), nullable=False),
    Column("name_en", String(255), nullable=False),
    Column("base_unit", String(30), nullable=False),
    Column("category_id", String(ID), nullable=True),
    Column("units", Text, nullable=False),  # [[unit, factor], ...]
    Column("vat_class", String(20), nullable=False),
    Column("cost", DecimalText, nullable=True),
    Column("active", Boolean, nullable=False),
)

standard_prices = _rule(
    "standard_prices",
    Column("product_id", String(ID), nullable=False, index=True),
    Column("unit", String(30), nullable=False),
    Column("amount", DecimalText, nullable=False),
    Column("currency", String(3), nullable=False),
    *_period(),
)

price_lists = _rule(
    "price_lists",
    Column("name", String(255), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("priority", Integer, nullable=False),
    Column("vat_inclusive", Boolean, nullable=False),
    Column("customer_ids", Text, nullable=False),
    Column("group_ids", Text, nullable=False),
    Column("active", Boolean, nullable=False),
)

price_list_items = _rule(
    "price_list_items",
    Column("price_list_id", String(ID), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("product_id", String(ID), nullable=True),
    Column("unit", String(30), nullable=True),
    Column("category_id", String(ID), nullable=True),
    Column("min_quantity", DecimalText, nullable=False),
    *_period(),
    Column("fixed_price", DecimalText, nullable=True),
    Column("percent", DecimalText, nullable=True),
    Column("base", String(20), nullable=False),
    Column("base_price_list_id", String(ID), nullable=True),
    Column("rounding_multiple", DecimalText, nullable=True),
    Column("rounding_offset", DecimalText, nullable=False),
    Column("surcharge", DecimalText, nullable=False),
    Column("min_margin", DecimalText, nullable=True),
    Column("max_margin", DecimalText, nullable=True),
    Column("tiers", Text, nullable=False),  # [[min_quantity, value], ...]
    Column("tier_mode", String(20), nullable=False),
)

promotions = _rule(
    "promotions",
    Column("name", String(255), nullable=False),
    Column("reward", String(20), nullable=False),
    Column("priority", Integer, nullable=False),
    Column("promotion_group", String(80), nullable=True),
    Column("exclusive", Boolean, nullable=False),
    *_period(),
    Column("customer_ids", Text, nullable=False),
    Column("group_ids", Text, nullable=False),
    Column("product_ids", Text, nullable=False),
    Column("category_ids", Text, nullable=False),
    Column("min_quantity", DecimalText, nullable=True),
    Column("min_amount", DecimalText, nullable=True),
    Column("percent", DecimalText, nullable=True),
    Column("amount", DecimalText, nullable=True),
    Column("buy_quantity", DecimalText, nullable=True),
    Column("get_quantity", DecimalText, nullable=True),
    Column("min_spend", DecimalText, nullable=True),
    Column("cap", DecimalText, nullable=True),
    Column("coupon_required", Boolean, nullable=False),
    Column("usage_limit_total", Integer, nullable=True),
    Column("usage_limit_per_customer", Integer, nullable=True),
    Column("active", Boolean, nullable=False),
)

coupons = _rule(
    "coupons",
    Column("promotion_id", String(ID), nullable=False, index=True),
    *_period(),
    Column("single_use", Boolean, nullable=False),
    Column("limit_total", Integer, nullable=True),
    Column("limit_per_customer", Integer, nullable=True),
    Column("customer_id", String(ID), nullable=True),
    Column("active", Boolean, nullable=False),
    key="code",
)

gift_rules = _rule(
    "gift_rules",
    Column("name", String(255), nullable=False),
    Column("gift_product_ids", Text, nullable=False),
    Column("gift_unit", String(30), nullable=False),
    Column("gift_quantity", DecimalText, nullable=False),
    Column("buy_quantity", DecimalText, nullable=False),
    Column("recursive", Boolean, nullable=False),
    Column("product_ids", Text, nullable=False),
    Column("category_ids", Text, nullable=False),
    Column("min_order_amount", DecimalText, nullable=True),
    Column("customer_ids", Text, nullable=False),
    Column("group_ids", Text, nullable=False),
    *_period(),
    Column("active", Boolean, nullable=False),
)

# Customers' groups as contacts last told us (crm.contacts.customer.*), newest version kept.
pricing_customers = Table(
    "pricing_customers",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("group_ids", Text, nullable=False),
    Column("version", BigInteger, nullable=False),
)

# Sale orders whose redemptions were counted (confirmed) or must never be (cancelled first).
sale_orders = Table(
    "sale_orders",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("customer_id", String(ID), nullable=False),
    Column("status", String(20), nullable=False),
)

redemptions = Table(
    "redemptions",
    metadata,
    Column("sale_order_id", String(ID), nullable=False),
    Column("position", Integer, nullable=False),
    Column("promotion_id", String(ID), nullable=False),
    Column("coupon_code", String(ID), nullable=False),
    PrimaryKeyConstraint("sale_order_id", "position"),
)

# Redemption counts: kind "promotion" or "coupon"; customer_id "" = the total of all customers.
usage_counts = Table(
    "usage_counts",
    metadata,
    Column("kind", String(20), nullable=False),
    Column("rule_id", String(ID), nullable=False),
    Column("customer_id", String(ID), nullable=False),
    Column("count", Integer, nullable=False),
    Column("usage_version", BigInteger, nullable=False),
    PrimaryKeyConstraint("kind", "rule_id", "customer_id"),
    Index("ix_usage_counts_customer", "customer_id", "usage_version"),
)
