"""The Helm chart deploy/helm/crm, rendered by the real Helm engine for values.yaml and
values-production.yaml: lint-clean, every object valid against the Kubernetes schemas (and the
Prometheus Operator kinds against deploy/schemas), one values entry per folder under services/,
hardened pods, NetworkPolicies that follow DESIGN.md §6, migration hooks, monitoring objects."""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from crm_deploy import chart
from crm_deploy.chart import Manifest

from crm_platform.processes import SERVICE_ENTRIES

ROOT = chart.DEPLOY.parent
# Who asks whom over gRPC (DESIGN.md §6 "asks"); the gateway calls every service. Activities
# asks nobody: it keeps what it needs from contacts' events (services/activities/README.md).
# The service desk keeps customers from contacts' events (services/service-desk/README.md).
CALLS = {"sales-docs": {"pricing", "contacts"}}
MAILERS = {"approvals", "activities", "service-desk", "sales-docs"}
ALL_ON = {"services": {name: {"enabled": True} for name in ("activities", "service-desk")}}


def of_kind(manifests: list[Manifest], kind: str) -> dict[str, dict[str, Any]]:
    return {
        m.body["metadata"]["labels"]["app.kubernetes.io/name"]: m.body for m in manifests if m.kind == kind
    }


def values(values_file: str = "values.yaml") -> dict[str, Any]:
    return chart.values_of(values_file)


@pytest.mark.parametrize("values_file", chart.VALUES_FILES)
def test_helm_lint_finds_nothing(values_file: str) -> None:
    assert chart.lint(values_file) == []


def test_every_object_is_valid_against_its_schema(manifests: list[Manifest]) -> None:
    errors = [error for manifest in manifests for error in chart.schema_errors(manifest)]
    assert errors == []
    assert {"Deployment", "ServiceMonitor", "PrometheusRule", "NetworkPolicy"} <= {m.kind for m in manifests}


def test_a_wrong_field_fails_the_validation() -> None:
    deployment = next(m for m in chart.render("values.yaml") if m.kind == "Deployment")
    container = deployment.body["spec"]["template"]["spec"]["containers"][0]
    container["livenessProbe"]["grpc"]["port"] = "grpc"  # gRPC probes need a number
    assert chart.schema_errors(deployment)
    monitor = next(m for m in chart.render("values.yaml") if m.kind == "ServiceMonitor")
    monitor.body["spec"]["endpoints"][0]["interval"] = "half a minute"
    assert chart.schema_errors(monitor)


def test_every_service_folder_has_a_values_entry_and_a_dockerfile() -> None:
    folders = {p.name for p in (ROOT / "services").iterdir() if p.is_dir() and not p.name.startswith(".")}
    entries = values()["services"]
    assert folders - set(entries) == set(), "a folder under services/ has no entry in values.yaml"
    assert {f for f in folders if not (ROOT / "services" / f / "Dockerfile").exists()} == set()


def test_values_entries_agree_with_the_platform_table() -> None:
    entries = values()["services"]
    for entry in SERVICE_ENTRIES:
        assert entry.folder in entries, entry.name
        svc = entries[entry.folder]
        assert (svc["module"], svc["grpcPort"], svc["metricsPort"]) == (
            entry.package,
            entry.grpc_port,
            entry.http_port,
        )
        assert set(svc.get("calls", [])) == CALLS.get(entry.name, set())
        assert bool(svc.get("smtp")) == (entry.name in MAILERS)


def pods(manifests: list[Manifest]) -> Iterator[tuple[str, dict[str, Any]]]:
    for m in manifests:
        if m.kind == "Deployment" or m.kind == "Job":
            yield str(m), m.body["spec"]["template"]["spec"]


def test_every_pod_runs_hardened(manifests: list[Manifest]) -> None:
    for where, spec in pods(manifests):
        assert spec["automountServiceAccountToken"] is False, where
        assert spec["securityContext"]["runAsNonRoot"] is True, where
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, where
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False, where
            assert context["readOnlyRootFilesystem"] is True, where
            assert context["capabilities"] == {"drop": ["ALL"]}, where
            assert container["resources"]["requests"], where
            assert container["resources"]["limits"], where
            assert [m["mountPath"] for m in container["volumeMounts"]] == ["/tmp"], where


def test_services_have_grpc_probes_and_the_gateway_http_probes(manifests: list[Manifest]) -> None:
    for name, deployment in of_kind(manifests, "Deployment").items():
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
            if name == "gateway":
                assert container[probe]["httpGet"]["port"] == "http"
            else:
                port = container[probe]["grpc"]["port"]
                assert isinstance(port, int)
                assert port == next(p["containerPort"] for p in container["ports"] if p["name"] == "grpc")
        if name == "gateway":
            assert container["command"][:3] == ["gunicorn", "-c", "/opt/gateway/gunicorn.conf.py"]
        else:
            assert container["command"][:2] == ["python", "-m"]


