"""Keyset paging for every list: rows come in a fixed order (a sort column, then the id) and
`page_token` is an opaque base64 of the last row's sort value and id, so rows created while a
client pages neither repeat nor vanish (an offset would shift them).

Lists sort by creation (or document) time rather than by name: it is stable, index-friendly
and free of collation questions (Thai names need ICU collation to sort right, DESIGN §9).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from chassis.errors import InvalidArgument
from sqlalchemy import Column, Select, and_, func, or_, select
from sqlalchemy.orm import Session

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class PageRequest:
    size: int
    after: tuple[str, str] | None = None

    @classmethod
    def parse(cls, page_size: int, page_token: str, *, prefix: str = "") -> PageRequest:
        """page_size 0 = 50, at most 200; a token that we did not issue is refused."""
        field = f"{prefix}page_size" if prefix else "page_size"
        if page_size < 0:
            raise InvalidArgument(field, "must not be negative")
        size = min(page_size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
        return cls(size, decode_token(page_token, f"{prefix}page_token") if page_token else None)


@dataclass(frozen=True)
class Page:
    rows: Sequence[Any]
    next_token: str
    total: int = 0


def encode_token(value: str, row_id: str) -> str:
    raw = json.dumps([value, row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str, field: str = "page_token") -> tuple[str, str]:
    try:
        padded = token + "=" * (-len(token) % 4)
        value, row_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(value, str) or not isinstance(row_id, str):
            raise ValueError
        return value, row_id
    except (ValueError, TypeError, binascii.Error):
        raise InvalidArgument(field, "is not a token from a previous page") from None


def _as_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return moment.astimezone(dt.UTC).isoformat()
    return str(value)


def _from_text(text: str, is_time: bool, field: str) -> Any:
    if not is_time:
        return text
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidArgument(field, "is not a token from a previous page") from None


def keyset_page(
    session: Session,
    query: Select[Any],
    *,
    sort: Column[Any],
    row_id: Column[Any],
    page: PageRequest,
    descending: bool = True,
    count: bool = True,
    sort_is_time: bool = True,
    sort_value: Callable[[Any], Any] | None = None,
) -> Page:
    """One page of `query` (already filtered) in (sort, id) order, with the total count."""
    total = 0
    if count:
        total = int(
            session.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
        )
    paged = query
    if page.after is not None:
        value = _from_text(page.after[0], sort_is_time, "page_token")
        last_id = page.after[1]
        if descending:
            paged = paged.where(or_(sort < value, and_(sort == value, row_id < last_id)))
        else:
            paged = paged.where(or_(sort > value, and_(sort == value, row_id > last_id)))
    order = (sort.desc(), row_id.desc()) if descending else (sort.asc(), row_id.asc())
    rows = list(session.execute(paged.order_by(*order).limit(page.size + 1)).mappings())
    next_token = ""
    if len(rows) > page.size:
        rows = rows[: page.size]
        last = rows[-1]
        key = sort_value(last) if sort_value else last[sort.key]
        next_token = encode_token(_as_text(key), str(last[row_id.key]))
    return Page(rows, next_token, total)
