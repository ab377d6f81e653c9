"""Section "sales": the sales-documents service's two figures of issue 5.

- Numbering under load: 32 concurrent creators on PostgreSQL, each running the real use cases
  in process on its own draft sale orders (made beforehand with the customer's snapshot from a
  real contacts service over gRPC): confirm one (SO number, outbox event), issue its tax invoice
  (INV number, order progress, outbox event), next, as fast as they can. Numbered
  documents per second, and the gaps and duplicates counted in each number series afterwards
  (target 0 and 0, ≥ 200 documents/s). Skipped, with the reason printed, when no PostgreSQL
  server answers.
- A 50-line quotation through the gateway: POST /api/v1/quotations on the platform started as
  processes (gateway → sales-docs → pricing Evaluate and contacts GetCustomer), p50/p95 over a
  few runs.
"""

from __future__ import annotations

import itertools
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa
from chassis.db import Database
from chassis.testing import (
    PG_SERVER_URL,
    create_postgres_database,
    drop_postgres_database,
    postgres_reachable,
)
from contacts.testing import REP as CONTACTS_REP
from contacts.testing import start_contacts, stop_contacts, tax_id
from crm.contacts.v1 import contacts_service_pb2 as cpb
from crm.contacts.v1 import resources_pb2 as cres
from sales_docs.adapters.peers import as_caller
from sales_docs.application import invoicing, sale_orders
from sales_docs.application.pricing_lines import LineInput
from sales_docs.bootstrap import build_sales_docs, migrate_database
from sales_docs.settings import SalesDocsSettings
from sales_docs.testing import ACCOUNTANT, REP

from crm_platform.bench.platform_run import running_platform
from crm_platform.bench.report import Figure, at_least, percentile, under

SECTION = "sales"


@dataclass(frozen=True)
class SalesBenchSettings:
    creators: int = 32
    orders_per_creator: int = 25
    quotation_lines: int = 50
    quotation_runs: int = 20


QUICK = SalesBenchSettings(orders_per_creator=4, quotation_runs=3)


def _gaps_and_duplicates(numbers: list[str]) -> tuple[int, int]:
    """Per series (the number without its sequence): sequence numbers missing from 1..max, and
    numbers given more than once."""
    series: dict[str, list[int]] = {}
    for number in numbers:
        prefix, _, sequence = number.rpartition("-")
        series.setdefault(prefix, []).append(int(sequence))
    gaps = duplicates = 0
    for sequences in series.values():
        counted = Counter(sequences)
        duplicates += sum(n - 1 for n in counted.values())
        gaps += max(sequences) - len(counted)
    return gaps, duplicates


def _customer(contacts: Any) -> str:
    customer = cres.Customer(
        kind=cres.CUSTOMER_KIND_JURISTIC,
        name="บริษัท ทดสอบความเร็ว จำกัด",
        tax_id=tax_id(f"0105561{uuid.uuid4().int % 10**5:05d}"),
        branch_code="00000",
        addresses=[
            cres.Address(
                kind=cres.ADDRESS_KIND_BILLING,
                house_no="1 ถนนสีลม",
                sub_district="สีลม",
                district="บางรัก",
                province="กรุงเทพมหานคร",
                postcode="10500",
            )
        ],
    )
    created = contacts.call("CreateCustomer", cpb.CreateCustomerRequest(customer=customer), CONTACTS_REP)
    return str(created.customer.id)


def numbering_under_load(settings: SalesBenchSettings, emit: Callable[[Figure], None]) -> list[Figure]:
    if not postgres_reachable():
        print(f"  skipped: no PostgreSQL server answers at {PG_SERVER_URL.split('@')[-1]}", flush=True)
        return []
    url = create_postgres_database()
    with tempfile.TemporaryDirectory(prefix="crm-bench-sales-") as tmp:
        contacts = start_contacts(f"sqlite:///{Path(tmp) / 'contacts.db'}", None, Path(tmp) / "contacts")
        try:
            config = SalesDocsSettings(
                database_url=url,
                var_dir=Path(tmp),
                events_enabled=False,
                mail_enabled=False,
                log_json=False,
                contacts_target=f"127.0.0.1:{contacts.runtime.grpc_port}",
            )
            migrate_database(config)
            service = build_sales_docs(config, database=Database(url, pool_size=settings.creators + 4))
            try:
                return _drive(service, _customer(contacts), settings, emit)
            finally:
                service.close()
                service.database.dispose()
        finally:
            stop_contacts(contacts)
            drop_postgres_database(url)


