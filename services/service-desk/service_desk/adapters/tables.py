"""The service-desk database schema (SQLAlchemy Core). Migrations in `service_desk/migrations`
create the same tables; `metadata` also carries the chassis outbox/inbox.

Each aggregate is one row, its parts as JSON (a calendar's windows and holidays, a policy's
targets and rules, a case's status history, a contract's covered items), read and written whole
under the row's lock and version. Money is decimal text. `sla_escalations` holds each fired
escalation level once (primary key case, clock, level), so a level fires once even when two
schedulers race; `cases.next_check_at` is when the scheduler must look at a case next.
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
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)
from sqlalchemy import false as sa_false

ID = 40
USER_ID = 64

metadata = new_metadata()
event_tables = add_event_tables(metadata)
mail_tables = add_mail_tables(metadata)

# -- notifications, calendars and customers (migration 0003) ----------------------------------
# Users and teams from the gateway's identity events (chassis.directory): assignees and team
# leads to mail. A team's calendar and the company's (key "calendar_id" in `company_settings`)
# come between the policy's and 24x7. Customers and contact persons' e-mails from the contacts
# events: customer groups for SLA matching, the customer of an incoming mail's sender.
directory_tables = add_directory_tables(metadata)
team_calendars = Table(
    "team_calendars",
    metadata,
    Column("team_id", String(USER_ID), primary_key=True),
    Column("calendar_id", String(ID), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(USER_ID), nullable=False),
)
company_settings = Table(
    "company_settings",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(USER_ID), nullable=False),
)
customers = Table(
    "customers",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("email", String(320), nullable=False),
    Column("email_key", String(320), nullable=False),  # lower case, for lookups
    Column("group_ids", Text, nullable=False),  # JSON
    Column("version", Integer, nullable=False),
    Index("ix_customers_email_key", "email_key"),
)
contact_persons = Table(
    "contact_persons",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("customer_id", String(ID), nullable=False),
    Column("name", String(300), nullable=False),
    Column("email", String(320), nullable=False),
    Column("email_key", String(320), nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_contact_persons_email_key", "email_key"),
    Index("ix_contact_persons_customer", "customer_id"),
)
# -- end of notifications, calendars and customers ---------------------------------------------

calendars = Table(
    "calendars",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("zone", String(64), nullable=False),
    Column("windows", Text, nullable=False),  # JSON
    Column("holidays", Text, nullable=False),  # JSON
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(USER_ID), nullable=False),
)

sla_policies = Table(
    "sla_policies",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("position", Integer, nullable=False),
    Column("body", Text, nullable=False),  # JSON: targets, conditions, statuses, escalation
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(USER_ID), nullable=False),
    Index("ix_sla_policies_position", "position"),
)

cases = Table(
    "cases",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("customer_id", String(ID), nullable=False),
    Column("contact_id", String(ID), nullable=False),
    Column("contract_id", String(ID), nullable=False),
    Column("product_id", String(ID), nullable=False),
    Column("serial_number", String(100), nullable=False),
    Column("priority", String(10), nullable=False),
    Column("case_type", String(50), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("team_id", String(USER_ID), nullable=False),
    Column("assignee_id", String(USER_ID), nullable=False),
    Column("status", String(30), nullable=False),
    Column("history", Text, nullable=False),  # JSON
    Column("first_response_at", DateTime(timezone=True), nullable=True),
    Column("flagged_for_lead", Boolean, nullable=False),
    Column("follow_up_of", String(ID), nullable=False),
    Column("sla_policy_id", String(ID), nullable=False),
    Column("customer_group_ids", Text, nullable=False),  # JSON
    Column("created_by", String(USER_ID), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("next_check_at", DateTime(timezone=True), nullable=True),
    Column("version", Integer, nullable=False),
    Index("ix_cases_next_check_at", "next_check_at"),
    Index("ix_cases_team_created", "team_id", "created_at"),
    Index("ix_cases_customer", "customer_id"),
    Index("ix_cases_status", "status"),
)

case_messages = Table(
    "case_messages",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("case_id", String(ID), nullable=False),
    Column("customer_visible", Boolean, nullable=False),
    Column("author_id", String(USER_ID), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_case_messages_case", "case_id", "created_at"),
)

sla_escalations = Table(
    "sla_escalations",
    metadata,
    Column("case_id", String(ID), nullable=False),
    Column("clock", String(20), nullable=False),
    Column("level", String(20), nullable=False),
    Column("reached_at", DateTime(timezone=True), nullable=False),
    Column("fired_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("case_id", "clock", "level"),
)

contracts = Table(
    "contracts",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("customer_id", String(ID), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("billing_period", String(20), nullable=False),
    Column("fee", String(32), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("covered_items", Text, nullable=False),  # JSON
    Column("auto_renew", Boolean, nullable=False),
    Column("renewal_notice_days", Text, nullable=False),  # JSON
    Column("invoice_lead_days", Integer, nullable=False),
    Column("sla_policy_id", String(ID), nullable=False),
    Column("visits_every_months", Integer, nullable=True),
    Column("visits_count", Integer, nullable=True),
    Column("approved_on", Date, nullable=True),
    Column("cancelled_on", Date, nullable=True),
    Column("cancel_reason", Text, nullable=False),
    Column("renewed_by", String(ID), nullable=False),
    # migration 0008: the term was sold whole by a renewal quotation (no period drafts)
    Column("term_billed_upfront", Boolean, nullable=False, server_default=sa_false()),
    Column("submitted_at", DateTime(timezone=True), nullable=True),
    Column("owner_id", String(USER_ID), nullable=False),
    Column("team_id", String(USER_ID), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_contracts_customer", "customer_id"),
    Index("ix_contracts_owner", "owner_id"),
    Index("ix_contracts_team", "team_id"),
)

# -- e-mail intake and threading (migration 0002) -----------------------------------------------
# Every Message-ID the desk knows, received ("in") or sent ("out"), with its case: a reply
# threads to the case of its nearest known parent; a Message-ID seen before is a duplicate.
mail_threads = Table(
    "mail_threads",
    metadata,
    Column("message_id", String(998), primary_key=True),
    Column("case_id", String(ID), nullable=False),
    Column("direction", String(3), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_mail_threads_case", "case_id"),
)
cases.append_column(Column("requester_email", String(320), nullable=False, server_default=""))
cases.append_column(Column("requester_name", String(200), nullable=False, server_default=""))
case_messages.append_column(Column("channel", String(20), nullable=False, server_default=""))
case_messages.append_column(Column("message_id", String(998), nullable=False, server_default=""))
case_messages.append_column(Column("from_customer", Boolean, nullable=False, server_default=sa_false()))

# -- contract lifecycle: approvals, renewal notices, billing requests (migration 0005) ----------
# A decision applies to the revision submitted (`submitted_revision`); `renewal_checked_on` is
# the day the renewal pass last looked at a contract (a batch per pass, each contract once a
# day). `contract_billings` holds each period's billing request once (primary key = the draft's
# key "contract:period_start") and `contract_notices` each renewal notice once: a conditional
# insert claims it, so two replicas, a rerun or a restart publish each once.
contracts.append_column(Column("approval_request_id", String(ID), nullable=False, server_default=""))
contracts.append_column(Column("submitted_revision", Integer, nullable=True))
contracts.append_column(Column("decision_reason", Text, nullable=False, server_default=""))
contracts.append_column(Column("renewal_checked_on", Date, nullable=True))
contract_billings = Table(
    "contract_billings",
    metadata,
    Column("key", String(80), primary_key=True),
    Column("contract_id", String(ID), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("amount", String(32), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Index("ix_contract_billings_contract", "contract_id"),
)
contract_notices = Table(
    "contract_notices",
    metadata,
    Column("contract_id", String(ID), nullable=False),
    Column("days_before", Integer, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("contract_id", "days_before"),
)

# -- contract renewal follow-ups (migration 0006) -------------------------------------------------
# When the renewal pass announced the contract's expiry (crm.servicedesk.contract.expired), set
# once by a conditional update; such a contract leaves the renewal pass's candidates.
contracts.append_column(Column("expiry_announced_at", DateTime(timezone=True), nullable=True))
# -- end of contract renewal follow-ups -----------------------------------------------------------

# -- satisfaction survey and auto-close (migration 0004) ------------------------------------------
# One row per resolve: only the SHA-256 of the link's token is kept (the link is the secret),
# with the resolve it belongs to, its expiry and the customer's answer (`answered_at` set once,
# by a conditional update). `cases.satisfaction_score` is the last answer's score.
survey_links = Table(
    "survey_links",
    metadata,
    Column("token_sha256", String(64), primary_key=True),
    Column("case_id", String(ID), nullable=False),
    Column("resolved_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("language", String(8), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("answered_at", DateTime(timezone=True), nullable=True),
    Column("solved", Boolean, nullable=True),
    Column("score", Integer, nullable=True),
    Column("comment", Text, nullable=False, server_default=""),
    Index("ix_survey_links_case", "case_id", "resolved_at"),
)
cases.append_column(Column("satisfaction_score", Integer, nullable=True))
# -- end of satisfaction survey and auto-close ----------------------------------------------------

# -- customers' language for mail (migration 0007) ------------------------------------------------
# preferred_language of customers and contact persons, from the contacts events ("th" or "en").
customers.append_column(Column("preferred_language", String(8), nullable=False, server_default="th"))
contact_persons.append_column(Column("preferred_language", String(8), nullable=False, server_default="th"))
# -- end of customers' language for mail -----------------------------------------------------------
