"""What pricing keeps about customers and sales: each customer's groups (from contacts events),
the sale orders whose redemptions were counted, and the redemption counts themselves.

`read_snapshot` is the one statement an evaluation runs: the rule-book and usage versions, the
customer's groups and the customer's own redemption counts, in a single UNION ALL.
`SnapshotReader` runs the same statement on a pooled driver connection (the hot path).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, Insert, bindparam, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from pricing.adapters import tables as t
from pricing.adapters.rule_rows import ids_of, ids_text

TOTAL = ""  # the customer_id of the all-customers counts


@dataclass(frozen=True)
class Snapshot:
    """What one evaluation needs from the database besides the rule book."""

    version: int
    usage_version: int
    group_ids: frozenset[str] = frozenset()
    promotion_uses: dict[str, int] = field(default_factory=dict)
    coupon_uses: dict[str, int] = field(default_factory=dict)


# Literals inline (not bound), one plain statement: the evaluation's only round trip.
SNAPSHOT_SQL = (
    "SELECT 'state', '', version, usage_version FROM pricing_state"
    " UNION ALL SELECT 'groups', group_ids, version, 0 FROM pricing_customers WHERE id = :customer_id"
    " UNION ALL SELECT kind, rule_id, count, 0 FROM usage_counts WHERE customer_id = :customer_id"
)
SNAPSHOT = text(SNAPSHOT_SQL)
# The drivers' own placeholder for a named parameter (both take a dict of parameters).
_DRIVER_PLACEHOLDERS = {"sqlite": ":customer_id", "postgresql": "%(customer_id)s"}


def _customer_key(customer_id: str) -> str:
    return customer_id or "\x00"  # no customer has the empty id ("" is the all-customers total)


def _snapshot_of(rows: Iterable[Any]) -> Snapshot:
    version = usage_version = 0
    group_ids: frozenset[str] = frozenset()
    promotions: dict[str, int] = {}
    coupons: dict[str, int] = {}
    for tag, key, number, extra in rows:
        if tag == "state":
            version, usage_version = int(number), int(extra)
        elif tag == "groups":
            group_ids = ids_of(key)
        elif tag == "promotion":
            promotions[key] = int(number)
        else:
            coupons[key] = int(number)
    return Snapshot(version, usage_version, group_ids, promotions, coupons)


def read_snapshot(connection: Session | Connection, customer_id: str) -> Snapshot:
    """The snapshot inside `connection`'s transaction (with the reads that may follow it)."""
    return _snapshot_of(connection.execute(SNAPSHOT, {"customer_id": _customer_key(customer_id)}))