def _drive(
    service: Any, customer_id: str, settings: SalesBenchSettings, emit: Callable[[Figure], None]
) -> list[Figure]:
    ctx = service.context
    line = LineInput(description="ค่าบริการติดตั้ง", quantity=Decimal(2), unit_price=Decimal("1500.00"))
    form = sale_orders.SaleOrderForm(customer_id=customer_id, lines=(line,))
    errors: list[BaseException] = []
    start = threading.Barrier(settings.creators + 1)
    # Drafts take no number: they are made before the clock starts (each asks contacts once).
    with as_caller(REP):
        drafts = [
            [sale_orders.create_sale_order(ctx, REP, form).id for _ in range(settings.orders_per_creator)]
            for _ in range(settings.creators)
        ]

    def creator(orders: list[str]) -> None:
        start.wait()
        try:
            for order_id in orders:
                sale_orders.confirm_sale_order(ctx, REP, order_id)  # SO number
                invoicing.issue_invoice(ctx, ACCOUNTANT, invoicing.InvoiceForm(order_id))  # INV number
        except BaseException as error:  # counted below
            errors.append(error)

    threads = [threading.Thread(target=creator, args=(orders,)) for orders in drafts]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    with service.database.read() as session:
        numbers = [
            str(n)
            for table in ("sale_orders", "tax_invoices")
            for n in session.execute(sa.text(f"SELECT number FROM {table} WHERE number <> ''")).scalars()
        ]
    gaps, duplicates = _gaps_and_duplicates(numbers)
    note = f"{len(numbers)} numbered in {elapsed:.1f} s; {len(errors)} creator errors"
    if errors:
        note += f" (first: {errors[0]!r:.120})"
    figures = [
        Figure(
            SECTION,
            f"documents/s, {settings.creators} creators, PostgreSQL",
            len(numbers) / elapsed,
            "/s",
            at_least(200),
            note,
        ),
        Figure(SECTION, "numbering gaps", gaps, "", under(1)),
        Figure(SECTION, "numbering duplicates", duplicates, "", under(1)),
    ]
    for figure in figures:
        emit(figure)
    return figures


def quotation_through_gateway(settings: SalesBenchSettings, emit: Callable[[Figure], None]) -> list[Figure]:
    print("  starting the platform (nats-server, services, gateway) ...", flush=True)
    with running_platform() as platform:
        base = f"{platform.gateway_url}/api/v1"
        token = requests.post(
            f"{base}/auth/token",
            json={
                "grant_type": "password",
                "username": platform.admin_email,
                "password": platform.admin_password,
            },
            timeout=30,
        ).json()["access_token"]
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"

        def created(path: str, body: dict[str, Any]) -> dict[str, Any]:
            response = session.post(f"{base}{path}", json=body, timeout=60)
            if response.status_code != 201:
                raise RuntimeError(f"POST {path}: {response.status_code} {response.text[:300]}")
            return dict(response.json())

        tag = uuid.uuid4().hex[:6]
        customer = created(
            "/customers",
            {
                "kind": "juristic",
                "name": f"บริษัท ทดสอบใบเสนอราคา {tag} จำกัด",
                "tax_id": tax_id(f"0105562{uuid.uuid4().int % 10**5:05d}"),
            },
        )
        products = []
        for index in range(settings.quotation_lines):
            product = created(
                "/products", {"sku": f"B-{tag}-{index}", "name_th": f"สินค้า {index}", "base_unit": "EA"}
            )
            price = {"amount": f"{100 + index}.25", "currency": "THB"}
            created("/standard-prices", {"product_id": product["id"], "amount": price})
            products.append(product["id"])
        body = {
            "customer_id": customer["id"],
            "lines": [
                {"product_id": p, "quantity": str(q)}
                for p, q in zip(products, itertools.cycle((1, 3, 12)), strict=False)
            ],
        }
        created("/quotations", body)  # warm-up: connections, caches
        samples = []
        for _ in range(settings.quotation_runs):
            began = time.perf_counter()
            quotation = created("/quotations", body)
            samples.append(time.perf_counter() - began)
            if len(quotation["lines"]) != settings.quotation_lines:
                raise RuntimeError(f"the quotation has {len(quotation['lines'])} lines")
    note = f"{settings.quotation_runs} runs, priced by pricing Evaluate"
    figures = [
        Figure(
            SECTION,
            f"{settings.quotation_lines}-line quotation via gateway p50",
            percentile(samples, 0.5) * 1000,
            "ms",
            None,
            note,
        ),
        Figure(
            SECTION,
            f"{settings.quotation_lines}-line quotation via gateway p95",
            percentile(samples, 0.95) * 1000,
            "ms",
            under(1000),
        ),
    ]
    for figure in figures:
        emit(figure)
    return figures


def run(settings: SalesBenchSettings, emit: Callable[[Figure], None]) -> list[Figure]:
    return numbering_under_load(settings, emit) + quotation_through_gateway(settings, emit)
