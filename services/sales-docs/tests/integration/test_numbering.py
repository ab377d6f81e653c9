"""Gapless, unique document numbers under concurrency, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from chassis.db import Database
from sales_docs.adapters.numbering import Numbering
from sales_docs.bootstrap import MIGRATIONS_DIR
from sales_docs.domain.numbering import DocumentType, Era

DAY = dt.date(2026, 3, 1)


def migrated(url: str) -> Database:
    from chassis.db import migrate

    migrate(url, MIGRATIONS_DIR)
    return Database(url, pool_size=40)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = migrated(database_url)
    yield db
    db.dispose()


class Boom(Exception):
    pass


def test_numbers_follow_the_pattern_per_type_and_year(database: Database) -> None:
    numbering = Numbering(Era.BUDDHIST)
    with database.transaction() as session:
        first = numbering.take(session, DocumentType.TAX_INVOICE, DAY)
        second = numbering.take(session, DocumentType.TAX_INVOICE, DAY)
        receipt = numbering.take(session, DocumentType.RECEIPT, DAY)
        next_year = numbering.take(session, DocumentType.TAX_INVOICE, dt.date(2027, 1, 2))
    assert (first, second, receipt, next_year) == (
        "INV2569-00001",
        "INV2569-00002",
        "RC2569-00001",
        "INV2570-00001",
    )


def test_a_rolled_back_transaction_gives_its_number_back(database: Database) -> None:
    numbering = Numbering(Era.CHRISTIAN, {"quotation": "Q{yy}-{seq:03}"})

    def take_and_fail() -> None:
        with database.transaction() as session:
            assert numbering.take(session, DocumentType.QUOTATION, DAY) == "Q26-001"
            raise Boom

    with pytest.raises(Boom):
        take_and_fail()
    with database.transaction() as session:
        assert numbering.take(session, DocumentType.QUOTATION, DAY) == "Q26-001"


def test_32_concurrent_creators_on_postgresql_get_gapless_unique_numbers(
    postgresql_url: str, tmp_path: Path
) -> None:
    db = migrated(postgresql_url)
    numbering = Numbering()
    taken: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(32)

    def creator(worker: int) -> None:
        try:
            start.wait()
            for attempt in range(12):
                try:
                    with db.transaction() as session:
                        number = numbering.take(session, DocumentType.TAX_INVOICE, DAY)
                        if (worker + attempt) % 5 == 0:  # every fifth creator fails after numbering
                            raise Boom
                    with lock:
                        taken.append(number)
                except Boom:
                    pass
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=creator, args=(w,)) for w in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.dispose()
    assert errors == []
    sequences = sorted(int(n.split("-")[1]) for n in taken)
    assert len(sequences) == len(set(sequences)), "duplicate numbers"
    assert sequences == list(range(1, len(sequences) + 1)), "gaps in the numbering"
    assert len(sequences) == 32 * 12 - sum(1 for w in range(32) for a in range(12) if (w + a) % 5 == 0)


def test_concurrent_creators_on_sqlite_get_gapless_unique_numbers(tmp_path: Path) -> None:
    db = migrated(f"sqlite:///{tmp_path / 'n.db'}")
    numbering = Numbering()
    taken: list[str] = []
    lock = threading.Lock()

    def creator() -> None:
        for _ in range(10):
            with db.transaction() as session:
                number = numbering.take(session, DocumentType.RECEIPT, DAY)
                session.execute(sa.text("SELECT 1"))
            with lock:
                taken.append(number)

    threads = [threading.Thread(target=creator) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.dispose()
    assert sorted(taken) == [f"RC2569-{n:05}" for n in range(1, 81)]
