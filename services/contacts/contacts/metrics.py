"""Business counters of the contacts service (default registry), for the business dashboard:
leads created by source, leads qualified and disqualified, customers created.

They count what committed: the unit of work collects the events it emitted and
`count_committed` runs after the transaction's commit, so a rolled-back use case counts nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import Counter

from contacts.domain.events import CustomerCreated, DomainEvent, LeadCreated, LeadDisqualified, LeadQualified
from contacts.domain.model import LeadSource

LEADS_CREATED = Counter("crm_leads_created_total", "Leads created, by source.", ["source"])
LEADS_QUALIFIED = Counter("crm_leads_qualified_total", "Leads qualified into a customer (new or existing).")
LEADS_DISQUALIFIED = Counter("crm_leads_disqualified_total", "Leads disqualified.")
CUSTOMERS_CREATED = Counter(
    "crm_customers_created_total", "Customers created (directly, by qualification or by import)."
)

# Every source has a series from the start, so rate() sees the first lead of each source.
_LEADS_BY_SOURCE = {source: LEADS_CREATED.labels(source.value) for source in LeadSource}


def count_committed(events: Iterable[DomainEvent]) -> None:
    """Counts the business events of one committed transaction."""
    for event in events:
        if isinstance(event, LeadCreated):
            _LEADS_BY_SOURCE[LeadSource(event.lead.source)].inc()
        elif isinstance(event, CustomerCreated):
            CUSTOMERS_CREATED.inc()
        elif isinstance(event, LeadQualified):
            LEADS_QUALIFIED.inc()
        elif isinstance(event, LeadDisqualified):
            LEADS_DISQUALIFIED.inc()
