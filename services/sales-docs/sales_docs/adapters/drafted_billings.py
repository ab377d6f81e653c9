"""The ledger of billing keys already drafted (an invoice draft or a renewal quotation).

Another service may ask for the same period's billing more than once, under new event ids (a
scheduler that ran twice, a restart): the inbox does not see those as repeats, this ledger
does. Its primary key is the billing key, so two racing consumers cannot both draft: the second
insert fails, its transaction rolls back and the redelivered event finds the key taken.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from sales_docs.adapters.tables import drafted_billings


def drafted(session: Session, source_key: str) -> tuple[str, str] | None:
    """(document type, document id) drafted for the key, or None."""
    row = session.execute(
        sa.select(drafted_billings.c.document_type, drafted_billings.c.document_id).where(
            drafted_billings.c.source_key == source_key
        )
    ).first()
    return None if row is None else (row[0], row[1])


def record_drafted(
    session: Session, source_key: str, document_type: str, document_id: str, now: dt.datetime
) -> None:
    session.execute(
        sa.insert(drafted_billings).values(
            source_key=source_key, document_type=document_type, document_id=document_id, created_at=now
        )
    )
