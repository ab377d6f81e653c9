"""Deployment tooling of the platform: render and validate the Helm chart with the real Helm
engine (chart), read metric names out of dashboards and alert rules (metric_names), and the
local Prometheus of `make observe` (observe). Used by mk/deploy.mk and the deploy tests; run with
`PYTHONPATH=deploy`."""