def test_every_workload_has_its_hpa_pdb_account_and_migration_hook(manifests: list[Manifest]) -> None:
    deployments = of_kind(manifests, "Deployment")
    assert "gateway" in deployments
    for kind in ("HorizontalPodAutoscaler", "PodDisruptionBudget", "ServiceAccount", "NetworkPolicy", "Job"):
        assert set(of_kind(manifests, kind)) == set(deployments), kind
    for name, hpa in of_kind(manifests, "HorizontalPodAutoscaler").items():
        assert hpa["spec"]["scaleTargetRef"]["name"] == deployments[name]["metadata"]["name"]
    for name, job in of_kind(manifests, "Job").items():
        hooks = job["metadata"]["annotations"]["helm.sh/hook"]
        assert hooks == "pre-install,pre-upgrade"
        command = job["spec"]["template"]["spec"]["containers"][0]["command"]
        module = "gateway" if name == "gateway" else values()["services"][name]["module"]
        assert command == ["python", "-m", module, "migrate"]


def grpc_sources(policy: dict[str, Any]) -> set[str]:
    """Names of the workloads a NetworkPolicy admits on any port but the metrics port."""
    names = set()
    for rule in policy["spec"]["ingress"]:
        for peer in rule["from"]:
            labels = peer.get("podSelector", {}).get("matchLabels", {})
            if "namespaceSelector" not in peer and "app.kubernetes.io/name" in labels:
                names.add(labels["app.kubernetes.io/name"])
    return names


@pytest.mark.parametrize("overrides", [None, ALL_ON], ids=["defaults", "all-services-on"])
def test_network_policies_follow_the_ownership_table(overrides: dict[str, Any] | None) -> None:
    manifests = chart.render("values.yaml", overrides)
    policies = of_kind(manifests, "NetworkPolicy")
    services = set(policies) - {"gateway"}
    for name in services:
        callers = {"gateway"} | {c for c, callees in CALLS.items() if name in callees and c in services}
        assert grpc_sources(policies[name]) == callers, name
        egress_ports = {p["port"] for rule in policies[name]["spec"]["egress"] for p in rule["ports"]}
        assert {53, 4222, 5432} <= egress_ports, name
        assert (587 in egress_ports) == (name in MAILERS), name
    # Only the gateway takes traffic from outside the release: the ingress controller's namespace.
    outside = {
        name
        for name, policy in policies.items()
        for rule in policy["spec"]["ingress"]
        for peer in rule["from"]
        if peer.get("namespaceSelector", {}).get("matchLabels", {}).get("kubernetes.io/metadata.name")
        == "ingress-nginx"
    }
    assert outside == {"gateway"}
    ingress = next(m.body for m in manifests if m.kind == "Ingress")
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"]
    assert backend == "crm-gateway"


def test_callers_get_the_targets_of_what_they_call() -> None:
    manifests = chart.render("values.yaml", ALL_ON)
    settings = {
        m.body["metadata"]["labels"]["app.kubernetes.io/name"]: m.body["data"]
        for m in manifests
        if m.kind == "ConfigMap" and m.name.endswith("-settings")
    }
    assert settings["sales-docs"]["PRICING_TARGET"] == "crm-pricing.crm.svc:50062"
    assert settings["sales-docs"]["CONTACTS_TARGET"] == "crm-contacts.crm.svc:50061"
    assert "PRICING_TARGET" not in settings["contacts"]
    assert {k for k in settings["activities"] if k.endswith("_TARGET")} == set()
    assert {k for k in settings["gateway"] if k.endswith("_TARGET")} == {
        f"{e.name.upper().replace('-', '_')}_TARGET" for e in SERVICE_ENTRIES
    }
    assert settings["gateway"]["MIGRATE_ON_START"] == "false"


def settings_of(manifests: list[Manifest]) -> dict[str, dict[str, str]]:
    return {
        m.body["metadata"]["labels"]["app.kubernetes.io/name"]: m.body["data"]
        for m in manifests
        if m.kind == "ConfigMap" and m.name.endswith("-settings")
    }


@pytest.mark.parametrize(
    ("name", "settings_class"),
    [
        ("sales-docs", "sales_docs.settings:SalesDocsSettings"),
        ("approvals", "approvals.settings:ApprovalsSettings"),
        ("activities", "activities.settings:ActivitiesSettings"),
    ],
)
def test_mailers_get_smtp_links_and_only_settings_their_process_reads(
    manifests: list[Manifest], name: str, settings_class: str
) -> None:
    """The settings ignore unknown variables, so a misspelt key would be lost silently."""
    module, _, cls = settings_class.partition(":")
    fields = {field.upper() for field in getattr(importlib.import_module(module), cls).model_fields}
    data = settings_of(manifests)[name]
    assert set(data) - fields == set()
    assert {"SMTP_HOST", "SMTP_PORT", "SMTP_SECURITY", "MAIL_FROM", "PUBLIC_BASE_URL"} <= set(data)
    assert data["PUBLIC_BASE_URL"] == "https://crm.example.co.th"


