"""Service desk: maintenance contracts, cases with SLA clocks and escalation, satisfaction,
MA-fee billing. The pure domain, the gRPC API (crm.servicedesk.v1), the database and outbox
events, and the SLA scheduler exist; `python -m service_desk [migrate]` runs it. See the README
for what is still to come."""
