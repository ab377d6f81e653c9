"""Fixtures: sales-docs over each test database, with real pricing and contacts services over gRPC."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from contacts.testing import ContactsUnderTest, start_contacts, stop_contacts
from pricing.testing import PricingUnderTest, start_pricing, stop_pricing
from sales_docs.testing import SalesDocsUnderTest, start_sales_docs, stop_sales_docs


@pytest.fixture
def pricing(tmp_path: Path) -> Iterator[PricingUnderTest]:
    running = start_pricing(f"sqlite:///{tmp_path / 'pricing.db'}", None, tmp_path / "pricing")
    yield running
    stop_pricing(running)


@pytest.fixture
def contacts(tmp_path: Path) -> Iterator[ContactsUnderTest]:
    running = start_contacts(f"sqlite:///{tmp_path / 'contacts.db'}", None, tmp_path / "contacts")
    yield running
    stop_contacts(running)


@pytest.fixture
def sales(
    database_url: str, tmp_path: Path, pricing: PricingUnderTest, contacts: ContactsUnderTest
) -> Iterator[SalesDocsUnderTest]:
    running = start_sales_docs(
        database_url,
        None,
        tmp_path / "sales",
        pricing=f"127.0.0.1:{pricing.runtime.grpc_port}",
        contacts=f"127.0.0.1:{contacts.runtime.grpc_port}",
    )
    yield running
    stop_sales_docs(running)
