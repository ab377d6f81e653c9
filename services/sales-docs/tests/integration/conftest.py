"""Fixtures: sales-docs over each test database, with real pricing and contacts services over
gRPC. Pricing and contacts are started once per module (starting them costs more than most
tests); tests keep apart by fresh SKUs and tax ids from `new_product` / `new_customer`."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from chassis.testing import NatsServer
from contacts.testing import REP as CONTACTS_REP
from contacts.testing import ContactsUnderTest, start_contacts, stop_contacts, tax_id
from crm.contacts.v1 import contacts_service_pb2 as cpb
from crm.contacts.v1 import resources_pb2 as cres
from pricing.testing import PricingUnderTest, create, start_pricing, stop_pricing, thb
from sales_docs.testing import SalesDocsUnderTest, start_sales_docs, stop_sales_docs

_serial = itertools.count(1)


@pytest.fixture(scope="module")
def pricing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PricingUnderTest]:
    folder = tmp_path_factory.mktemp("pricing")
    running = start_pricing(f"sqlite:///{folder / 'pricing.db'}", None, folder)
    yield running
    stop_pricing(running)


@pytest.fixture(scope="module")
def contacts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ContactsUnderTest]:
    folder = tmp_path_factory.mktemp("contacts")
    running = start_contacts(f"sqlite:///{folder / 'contacts.db'}", None, folder)
    yield running
    stop_contacts(running)


@pytest.fixture
def new_customer(contacts: ContactsUnderTest) -> Callable[..., cres.Customer]:
    """A juristic customer owned by the contacts REP (u-malee), with a fresh tax id."""

    def build(name: str = "บริษัท เชียงใหม่เทรดดิ้ง จำกัด") -> cres.Customer:
        customer = cres.Customer(
            kind=cres.CUSTOMER_KIND_JURISTIC,
            name=f"{name} {next(_serial)}",
            tax_id=tax_id(f"0105560{uuid.uuid4().int % 10**5:05d}"),
            branch_code="00000",
            email="buyer@cm-trading.example",
            addresses=[
                cres.Address(
                    kind=cres.ADDRESS_KIND_BILLING,
                    house_no="12 ถนนนิมมานเหมินท์",
                    sub_district="สุเทพ",
                    district="เมืองเชียงใหม่",
                    province="เชียงใหม่",
                    postcode="50200",
                )
            ],
        )
        request = cpb.CreateCustomerRequest(customer=customer, allow_duplicates=True)
        return contacts.call("CreateCustomer", request, CONTACTS_REP).customer

    return build


@pytest.fixture
def new_product(pricing: PricingUnderTest) -> Callable[..., Any]:
    """A product with a fresh SKU and a standard price per EA."""

    def build(price: str = "100.00", name: str = "ท่อ PVC 4 นิ้ว") -> Any:
        product = create(
            pricing, "product", sku=f"PVC-{uuid.uuid4().hex[:8]}", name_th=name, base_unit="EA", cost="60"
        )
        create(pricing, "standard_price", product_id=product.id, unit="EA", amount=thb(price))
        return product

    return build


def _start(
    database_url: str,
    nats_url: str | None,
    folder: Path,
    pricing: PricingUnderTest,
    contacts: ContactsUnderTest,
) -> SalesDocsUnderTest:
    return start_sales_docs(
        database_url,
        nats_url,
        folder,
        pricing=f"127.0.0.1:{pricing.runtime.grpc_port}",
        contacts=f"127.0.0.1:{contacts.runtime.grpc_port}",
    )


@pytest.fixture
def sales(
    database_url: str, tmp_path: Path, pricing: PricingUnderTest, contacts: ContactsUnderTest
) -> Iterator[SalesDocsUnderTest]:
    running = _start(database_url, None, tmp_path / "sales", pricing, contacts)
    yield running
    stop_sales_docs(running)


@pytest.fixture
def start_with_events(
    database_url: str, tmp_path: Path, pricing: PricingUnderTest, contacts: ContactsUnderTest
) -> Iterator[Callable[[NatsServer], SalesDocsUnderTest]]:
    """Starts sales-docs with its outbox relay and consumer on `nats` (again after a stop: same
    database), and stops whatever it started."""
    started: list[SalesDocsUnderTest] = []

    def start(nats: NatsServer) -> SalesDocsUnderTest:
        running = _start(database_url, nats.url, tmp_path / "sales", pricing, contacts)
        started.append(running)
        return running

    yield start
    for running in started:
        stop_sales_docs(running)
