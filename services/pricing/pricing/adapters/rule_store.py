"""Reads and writes the rules, the version counter and the change log inside one session.

`next_version` is the first statement of every authoring transaction: an UPDATE … RETURNING on
the single `pricing_state` row, so it also serialises authoring (the row lock on PostgreSQL,
BEGIN IMMEDIATE on SQLite) and the change log has no holes in commit order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import BigInteger, ColumnElement, Connection, Select, bindparam, func, select, update
from sqlalchemy.orm import Session

from pricing.adapters import tables as t
from pricing.adapters.paging import Page, PageRequest, seq_page
from pricing.adapters.rule_rows import KINDS, RuleKind

R = TypeVar("R")
CHUNK = 500
KIND_ORDER = tuple(KINDS)


@dataclass(frozen=True)
class Stored(Generic[R]):
    """A rule as stored: the domain value, its `seq` and its record version."""

    rule: R
    seq: int
    version: int


_BUMP = (
    update(t.pricing_state)
    .where(t.pricing_state.c.id == 1)
    .values(
        version=t.pricing_state.c.version + 1,
        next_seq=t.pricing_state.c.next_seq + bindparam("seqs", type_=BigInteger),
    )
    .returning(t.pricing_state.c.version, t.pricing_state.c.next_seq)
)


class RuleStore:
    """Over an ORM session (use cases) or a plain connection (the evaluation's refresh)."""

    def __init__(self, session: Session | Connection) -> None:
        self.session = session

    # -- the version counter and the change log -------------------------------------------------

    def next_version(self, seqs: int = 1) -> tuple[int, int]:
        """(the new pricing version, the first of `seqs` fresh seq numbers)."""
        version, next_seq = self.session.execute(_BUMP, {"seqs": seqs}).one()
        return int(version), int(next_seq) - seqs

    def current_version(self) -> int:
        return int(self.session.execute(select(t.pricing_state.c.version)).scalar_one())

    def record_changes(self, version: int, changes: Iterable[tuple[str, str]]) -> None:
        rows = [{"version": version, "kind": k, "rule_id": i} for k, i in set(changes)]
        if rows:
            self.session.execute(t.pricing_changes.insert(), rows)

    def changes_since(self, version: int) -> tuple[int, dict[str, set[str]]]:
        """(the newest version in the log, the ids changed after `version` by kind)."""
        c = t.pricing_changes.c
        changed: dict[str, set[str]] = defaultdict(set)
        newest = version
        for row in self.session.execute(select(c.version, c.kind, c.rule_id).where(c.version > version)):
            changed[row.kind].add(row.rule_id)
            newest = max(newest, int(row.version))
        return newest, dict(changed)

    # -- rules ----------------------------------------------------------------------------------

    def load_all(self, kind: str) -> list[Any]:
        spec = KINDS[kind]
        return [spec.from_row(row) for row in self.session.execute(select(spec.table).order_by("seq"))]

    def load(self, kind: str, ids: Iterable[str]) -> list[Any]:
        """The stored rules among `ids` (missing ones were deleted)."""
        spec = KINDS[kind]
        wanted = sorted(ids)
        found: list[Any] = []
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            query = select(spec.table).where(spec.table.c[spec.key].in_(chunk))
            found += [spec.from_row(row) for row in self.session.execute(query)]
        return found

    def get(self, kind: str, rule_id: str, *, lock: bool = False) -> Stored[Any] | None:
        spec = KINDS[kind]
        query = select(spec.table).where(spec.table.c[spec.key] == rule_id)
        if lock:
            query = query.with_for_update()
        row = self.session.execute(query).first()
        return None if row is None else Stored(spec.from_row(row), int(row.seq), int(row.version))

    def insert(self, kind: str, rule: Any, seq: int) -> Stored[Any]:
        spec = KINDS[kind]
        self.session.execute(
            spec.table.insert(), {spec.key: spec.key_of(rule), "seq": seq, "version": 1, **spec.to_row(rule)}
        )
        return Stored(rule, seq, 1)

    def update(self, kind: str, rule: Any, previous: Stored[Any]) -> Stored[Any]:
        spec = KINDS[kind]
        version = previous.version + 1
        self.session.execute(
            update(spec.table)
            .where(spec.table.c[spec.key] == spec.key_of(rule))
            .values(version=version, **spec.to_row(rule))
        )
        return Stored(rule, previous.seq, version)

    def delete(self, kind: str, rule_id: str) -> None:
        spec = KINDS[kind]
        self.session.execute(spec.table.delete().where(spec.table.c[spec.key] == rule_id))

    def taken(self, kind: str, column: str, value: str, other_than: str = "") -> str | None:
        """The key of another rule whose `column` is `value` (unique codes, SKUs)."""
        spec = KINDS[kind]
        key = spec.table.c[spec.key]
        query = select(key).where(spec.table.c[column] == value, key != other_than).limit(1)
        found = self.session.execute(query).scalar_one_or_none()
        return None if found is None else str(found)

    def existing(self, kind: str, column: str, values: Sequence[str]) -> set[str]:
        """Which of `values` some rule of `kind` has in `column` (one query per 500)."""
        spec = KINDS[kind]
        found: set[str] = set()
        for start in range(0, len(values), CHUNK):
            chunk = list(values[start : start + CHUNK])
            query = select(spec.table.c[column]).where(spec.table.c[column].in_(chunk))
            found.update(str(v) for v in self.session.execute(query).scalars())
        return found

    def page(
        self, kind: str, page: PageRequest, *where: ColumnElement[bool]
    ) -> tuple[list[Stored[Any]], Page]:
        spec = KINDS[kind]
        query: Select[Any] = select(spec.table).where(*where)
        rows, next_page = seq_page(self.session, query, spec.table.c.seq, page)
        return [Stored(spec.from_row(r), int(r.seq), int(r.version)) for r in rows], next_page

    def count(self, kind: str) -> int:
        spec = KINDS[kind]
        return int(self.session.execute(select(func.count()).select_from(spec.table)).scalar_one())


def kind_spec(kind: str) -> RuleKind:
    return KINDS[kind]
