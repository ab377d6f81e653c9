"""The chassis database: units of work commit or leave nothing, on SQLite and PostgreSQL,
and SQLite writers queue instead of failing with "database is locked"."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from chassis.db import Database, new_metadata

metadata = new_metadata()
counters = sa.Table(
    "counters",
    metadata,
    sa.Column("name", sa.String(20), primary_key=True),
    sa.Column("next_value", sa.Integer, nullable=False),
)
issued = sa.Table(
    "issued",
    metadata,
    sa.Column("number", sa.Integer, primary_key=True),
)


@pytest.fixture
def db(database_url: str) -> Database:
    database = Database(database_url)
    metadata.create_all(database.engine)
    with database.transaction() as session:
        session.execute(counters.insert().values(name="doc", next_value=1))
    yield database
    database.dispose()


def _take_number(db: Database) -> int:
    with db.transaction() as session:
        number = (
            session.execute(
                counters.update()
                .where(counters.c.name == "doc")
                .values(next_value=counters.c.next_value + 1)
                .returning(counters.c.next_value)
            ).scalar_one()
            - 1
        )
        session.execute(issued.insert().values(number=number))
        return int(number)


def test_a_failed_unit_of_work_leaves_nothing(db: Database) -> None:
    def fail_half_way() -> None:
        with db.transaction() as session:
            session.execute(issued.insert().values(number=99))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fail_half_way()
    with db.read() as session:
        assert session.execute(sa.select(sa.func.count()).select_from(issued)).scalar_one() == 0


def test_counter_numbers_are_gapless_under_concurrent_writers(db: Database) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(lambda _: _take_number(db), range(80)))
    assert sorted(numbers) == list(range(1, 81))


def test_commit_listeners_run_only_after_outbox_writes(db: Database) -> None:
    calls: list[str] = []
    db.add_commit_listener(lambda: calls.append("woken"))
    with db.transaction() as session:
        session.execute(issued.insert().values(number=1))
    assert calls == []
    with db.transaction() as session:
        session.execute(issued.insert().values(number=2))
        session.info["outbox_written"] = True
    assert calls == ["woken"]