class SnapshotReader:
    """`read_snapshot` on its own, as the evaluation's hot path runs it: the statement text is
    fixed, so it goes straight to a pooled driver connection (sqlite3 and psycopg keep it
    prepared) without SQLAlchemy's per-execution work (compile-cache lookup, result metadata,
    the BEGIN of a session), which cost several times the statement itself. One statement is
    one consistent snapshot on its own: SQLite and PostgreSQL run it atomically."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        placeholder = _DRIVER_PLACEHOLDERS.get(engine.dialect.name)
        paramstyle = engine.dialect.paramstyle
        if engine.dialect.name == "postgresql" and paramstyle != "pyformat":
            placeholder = None  # a driver we did not check: take SQLAlchemy's path
        self._sql = SNAPSHOT_SQL.replace(":customer_id", placeholder) if placeholder else None

    def read(self, customer_id: str) -> Snapshot:
        if self._sql is None:
            with self._engine.connect() as connection:
                return read_snapshot(connection, customer_id)
        driver_connection = self._engine.raw_connection()
        try:
            cursor = driver_connection.cursor()
            try:
                cursor.execute(self._sql, {"customer_id": _customer_key(customer_id)})
                rows = cursor.fetchall()
            finally:
                cursor.close()
        finally:
            driver_connection.close()  # back to the pool, which rolls the driver's transaction back
        return _snapshot_of(rows)


class CustomerGroups:
    def __init__(self, session: Session) -> None:
        self.session = session

    def groups_of(self, customer_id: str) -> frozenset[str]:
        query = select(t.pricing_customers.c.group_ids).where(t.pricing_customers.c.id == customer_id)
        text = self.session.execute(query).scalar_one_or_none()
        return frozenset() if text is None else ids_of(text)

    def keep(self, customer_id: str, group_ids: Iterable[str], version: int) -> bool:
        """Stores the groups unless a newer (or the same) version is stored; True if stored."""
        c = t.pricing_customers.c
        stored = self.session.execute(select(c.version).where(c.id == customer_id)).scalar_one_or_none()
        values = {"group_ids": ids_text(group_ids), "version": version}
        if stored is None:
            self.session.execute(t.pricing_customers.insert(), {"id": customer_id, **values})
            return True
        if stored >= version:
            return False
        self.session.execute(update(t.pricing_customers).where(c.id == customer_id).values(**values))
        return True

    def forget(self, customer_id: str) -> None:
        self.session.execute(t.pricing_customers.delete().where(t.pricing_customers.c.id == customer_id))


Redemption = tuple[str, str]  # (promotion id, coupon code or "")


class Redemptions:
    """Sale orders' redemptions and the counts they add up to (one transaction per order)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def order_status(self, sale_order_id: str) -> str | None:
        c = t.sale_orders.c
        found = self.session.execute(select(c.status).where(c.id == sale_order_id)).scalar_one_or_none()
        return None if found is None else str(found)

    def confirm(self, sale_order_id: str, customer_id: str, used: list[Redemption]) -> None:
        self.session.execute(
            t.sale_orders.insert(), {"id": sale_order_id, "customer_id": customer_id, "status": "confirmed"}
        )
        if used:
            self.session.execute(
                t.redemptions.insert(),
                [
                    {"sale_order_id": sale_order_id, "position": i, "promotion_id": p, "coupon_code": code}
                    for i, (p, code) in enumerate(used)
                ],
            )
            self._count(customer_id, used, +1)

    def cancel(self, sale_order_id: str, customer_id: str) -> None:
        """Releases a confirmed order's counts; an order not seen yet is remembered as
        cancelled, so its confirmation arriving late counts nothing."""
        status = self.order_status(sale_order_id)
        if status == "cancelled":
            return
        if status is None:
            self.session.execute(
                t.sale_orders.insert(),
                {"id": sale_order_id, "customer_id": customer_id, "status": "cancelled"},
            )
            return
        c = t.redemptions.c
        rows = self.session.execute(
            select(c.promotion_id, c.coupon_code).where(c.sale_order_id == sale_order_id)
        ).all()
        stored_customer = self.session.execute(
            select(t.sale_orders.c.customer_id).where(t.sale_orders.c.id == sale_order_id)
        ).scalar_one()
        self.session.execute(
            update(t.sale_orders).where(t.sale_orders.c.id == sale_order_id).values(status="cancelled")
        )
        if rows:
            self._count(stored_customer, [(r.promotion_id, r.coupon_code) for r in rows], -1)

    def _count(self, customer_id: str, used: list[Redemption], step: int) -> None:
        usage_version = self.session.execute(
            update(t.pricing_state)
            .where(t.pricing_state.c.id == 1)
            .values(usage_version=t.pricing_state.c.usage_version + 1)
            .returning(t.pricing_state.c.usage_version)
        ).scalar_one()
        deltas: dict[tuple[str, str, str], int] = {}
        for promotion_id, code in used:
            keys = [("promotion", promotion_id)] + ([("coupon", code)] if code else [])
            for kind, rule_id in keys:
                for who in (TOTAL, customer_id):
                    deltas[(kind, rule_id, who)] = deltas.get((kind, rule_id, who), 0) + step
        for (kind, rule_id, who), delta in sorted(deltas.items()):
            self.session.execute(
                self._upsert(),
                {
                    "kind": kind,
                    "rule_id": rule_id,
                    "customer_id": who,
                    "count": max(delta, 0),
                    "delta": delta,
                    "usage_version": usage_version,
                },
            )

    def _upsert(self) -> Insert:
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(t.usage_counts)
        c = t.usage_counts.c
        return statement.on_conflict_do_update(
            index_elements=[c.kind, c.rule_id, c.customer_id],
            set_={"count": c.count + bindparam("delta"), "usage_version": statement.excluded.usage_version},
        )

    def uses(self, kind: str, rule_id: str, customer_id: str = TOTAL) -> int:
        c = t.usage_counts.c
        query = select(c.count).where(c.kind == kind, c.rule_id == rule_id, c.customer_id == customer_id)
        return int(self.session.execute(query).scalar_one_or_none() or 0)
