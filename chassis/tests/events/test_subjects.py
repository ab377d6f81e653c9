"""NATS subject matching used to route messages to handlers."""

from __future__ import annotations

import pytest
from chassis.events import dead_letter_subject, subject_matches


@pytest.mark.parametrize(
    ("pattern", "subject", "matches"),
    [
        ("crm.sales.invoice.issued", "crm.sales.invoice.issued", True),
        ("crm.sales.invoice.issued", "crm.sales.invoice.voided", False),
        ("crm.sales.*.issued", "crm.sales.invoice.issued", True),
        ("crm.sales.*.issued", "crm.sales.invoice.line.issued", False),
        ("crm.sales.>", "crm.sales.invoice.issued", True),
        ("crm.sales.>", "crm.sales", False),
        ("crm.>", "crm.contacts.customer.created", True),
        ("crm.sales.invoice", "crm.sales.invoice.issued", False),
        ("crm.sales.invoice.issued.x", "crm.sales.invoice.issued", False),
    ],
)
def test_subject_matching_follows_nats_wildcards(pattern: str, subject: str, matches: bool) -> None:
    assert subject_matches(pattern, subject) is matches


def test_dead_letter_subject_names_the_consumer_and_the_original_subject() -> None:
    assert (
        dead_letter_subject("contacts", "crm.sales.invoice.issued") == "dlq.contacts.crm.sales.invoice.issued"
    )
