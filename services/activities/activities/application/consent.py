"""Marketing consent under the Thai PDPA: the consent in force per recipient (a contact
person or a customer), every change logged with its time and source, and the one-click
unsubscribe behind a secret token (256 random bits, only the SHA-256 kept).

Sources: `api` (a user of the CRM records what the customer said), `unsubscribe` (the
recipient's own link), `contacts` (the `marketing_consent` of contacts' events: only a
change of that value is applied, so a later unrelated contact update never re-grants what
the recipient withdrew here), `import`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from chassis.errors import InvalidArgument, NotFound
from chassis.identity import Caller

from activities.adapters.date_mail import ConsentEntry
from activities.adapters.tables import mail_tables
from activities.application.context import ActivitiesContext, UnitOfWork

RECIPIENT_KINDS = frozenset({"contact", "customer"})
SOURCES = frozenset({"api", "unsubscribe", "contacts", "import"})
# Who may record consent for a customer through the API.
CONSENT_ROLES = ("admin", "marketing", "sales_manager", "sales_rep")


@dataclass(frozen=True)
class Consent:
    recipient_kind: str
    recipient_id: str
    granted: bool
    source: str
    changed_at: dt.datetime | None
    log: tuple[ConsentEntry, ...]


def new_unsubscribe_token() -> tuple[str, str]:
    """(token for the link, SHA-256 hex to store)."""
    token = secrets.token_urlsafe(32)
    return token, unsubscribe_token_hash(token)


def unsubscribe_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _recipient(kind: str, ref_id: str) -> tuple[str, str]:
    if kind not in RECIPIENT_KINDS:
        raise InvalidArgument("recipient_kind", "must be contact or customer")
    if not ref_id.strip() or len(ref_id) > 40:
        raise InvalidArgument("recipient_id", "is required (at most 40 characters)")
    return kind, ref_id.strip()


def change_consent(
    ctx: ActivitiesContext,
    uow: UnitOfWork,
    kind: str,
    ref_id: str,
    granted: bool,
    *,
    source: str,
    actor: str,
    note: str = "",
    contacts_value: bool | None = None,
) -> bool:
    """Records a consent change in the caller's transaction; False when nothing changed. A
    withdrawal also recalls marketing mail queued but not yet sent to the recipient."""
    now = ctx.clock()
    current, current_source, changed_at, seen = uow.date_mail.consent(kind, ref_id)
    if source != "contacts":
        contacts_value = seen
    if changed_at is not None and current == granted:
        if contacts_value != seen:
            uow.date_mail.set_consent(kind, ref_id, current, changed_at, current_source, contacts_value)
        return False
    uow.date_mail.set_consent(kind, ref_id, granted, now, source, contacts_value)
    uow.date_mail.log_consent(ctx.ids("cons"), kind, ref_id, ConsentEntry(granted, now, source, actor, note))
    if not granted:
        uow.date_mail.withdraw_queued_mail(kind, ref_id, mail_tables.outbox, now)
    return True


def apply_contacts_consent(
    ctx: ActivitiesContext, uow: UnitOfWork, kind: str, ref_id: str, value: bool, event_id: str
) -> None:
    """The `marketing_consent` a contacts event carries, applied only when it differs from the
    value contacts sent before (a rep changed it there, or an import did)."""
    seen = uow.date_mail.consent(kind, ref_id)[3]
    if seen is not None and seen == value:
        return
    change_consent(ctx, uow, kind, ref_id, value, source="contacts", actor=event_id, contacts_value=value)


def get_consent(ctx: ActivitiesContext, caller: Caller, kind: str, ref_id: str) -> Consent:
    caller.require_role(*CONSENT_ROLES)
    kind, ref_id = _recipient(kind, ref_id)
    with ctx.reading() as uow:
        granted, source, changed_at, _ = uow.date_mail.consent(kind, ref_id)
        log = uow.date_mail.consent_log(kind, ref_id)
    return Consent(kind, ref_id, granted, source, changed_at, tuple(log))


def set_consent(
    ctx: ActivitiesContext,
    caller: Caller,
    kind: str,
    ref_id: str,
    granted: bool,
    *,
    source: str = "api",
    note: str = "",
) -> Consent:
    """A user records the recipient's consent (source `api`, or `import` for bulk loads)."""
    caller.require_role(*CONSENT_ROLES)
    kind, ref_id = _recipient(kind, ref_id)
    source = source or "api"
    if source not in {"api", "import"}:
        raise InvalidArgument("source", "must be api or import")
    if len(note) > 500:
        raise InvalidArgument("note", "at most 500 characters")
    with ctx.transaction() as uow:
        change_consent(
            ctx, uow, kind, ref_id, granted, source=source, actor=caller.user_id, note=note.strip()
        )
    return get_consent(ctx, caller, kind, ref_id)


@dataclass(frozen=True)
class UnsubscribePage:
    """What the gateway's confirmation page shows (no personal data beyond a masked name)."""

    recipient_name: str
    subscribed: bool


def _token_recipient(uow: UnitOfWork, token: str) -> tuple[str, str, str, str]:
    if not token or len(token) > 200:
        raise NotFound("unsubscribe link", "")
    digest = unsubscribe_token_hash(token)
    found = uow.date_mail.token(digest)
    if found is None:
        raise NotFound("unsubscribe link", "")
    return digest, *found


def _masked(name: str) -> str:
    return " ".join(part[:1] + "•" * min(len(part) - 1, 4) for part in name.split()) if name else ""


def unsubscribe_page(ctx: ActivitiesContext, token: str) -> UnsubscribePage:
    """The state behind a link (GET shows it and asks to confirm; it changes nothing, so
    mail scanners that follow links do not unsubscribe anyone)."""
    with ctx.reading() as uow:
        _, kind, ref_id, _ = _token_recipient(uow, token)
        granted = uow.date_mail.consent(kind, ref_id)[0]
        name = uow.directory.party_name(kind, ref_id) or ""
    return UnsubscribePage(_masked(name), granted)


def unsubscribe(ctx: ActivitiesContext, token: str) -> UnsubscribePage:
    """The recipient withdraws marketing consent (POST, also RFC 8058 one-click); effective
    at once: the next scheduler pass reads it, and queued mail is recalled. Idempotent."""
    with ctx.transaction() as uow:
        digest, kind, ref_id, send_key = _token_recipient(uow, token)
        change_consent(
            ctx, uow, kind, ref_id, False, source="unsubscribe", actor=send_key, note="one-click link"
        )
        uow.date_mail.token_used(digest, ctx.clock())
        name = uow.directory.party_name(kind, ref_id) or ""
    return UnsubscribePage(_masked(name), False)