def test_sales_docs_prints_the_configured_seller(manifests: list[Manifest]) -> None:
    data = settings_of(manifests)["sales-docs"]
    assert data["SELLER_NAME_EN"] == "Example Co., Ltd."
    assert data["SELLER_ADDRESS"].endswith("10110")  # kept from values.yaml under production
    assert len(data["SELLER_TAX_ID"]) == 13


def test_production_reads_every_credential_from_existing_secrets() -> None:
    manifests = chart.render("values-production.yaml")
    assert [m for m in manifests if m.kind == "Secret"] == []
    for _, spec in pods(manifests):
        for env in spec["containers"][0].get("env", []):
            assert "value" not in env or env["name"] in {
                "SERVICE_NAME",
                "VAR_DIR",
                "EVENTS_ENABLED",
                "LOG_JSON",
            }


def test_a_service_monitor_scrapes_each_workload_as_its_job(manifests: list[Manifest]) -> None:
    monitors = of_kind(manifests, "ServiceMonitor")
    services = of_kind(manifests, "Service")
    assert set(monitors) == set(services)
    for name, monitor in monitors.items():
        assert monitor["spec"]["jobLabel"] == "app.kubernetes.io/name"
        port_names = {p["name"] for p in services[name]["spec"]["ports"]}
        assert monitor["spec"]["endpoints"][0]["port"] in port_names


def test_every_alert_has_a_runbook_section(manifests: list[Manifest]) -> None:
    rule = next(m.body for m in manifests if m.kind == "PrometheusRule")
    runbook = (chart.DEPLOY / "RUNBOOK.md").read_text()
    anchors = set(re.findall(r'<a id="([a-z0-9-]+)"></a>', runbook))
    alerts = [r for group in rule["spec"]["groups"] for r in group["rules"] if "alert" in r]
    assert len(alerts) >= 10
    for alert in alerts:
        annotations = alert["annotations"]
        assert annotations["runbook"] in anchors, alert["alert"]
        assert annotations["runbook_url"].endswith("RUNBOOK.md#" + annotations["runbook"])
        assert alert["alert"] in runbook, f"{alert['alert']} is not described in RUNBOOK.md"


def test_dashboards_are_configmaps_for_the_grafana_sidecar(manifests: list[Manifest]) -> None:
    dashboards = [m.body for m in manifests if m.kind == "ConfigMap" and "-dashboard-" in m.name]
    titles = set()
    for config_map in dashboards:
        assert config_map["metadata"]["labels"]["grafana_dashboard"] == "1"
        ((key, text),) = config_map["data"].items()
        dashboard = json.loads(text)
        assert key == f"{dashboard['uid']}.json"
        assert "__SERVICE__" not in text
        titles.add(dashboard["title"])
    services = {name for name in of_kind(manifests, "Deployment") if name != "gateway"}
    expected = {f"CRM / {name}" for name in services} | {"CRM / gateway", "CRM / events", "CRM / business"}
    assert titles == expected


def test_checkov_skips_each_carry_a_reason() -> None:
    lines = (chart.DEPLOY / "checkov" / "skips.txt").read_text().splitlines()
    rows = [line.split(None, 1) for line in lines if line.strip() and not line.startswith("#")]
    assert rows
    for row in rows:
        assert re.fullmatch(r"CKV2?_[A-Z0-9]+_\d+", row[0]), row
        assert len(row) == 2, f"{row[0]} has no reason"
        assert len(row[1]) > 40, f"{row[0]} has no reason"


def test_the_service_desk_takes_mail_only_from_the_relay() -> None:
    """E-mail intake: the SMTP listener's port on the pod and the Service, its settings, and a
    NetworkPolicy rule only when the relay's addresses are given."""
    closed = chart.render("values.yaml")
    relay = {"services": {"service-desk": {"inboundSmtp": {"allowFrom": ["10.20.0.0/24"]}}}}
    opened = chart.render("values.yaml", relay)
    deployment = next(
        m.body
        for m in closed
        if m.kind == "Deployment" and m.body["metadata"]["labels"]["app.kubernetes.io/name"] == "service-desk"
    )
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert {"name": "smtp-in", "containerPort": 2525, "protocol": "TCP"} in container["ports"]
    settings = settings_of(closed)["service-desk"]
    assert (settings["INBOUND_SMTP_HOST"], str(settings["INBOUND_SMTP_PORT"])) == ("0.0.0.0", "2525")
    service = of_kind(closed, "Service")["service-desk"]
    assert "smtp-in" in {p["name"] for p in service["spec"]["ports"]}
    assert "smtp-in" not in {p["name"] for p in of_kind(closed, "Service")["contacts"]["spec"]["ports"]}

    def smtp_sources(manifests: list[Manifest]) -> list[str]:
        policy = of_kind(manifests, "NetworkPolicy")["service-desk"]
        return [
            peer["ipBlock"]["cidr"]
            for rule in policy["spec"]["ingress"]
            if any(p["port"] == 2525 for p in rule["ports"])
            for peer in rule["from"]
        ]

    assert smtp_sources(closed) == []
    assert smtp_sources(opened) == ["10.20.0.0/24"]
