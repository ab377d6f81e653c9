"""The rule book every evaluation reads, kept fresh across replicas.

Each replica holds one immutable `RuleBook` in memory, built from the database at start. An
evaluation first learns the database's `pricing_version` (part of its one statement, see
`adapters.customers.read_snapshot`); when that is newer than the book, `fresh` loads only the
rules named in `pricing_changes` since the book's version and swaps in
`book.with_changes(...)`. One thread refreshes under the lock; the others wait for it and then
find the book fresh. Readers that hold the old book keep using it undisturbed.

Redemption totals (`UsageTotals`) follow the same pattern with `usage_version`.
"""

from __future__ import annotations

import threading

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from pricing.adapters import tables as t
from pricing.adapters.rule_store import KIND_ORDER, RuleStore
from pricing.domain.rulebook import Rule, RuleBook, Rules, rule_key

RULES_FIELDS = {
    "category": "categories",
    "product": "products",
    "standard_price": "standard_prices",
    "price_list": "price_lists",
    "price_list_item": "price_list_items",
    "promotion": "promotions",
    "coupon": "coupons",
    "gift_rule": "gift_rules",
}


def load_rules(store: RuleStore) -> Rules:
    """Every stored rule (one query per kind)."""
    return Rules(**{RULES_FIELDS[kind]: tuple(store.load_all(kind)) for kind in KIND_ORDER})


class RuleBookCache:
    """The current book and how to bring it up to a version."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._book: RuleBook | None = None
        self.refreshes = 0

    @property
    def book(self) -> RuleBook:
        if self._book is None:
            raise RuntimeError("the rule book was not loaded")
        return self._book

    def load(self, session: Session) -> RuleBook:
        """(Re)builds the whole book from the database."""
        store = RuleStore(session)
        with self._lock:
            version = store.current_version()
            self._book = RuleBook.build(load_rules(store), version)
            return self._book

    def current(self, version: int) -> RuleBook | None:
        """The book if it is at `version` or later, else None (then call `fresh`)."""
        book = self._book
        return book if book is not None and book.version >= version else None

    def fresh(self, session: Session | Connection, version: int) -> RuleBook:
        """The book at `version` or later, loading what changed since the current book (no
        query when it is already fresh)."""
        book = self._book
        if book is not None and book.version >= version:
            return book
        with self._lock:
            if self._book is None:
                store = RuleStore(session)
                self._book = RuleBook.build(load_rules(store), store.current_version())
            book = self._book
            if book.version >= version:
                return book
            self._book = book = _apply_changes(book, RuleStore(session))
            self.refreshes += 1
            return book


def _apply_changes(book: RuleBook, store: RuleStore) -> RuleBook:
    newest, changed = store.changes_since(book.version)
    upserts: list[Rule] = []
    removals: list[tuple[str, str]] = []
    for kind in KIND_ORDER:
        ids = changed.get(kind)
        if not ids:
            continue
        found = store.load(kind, ids)
        upserts += found
        present = {rule_key(rule)[1] for rule in found}
        removals += [(kind, rule_id) for rule_id in ids - present]
    return book.with_changes(upserts, removals, newest)


class UsageTotals:
    """Redemption totals of all customers by (kind, rule id), refreshed by `usage_version`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.version = -1
        self.promotions: dict[str, int] = {}
        self.coupons: dict[str, int] = {}

    def current(self, version: int) -> tuple[dict[str, int], dict[str, int]] | None:
        """The totals if they are at `version` or later, else None (then call `fresh`)."""
        if self.version >= version:
            return self.promotions, self.coupons
        return None

    def fresh(self, session: Session | Connection, version: int) -> tuple[dict[str, int], dict[str, int]]:
        if self.version >= version:
            return self.promotions, self.coupons
        with self._lock:
            if self.version < version:
                c = t.usage_counts.c
                query = select(c.kind, c.rule_id, c.count, c.usage_version).where(
                    c.customer_id == "", c.usage_version > self.version
                )
                promotions, coupons = dict(self.promotions), dict(self.coupons)
                newest = version
                for kind, rule_id, count, usage_version in session.execute(query):
                    target = promotions if kind == "promotion" else coupons
                    target[rule_id] = int(count)
                    newest = max(newest, int(usage_version))
                # Copy-on-write: evaluations holding the old dicts are not disturbed.
                self.promotions, self.coupons, self.version = promotions, coupons, newest
            return self.promotions, self.coupons
