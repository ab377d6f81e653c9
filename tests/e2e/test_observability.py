"""Every metric a Grafana dashboard or an alert rule uses is exported by a running process of the
platform: requests through the gateway make the counters exist, then /metrics of the gateway and
of every present service is scraped and compared with the names read out of the dashboards'
PromQL and the alert rules. Metrics from outside the platform (Prometheus's `up`,
kube-state-metrics) are listed in deploy/prometheus/external-metrics.txt; metrics of a service
that is not on the platform yet in deploy/prometheus/pending-metrics.txt (reported, not hidden)."""

from __future__ import annotations

import sys
import uuid
import warnings
from pathlib import Path

import pytest
import requests

from crm_platform.processes import Platform, present_services

from .conftest import Org, customer_body, eventually, new_tax_id

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "deploy"))
from crm_deploy.metric_names import (
    exported_names,
    external_metrics,
    pending_metrics,
    used_metrics,
)


def scrape(url: str) -> str:
    response = requests.get(url, timeout=10)
    assert response.status_code == 200, url
    return response.text


def metrics_pages(platform: Platform) -> dict[str, str]:
    """/metrics of the gateway and of each present service, by job name (as the chart's
    ServiceMonitors and `make observe` name the jobs)."""
    pages = {"gateway": scrape(f"{platform.gateway_url}/metrics")}
    for entry in present_services():
        pages[entry.name] = scrape(f"http://127.0.0.1:{platform.ports.http[entry.name]}/metrics")
    return pages


def make_traffic(org: Org) -> None:
    """A lead qualified into a customer, a customer created and read, a missing one asked for."""
    lead = org.rep.post(
        "/leads",
        {
            "source": "phone",
            "company_name": f"บริษัท สังเกตการณ์ {uuid.uuid4().hex[:6]} จำกัด",
            "contact_name": "สมชาย ใจดี",
            "email": f"{uuid.uuid4().hex[:8]}@example.co.th",
            "phone": "0861112223",
            "owner_id": org.rep.user["id"],
            "team_id": org.rep.user["team_ids"][0],
        },
    )
    assert lead.status_code == 201, lead.text
    qualified = org.rep.post(
        f"/leads/{lead.json()['id']}/qualify",
        {"customer": {"kind": "juristic", "tax_id": new_tax_id(), "branch_code": "00000"}},
    )
    assert qualified.status_code == 200, qualified.text
    created = org.rep.post("/customers", customer_body(org.rep))
    assert created.status_code == 201, created.text
    assert org.rep.get(f"/customers/{created.json()['id']}").status_code == 200
    assert org.rep.get("/customers/cus_missing").status_code == 404


def test_every_metric_of_the_dashboards_and_alerts_is_exported(platform: Platform, org: Org) -> None:
    make_traffic(org)

    def events_went_out() -> dict[str, str]:
        pages = metrics_pages(platform)
        assert 'crm_events_published_total{subject="crm.contacts.customer.created"}' in pages["contacts"]
        return pages

    pages = eventually(events_went_out)
    exported: set[str] = set()
    for page in pages.values():
        exported |= exported_names(page)

    used = used_metrics()
    external = external_metrics()
    pending = pending_metrics()
    present = {entry.folder for entry in present_services()}
    not_exported = {name for name in used if name not in exported}
    waiting = {name for name in not_exported if name in pending and pending[name] not in present}
    unexplained = {name: sorted(used[name]) for name in not_exported - set(external) - waiting}
    assert unexplained == {}, "used in dashboards/alerts but exported by no process"
    # The external list names only what no process of ours exports (a stale entry would hide one).
    assert set(external) & exported == set()
    assert set(external) <= set(used)
    if waiting:
        warnings.warn(
            "metrics waiting for their service: "
            + ", ".join(f"{name} ({pending[name]})" for name in sorted(waiting)),
            stacklevel=1,
        )


def test_requests_show_up_under_the_names_ops_teams_know(platform: Platform, org: Org) -> None:
    make_traffic(org)
    pages = metrics_pages(platform)
    contacts, gateway = pages["contacts"], pages["gateway"]
    assert 'grpc_method="GetCustomer"' in contacts
    for name in (
        "grpc_server_handled_total",
        "grpc_server_started_total",
        "grpc_server_handling_seconds_bucket",
    ):
        assert f"\n{name}{{" in contacts, name
    assert 'grpc_code="NOT_FOUND"' in contacts
    assert 'route="/api/v1/customers/<customer_id>"' in gateway
    assert 'status="404"' in gateway
    assert "\nhttp_request_duration_seconds_bucket{" in gateway
    assert 'grpc_client_handled_total{grpc_code="OK",grpc_method="GetCustomer"' in gateway
    assert "crm_leads_qualified_total " in contacts
    assert "crm_customers_created_total " in contacts


def test_sales_docs_exports_its_business_metrics_from_the_start(platform: Platform) -> None:
    """Known label values are exported at 0 before any sale, and the pipeline gauges come from
    sales-docs' database at scrape time (a failed read would leave them without samples)."""
    sales = metrics_pages(platform)["sales-docs"]
    for series in (
        'crm_sales_quotations_total{event="submitted"}',
        'crm_sales_quotation_value_thb_total{event="accepted"}',
        'crm_sales_sale_orders_total{event="cancelled"}',
        'crm_sales_opportunities_total{event="won"}',
        "crm_sales_invoices_issued_total ",
        "crm_sales_withholding_tax_thb_total ",
        'crm_sales_pipeline_value_thb{stage="proposal"}',
        'crm_sales_pipeline_weighted_value_thb{stage="negotiation"}',
        'crm_sales_open_opportunities{stage="prospecting"}',
        "crm_sales_quotations_awaiting_approval ",
        "crm_sales_quotation_approval_wait_seconds ",
    ):
        assert f"\n{series}" in sales, series


@pytest.mark.parametrize("name", ["up", "kube_pod_container_status_restarts_total"])
def test_external_metrics_are_listed_with_their_source(name: str) -> None:
    assert external_metrics()[name]
