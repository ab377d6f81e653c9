"""Pure rules of the service desk: calendars, SLA clocks, cases, contracts and MA-fee billing.

Plain Python over `Decimal`, `zoneinfo` and frozen dataclasses; no framework imports (no
SQLAlchemy, gRPC or NATS), unit-tested without a database. Functions return new values or
decisions ("what is due"); the service stores them and publishes the events.

- `calendars`: business calendars (zone, working windows, holidays) and business-time arithmetic;
- `sla_policies`: targets per priority, match conditions in order, pausing/fulfilling statuses;
- `sla_clocks`: first-response and resolution clocks computed from a case's status history;
- `escalation`: warning and breach, each fired once, with their actions and the next check;
- `cases`: the case status machine, history, customer replies, follow-ups;
- `satisfaction`: the survey after resolve, its outcome, and auto-close of silent cases;
- `email_threading`: Message-ID / In-Reply-To / References → case, subject → title, the case
  reference "[#SD-…]" in subjects;
- `inbound_mail`: a received RFC 5322 mail → sender, subject, threading headers, the new text;
- `contracts`: maintenance contracts, covered items, derived status, preventive visits;
- `contract_billing`: renewal notices, MA-fee drafts per period, proration and credits.
"""
