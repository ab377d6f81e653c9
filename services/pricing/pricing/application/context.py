"""What every use case gets: the database, the event recorder, the in-memory rule book and
usage totals, the policy (settings that are business rules), a clock and an id generator;
and the unit of work that gives one transaction its stores and lets it emit events."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from chassis.db import Database
from chassis.errors import PermissionDenied
from chassis.identity import Caller
from sqlalchemy.orm import Session

from pricing.adapters.customers import CustomerGroups, Redemptions, SnapshotReader
from pricing.adapters.rule_store import RuleStore, Stored
from pricing.application.rule_book_cache import RuleBookCache, UsageTotals

# Who may author rules, and who may read them and evaluate.
AUTHOR_ROLES = frozenset({"marketing", "admin"})
READER_ROLES = frozenset({"sales_rep", "sales_manager", "accountant", "admin", "marketing", "system"})


@dataclass(frozen=True)
class RuleChanged:
    """A rule was created, updated, deactivated or deleted in pricing version `pricing_version`."""

    kind: str
    stored: Stored[Any]
    pricing_version: int
    change: str  # "created" | "updated" | "deactivated" | "deleted"


# Writes one RuleChanged into the outbox of the session's transaction (pricing.events).
EventRecorder = Callable[[Session, RuleChanged], None]


def require_author(caller: Caller) -> None:
    """Marketing and admins manage the rules (not `system`: services only read and evaluate)."""
    if not caller.has_role(*AUTHOR_ROLES):
        raise PermissionDenied("managing pricing rules needs the role marketing or admin")


def require_reader(caller: Caller) -> None:
    if not caller.has_role(*READER_ROLES):
        raise PermissionDenied("pricing needs a sales, accounting, marketing, admin or system role")


def new_id(prefix: str) -> str:
    """Opaque ids with a readable prefix: "prd_…", "pl_…", "promo_…"."""
    return f"{prefix}_{uuid.uuid4().hex}"


@dataclass(frozen=True)
class Policy:
    """Business settings (from PricingSettings)."""

    import_default_batch_size: int = 200
    import_max_batch_size: int = 1000
    time_zone: str = "Asia/Bangkok"


class UnitOfWork:
    """One transaction's stores; `emit` records an event in the same transaction."""

    def __init__(self, session: Session, recorder: EventRecorder | None) -> None:
        self.session = session
        self._recorder = recorder
        self.rules = RuleStore(session)
        self.customers = CustomerGroups(session)
        self.redemptions = Redemptions(session)

    def emit(self, event: RuleChanged) -> None:
        if self._recorder is None:
            raise RuntimeError("a read-only unit of work cannot emit events")
        self._recorder(self.session, event)


@dataclass
class PricingContext:
    database: Database
    recorder: EventRecorder
    books: RuleBookCache = field(default_factory=RuleBookCache)
    usage: UsageTotals = field(default_factory=UsageTotals)
    policy: Policy = field(default_factory=Policy)
    ids: Callable[[str], str] = new_id
    snapshots: SnapshotReader = field(init=False)

    def __post_init__(self) -> None:
        self.snapshots = SnapshotReader(self.database.read_engine)

    @contextmanager
    def transaction(self) -> Iterator[UnitOfWork]:
        """A writing unit of work: commits at the end of the block, rolls back on error."""
        with self.database.transaction() as session:
            yield UnitOfWork(session, self.recorder)

    @contextmanager
    def reading(self) -> Iterator[UnitOfWork]:
        with self.database.read() as session:
            yield UnitOfWork(session, None)

    def within(self, session: Session) -> UnitOfWork:
        """A unit of work inside a transaction someone else opened (event handlers)."""
        return UnitOfWork(session, self.recorder)

    def today(self) -> dt.date:
        return dt.datetime.now(ZoneInfo(self.policy.time_zone)).date()
