"""Service desk: maintenance contracts, cases with SLA clocks and escalation, satisfaction,
MA-fee billing. Only the pure domain exists so far; the gRPC, database and event edges come next
(there is no `__main__` yet, so the platform does not start this service)."""
