"""Fingerprints of imported CSV rows: a re-run of the same data skips what it finds here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from contacts.adapters.tables import import_fingerprints


class ImportFingerprints:
    def __init__(self, session: Session) -> None:
        self.session = session

    def known(self, fingerprints: Iterable[str]) -> set[str]:
        wanted = sorted(set(fingerprints))
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            rows = self.session.execute(
                select(import_fingerprints.c.fingerprint).where(
                    import_fingerprints.c.fingerprint.in_(wanted[start : start + 500])
                )
            )
            found.update(row.fingerprint for row in rows)
        return found

    def add(self, fingerprint: str, kind: str, resource_id: str, now: dt.datetime) -> None:
        self.session.execute(
            insert(import_fingerprints).values(
                fingerprint=fingerprint, kind=kind, resource_id=resource_id, imported_at=now
            )
        )
