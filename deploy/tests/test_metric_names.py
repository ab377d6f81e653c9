"""The PromQL reader that finds the metrics of dashboards and alerts (the e2e test compares
them with what the running processes export)."""

from __future__ import annotations

from crm_deploy.metric_names import exported_names, metrics_in, used_metrics


def test_metric_names_are_read_out_of_promql() -> None:
    expr = (
        "histogram_quantile(0.99, sum by (job, grpc_method, le) (rate(grpc_server_handling_seconds_bucket"
        '{job="contacts", grpc_type="unary"}[$__rate_interval]))) > 1 and on (job) up == 1 '
        "unless sum without (instance) (increase(crm_events_dead_lettered_total[15m] offset 5m)) > 0"
    )
    assert metrics_in(expr) == {"grpc_server_handling_seconds_bucket", "up", "crm_events_dead_lettered_total"}


def test_a_scrape_declares_families_without_samples_and_histogram_series() -> None:
    exposition = (
        "# HELP crm_events_dead_lettered_total Events given up.\n"
        "# TYPE crm_events_dead_lettered_total counter\n"
        "# HELP grpc_server_handling_seconds Latency.\n"
        "# TYPE grpc_server_handling_seconds histogram\n"
        'grpc_server_handling_seconds_bucket{le="+Inf"} 1.0\n'
        "grpc_server_handling_seconds_sum 0.1\n"
        "grpc_server_handling_seconds_count 1.0\n"
    )
    names = exported_names(exposition)
    assert {"crm_events_dead_lettered_total", "grpc_server_handling_seconds_bucket"} <= names


def test_dashboards_and_alerts_use_the_platform_metrics() -> None:
    used = used_metrics()
    assert "alert CrmGrpcHighErrorRate" in used["grpc_server_handled_total"]
    assert "dashboard business.json" in used["crm_leads_created_total"]
    assert "alert CrmPodRestarting" in used["kube_pod_container_status_restarts_total"]
