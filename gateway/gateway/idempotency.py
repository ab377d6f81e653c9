"""Idempotency-Key for POSTs that create (the IETF httpapi idempotency-key draft).

The key is stored per (user, key) with a hash of the request before the request runs, in a
transaction of its own, under a primary key: of two concurrent requests with one key, only
one inserts the row and runs; the other gets 409 "in progress". When the first finishes, its
response (status and body) is stored; a retry with the same body gets that response again
(the same id), a retry with another body gets 422. Server errors (5xx) store nothing, so
the client may retry them.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from chassis.db import Database
from chassis.errors import FieldViolation
from flask import Response, g, request
from sqlalchemy.dialects import postgresql, sqlite

from gateway.adapters.repositories import aware
from gateway.adapters.tables import idempotency_keys
from gateway.problems import ProblemError, response_for_exception, validation_problem

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
CLEANUP_PROBABILITY = 0.01
IN_PROGRESS = "in_progress"
DONE = "done"


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: bytes
    content_type: str


class IdempotencyStore:
    def __init__(
        self,
        database: Database,
        *,
        ttl: timedelta,
        lock_timeout: timedelta,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.database = database
        self.ttl = ttl
        self.lock_timeout = lock_timeout
        self.clock = clock

    def begin(self, user_id: str, key: str, request_hash: str) -> StoredResponse | None:
        """Claims the key (None: run the request) or returns the stored response; raises a
        problem when the key was used for another request or its first request still runs."""
        now = self.clock()
        table = idempotency_keys
        dialect = sqlite if self.database.is_sqlite else postgresql
        insert: Any = dialect.insert(table).values(
            user_id=user_id, key=key, request_hash=request_hash, state=IN_PROGRESS, created_at=now
        )
        with self.database.transaction() as session:
            if random.random() < CLEANUP_PROBABILITY:
                session.execute(table.delete().where(table.c.created_at < now - self.ttl))
            claimed = (
                session.execute(insert.on_conflict_do_nothing().returning(table.c.key)).first() is not None
            )
            if claimed:
                return None
            row = (
                session.execute(
                    sa.select(table).where(table.c.user_id == user_id, table.c.key == key).with_for_update()
                )
                .mappings()
                .one()
            )
            created_at = aware(row["created_at"])
            expired = created_at < now - self.ttl
            abandoned = row["state"] == IN_PROGRESS and created_at < now - self.lock_timeout
            if expired or abandoned:
                session.execute(
                    table.update()
                    .where(table.c.user_id == user_id, table.c.key == key)
                    .values(
                        request_hash=request_hash,
                        state=IN_PROGRESS,
                        created_at=now,
                        response_status=None,
                        response_body=None,
                        response_content_type=None,
                    )
                )
                return None
        if row["request_hash"] != request_hash:
            raise validation_problem(
                [FieldViolation(HEADER, "was used before with a different request")],
                "this Idempotency-Key belongs to another request; use a new key",
            )
        if row["state"] != DONE:
            raise ProblemError(
                409,
                "a request with this Idempotency-Key is still being processed",
                slug="idempotency-key-in-use",
                headers={"Retry-After": "1"},
            )
        return StoredResponse(
            int(row["response_status"]),
            bytes(row["response_body"] or b""),
            str(row["response_content_type"] or "application/json"),
        )

    def complete(self, user_id: str, key: str, response: StoredResponse) -> None:
        with self.database.transaction() as session:
            session.execute(
                idempotency_keys.update()
                .where(idempotency_keys.c.user_id == user_id, idempotency_keys.c.key == key)
                .values(
                    state=DONE,
                    response_status=response.status,
                    response_body=response.body,
                    response_content_type=response.content_type,
                )
            )

    def abandon(self, user_id: str, key: str) -> None:
        with self.database.transaction() as session:
            session.execute(
                idempotency_keys.delete().where(
                    idempotency_keys.c.user_id == user_id, idempotency_keys.c.key == key
                )
            )


def request_fingerprint() -> str:
    """SHA-256 of what makes two requests the same: method, path, query and body."""
    digest = hashlib.sha256()
    for part in (
        request.method.encode(),
        request.path.encode(),
        request.query_string,
        request.get_data(cache=True),
    ):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def run_idempotent(run: Callable[[], Response]) -> Response:
    """Runs a creating request at most once per (caller, Idempotency-Key)."""
    key = request.headers.get(HEADER)
    caller = g.get("caller")
    if key is None or caller is None:
        return run()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise validation_problem(
            [FieldViolation(HEADER, f"must be 1 to {MAX_KEY_LENGTH} printable characters")]
        )
    from gateway.context import services

    store = services().idempotency
    stored = store.begin(caller.user_id, key, request_fingerprint())
    if stored is not None:
        replay = Response(stored.body, status=stored.status, content_type=stored.content_type)
        replay.headers["Idempotent-Replayed"] = "true"
        return replay
    try:
        response = run()
    except Exception as error:
        response = response_for_exception(error)
    if response.status_code >= 500 or response.is_streamed:
        store.abandon(caller.user_id, key)
    else:
        store.complete(
            caller.user_id,
            key,
            StoredResponse(
                response.status_code, response.get_data(), response.content_type or "application/json"
            ),
        )
    return response


def request_id_for_service() -> str:
    """A stable id for the service call behind this request (the same on every retry with
    the same Idempotency-Key), so a service can drop a create it already did; "" without a key."""
    key = request.headers.get(HEADER)
    caller = g.get("caller")
    if not key or caller is None:
        return ""
    return hashlib.sha256(f"{caller.user_id}\0{key}".encode()).hexdigest()[:32]
