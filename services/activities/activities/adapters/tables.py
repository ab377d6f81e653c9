"""The activities database schema (SQLAlchemy Core). The migrations in `activities/migrations`
create the same tables; `metadata` also carries the chassis outbox/inbox, mail outbox and
identity directory (users, teams: chassis.directory).

Times are UTC. `range_start`/`range_end` span all occurrences of an activity (a series
always ends), so calendar and conflict queries find candidates with one indexed range
test and expand recurrences in Python.
"""

from __future__ import annotations

from chassis.db import new_metadata
from chassis.directory import add_directory_tables
from chassis.events import add_event_tables
from chassis.mail import add_mail_tables
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

ID = 40
USER_ID = 64

metadata = new_metadata()
event_tables = add_event_tables(metadata)
mail_tables = add_mail_tables(metadata)

activities = Table(
    "activities",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("type", String(20), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("description", Text, nullable=False),
    Column("private_notes", Text, nullable=False),
    Column("location", String(500), nullable=False),
    Column("owner_id", String(USER_ID), nullable=False),
    Column("team_id", String(USER_ID), nullable=False),
    Column("priority", String(10), nullable=False),
    Column("status", String(12), nullable=False),
    Column("outcome", Text, nullable=False),
    # "timed", "all_day" or "due"
    Column("timing", String(10), nullable=False),
    Column("start_at", DateTime(timezone=True), nullable=True),
    Column("end_at", DateTime(timezone=True), nullable=True),
    Column("time_zone", String(64), nullable=False),
    Column("start_date", Date, nullable=True),
    Column("end_date", Date, nullable=True),
    Column("due_date", Date, nullable=True),
    Column("rrule", String(500), nullable=False),
    # JSON: {original start ISO: {start, end, status, outcome}}
    Column("exceptions_json", Text, nullable=False),
    # JSON: [[channel, minutes], ...]
    Column("reminders_json", Text, nullable=False),
    Column("busy", Boolean, nullable=False),
    Column("override_json", Text, nullable=True),
    # Unique: completing an activity creates at most one follow-up, also under retries.
    Column("follow_up_of", String(ID), nullable=True, unique=True),
    Column("checkin_json", Text, nullable=True),
    Column("checkout_json", Text, nullable=True),
    Column("range_start", DateTime(timezone=True), nullable=False),
    Column("range_end", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(USER_ID), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(USER_ID), nullable=False),
    Index("ix_activities_owner_range", "owner_id", "range_start", "range_end"),
    Index("ix_activities_team_range", "team_id", "range_start", "range_end"),
    Index("ix_activities_range", "range_start", "range_end"),
    Index("ix_activities_created_at", "created_at", "id"),
)

activity_links = Table(
    "activity_links",
    metadata,
    Column("activity_id", String(ID), ForeignKey("activities.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("ref_id", String(ID), nullable=False),
    Column("name", String(300), nullable=False),
    PrimaryKeyConstraint("activity_id", "position"),
    Index("ix_activity_links_ref", "kind", "ref_id"),
)

activity_attendees = Table(
    "activity_attendees",
    metadata,
    Column("activity_id", String(ID), ForeignKey("activities.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("ref_id", String(USER_ID), nullable=False),
    Column("name", String(300), nullable=False),
    Column("email", String(254), nullable=False),
    PrimaryKeyConstraint("activity_id", "position"),
    Index("ix_activity_attendees_ref", "kind", "ref_id"),
)

# One row per (activity, occurrence, recipient, channel, offset): the exactly-once key.
reminders = Table(
    "reminders",
    metadata,
    Column("key", String(255), primary_key=True),
    Column("activity_id", String(ID), ForeignKey("activities.id"), nullable=False),
    Column("occurrence_start", DateTime(timezone=True), nullable=False),
    Column("recipient_id", String(USER_ID), nullable=False),
    Column("channel", String(10), nullable=False),
    Column("minutes_before", Integer, nullable=False),
    Column("due_at", DateTime(timezone=True), nullable=False),
    Column("starts_at", DateTime(timezone=True), nullable=False),
    # planned → sent | skipped (the occurrence had begun when the scheduler got to it)
    Column("status", String(10), nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=True),
    Index("ix_reminders_status_due_at", "status", "due_at"),
    Index("ix_reminders_activity_id", "activity_id"),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("user_id", String(USER_ID), nullable=False),
    Column("title", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("activity_id", String(ID), nullable=False),
    # The reminder key that produced it (unique: one notification per key).
    Column("source_key", String(255), nullable=True, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("read_at", DateTime(timezone=True), nullable=True),
    Index("ix_notifications_user_created", "user_id", "created_at", "id"),
)

# Users and teams from the identity events: the chassis read model (chassis.directory, migration
# 0005). Each user's zone is this service's own setting, kept apart so identity updates never
# touch it.
directory_tables = add_directory_tables(metadata)
users = directory_tables.users
teams = directory_tables.teams

user_settings = Table(
    "user_settings",
    metadata,
    Column("user_id", String(USER_ID), primary_key=True),
    Column("time_zone", String(64), nullable=False),
)

# Names of linked records (leads, customers, contacts) from crm.contacts.* events.
parties = Table(
    "parties",
    metadata,
    Column("kind", String(20), nullable=False),
    Column("ref_id", String(ID), nullable=False),
    Column("name", String(300), nullable=False),
    Column("email", String(254), nullable=False),
    Column("version", Integer, nullable=False),
    PrimaryKeyConstraint("kind", "ref_id"),
)

customer_locations = Table(
    "customer_locations",
    metadata,
    Column("customer_id", String(ID), primary_key=True),
    Column("latitude", Float, nullable=False),
    Column("longitude", Float, nullable=False),
    Column("address", String(500), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(USER_ID), nullable=False),
)

team_policies = Table(
    "team_checkin_policies",
    metadata,
    Column("team_id", String(USER_ID), primary_key=True),
    Column("mode", String(10), nullable=False),
    Column("radius_m", Integer, nullable=False),
)

calendar_feeds = Table(
    "calendar_feeds",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("user_id", String(USER_ID), nullable=False),
    # SHA-256 of the token; the token itself is never stored.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Column("last_fetch_at", DateTime(timezone=True), nullable=True),
    Index("ix_calendar_feeds_user_id", "user_id"),
)

# -- date-based customer mail (birthdays, anniversaries, contract ends) and PDPA consent ------

date_mail_rules = Table(
    "date_mail_rules",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("name", String(200), nullable=False),
    # birthday | anniversary | contract_end
    Column("field", String(20), nullable=False),
    Column("offset_days", Integer, nullable=False),
    # HH:MM local time in time_zone
    Column("send_time", String(5), nullable=False),
    Column("time_zone", String(64), nullable=False),
    Column("template", String(40), nullable=False),
    Column("language", String(10), nullable=False),
    # yearly | once
    Column("recurrence", String(10), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("deleted", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(USER_ID), nullable=False),
)

# The dates rules look at, one per (field, dated record): a contact's birthday, a customer's
# anniversary, a contract's end; with who gets the mail (a contact or a customer).
mail_dates = Table(
    "mail_dates",
    metadata,
    Column("field", String(20), nullable=False),
    Column("subject_id", String(ID), nullable=False),
    Column("recipient_kind", String(20), nullable=False),
    Column("recipient_id", String(ID), nullable=False),
    Column("date", Date, nullable=False),
    # month * 100 + day: annual rules find the dates of a window with one indexed IN.
    Column("month_day", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    PrimaryKeyConstraint("field", "subject_id"),
    Index("ix_mail_dates_field_month_day", "field", "month_day"),
    Index("ix_mail_dates_field_date", "field", "date"),
)

# One row per (rule, recipient, dated record, year): the exactly-once key of a date mail.
date_mail_sends = Table(
    "date_mail_sends",
    metadata,
    Column("key", String(255), primary_key=True),
    Column("rule_id", String(ID), nullable=False),
    Column("field", String(20), nullable=False),
    Column("subject_id", String(ID), nullable=False),
    Column("recipient_kind", String(20), nullable=False),
    Column("recipient_id", String(ID), nullable=False),
    Column("year", Integer, nullable=False),
    Column("due_at", DateTime(timezone=True), nullable=False),
    # planned → sent | skipped (reason: no_consent, no_address, too_late, date_changed)
    Column("status", String(10), nullable=False),
    Column("reason", String(40), nullable=False),
    Column("mail_id", String(ID), nullable=True),
    Column("done_at", DateTime(timezone=True), nullable=True),
    Index("ix_date_mail_sends_status_due_at", "status", "due_at"),
    Index("ix_date_mail_sends_recipient", "recipient_kind", "recipient_id"),
    Index("ix_date_mail_sends_rule", "rule_id", "status"),
)

# The marketing consent in force per recipient (PDPA); every change is in consent_log.
marketing_consents = Table(
    "marketing_consents",
    metadata,
    Column("recipient_kind", String(20), nullable=False),
    Column("recipient_id", String(ID), nullable=False),
    Column("granted", Boolean, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("source", String(20), nullable=False),
    # The last value contacts' events carried: only a change of it is applied (see README).
    Column("contacts_value", Boolean, nullable=True),
    PrimaryKeyConstraint("recipient_kind", "recipient_id"),
)

consent_log = Table(
    "consent_log",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("recipient_kind", String(20), nullable=False),
    Column("recipient_id", String(ID), nullable=False),
    Column("granted", Boolean, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    # api (a user through the CRM) | unsubscribe (the recipient's link) | contacts (events) | import
    Column("source", String(20), nullable=False),
    # The user id for api, the send key for unsubscribe, the event id for contacts.
    Column("actor", String(255), nullable=False),
    Column("note", String(500), nullable=False),
    Index("ix_consent_log_recipient", "recipient_kind", "recipient_id", "at"),
)

# One-click unsubscribe tokens (256 random bits; only the SHA-256 is kept).
unsubscribe_tokens = Table(
    "unsubscribe_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("recipient_kind", String(20), nullable=False),
    Column("recipient_id", String(ID), nullable=False),
    Column("send_key", String(255), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True), nullable=True),
)

# -- two-way calendar sync (CalendarProvider) -------------------------------------------------

calendar_sync_states = Table(
    "calendar_sync_states",
    metadata,
    Column("user_id", String(USER_ID), primary_key=True),
    Column("calendar_id", String(255), nullable=False),
    Column("sync_token", String(1000), nullable=True),
    Column("channel_id", String(255), nullable=True),
    Column("channel_resource_id", String(255), nullable=True),
    Column("channel_expires_at", DateTime(timezone=True), nullable=True),
)

calendar_sync_links = Table(
    "calendar_sync_links",
    metadata,
    Column("user_id", String(USER_ID), nullable=False),
    Column("remote_id", String(255), nullable=False),
    Column("activity_id", String(ID), nullable=False),
    # The remote etag last seen or written: a change with this etag is our own echo.
    Column("etag", String(255), nullable=False),
    # The activity version last pushed or applied: a newer one is pushed.
    Column("synced_version", Integer, nullable=False),
    PrimaryKeyConstraint("user_id", "remote_id"),
    Index("ix_calendar_sync_links_activity", "user_id", "activity_id", unique=True),
)

# -- preventive visits of service-desk contracts (migration 0004) ------------------------------
# One row per contract and visit date: the activity created for it, so a redelivered or repeated
# crm.servicedesk.contract.activated creates each visit once, and a cancellation finds them.
contract_visits = Table(
    "contract_visits",
    metadata,
    Column("contract_id", String(ID), nullable=False),
    Column("visit_date", Date, nullable=False),
    Column("activity_id", String(ID), nullable=False),
    PrimaryKeyConstraint("contract_id", "visit_date"),
)
