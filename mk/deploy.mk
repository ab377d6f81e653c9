# Deploy and observe: images, the Helm chart, alert rules, the local Prometheus.
#   make deploy-check   everything below that `make test` runs (before pytest)
#   make observe        a local Prometheus scraping the processes of `make run`, alert rules loaded
# hadolint and checkov live in .venv-deploy (checkov pins packages that clash with
# requirements.txt), from deploy/requirements-tools.txt; promtool and prometheus come from
# Debian's `prometheus` package, installed when missing. The chart is rendered by the real Helm
# engine (helm-python-sdk, in .venv) into var/deploy/rendered/ for checkov.
DEPLOY_VENV := .venv-deploy
DEPLOY_BIN := $(DEPLOY_VENV)/bin
DEPLOY_STAMP := $(DEPLOY_VENV)/.installed
DEPLOY_RENDERED := var/deploy/rendered
DOCKERFILES := gateway/Dockerfile $(sort $(wildcard services/*/Dockerfile))
# checkov must not call home (it would try to fetch its guidelines): no network beyond the registries.
CHECKOV := BC_SKIP_MAPPING=TRUE CHECKOV_RUN_SCA_PACKAGE_SCAN_V2=false $(DEPLOY_BIN)/checkov --skip-download --quiet --compact
CHECKOV_SKIPS = $(shell awk 'NF && substr($$1, 1, 1) != "\043" {print $$1}' deploy/checkov/skips.txt | paste -sd, -)

.PHONY: deploy-check deploy-tools deploy-promtool-installed deploy-hadolint deploy-chart deploy-checkov \
	deploy-rules deploy-typecheck observe

deploy-check: deploy-hadolint deploy-chart deploy-checkov deploy-rules deploy-typecheck

deploy-tools: $(DEPLOY_STAMP)

$(DEPLOY_STAMP): deploy/requirements-tools.txt
	test -x $(DEPLOY_BIN)/python || $(PYTHON) -m venv $(DEPLOY_VENV)
	$(DEPLOY_BIN)/pip install --quiet --disable-pip-version-check -r deploy/requirements-tools.txt
	touch $(DEPLOY_STAMP)

deploy-promtool-installed:
	@if ! command -v promtool >/dev/null 2>&1; then \
		echo "installing Debian's prometheus package (promtool, prometheus)"; \
		SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO="sudo"; \
		$$SUDO apt-get update -qq -o DPkg::Lock::Timeout=300 && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=300 prometheus; \
	fi

# Every folder under services/ must have a Dockerfile (deploy/tests checks its shape too).
deploy-hadolint: deploy-tools
	@for d in services/*/; do test -f $$d/Dockerfile || { echo "$$d has no Dockerfile"; exit 1; }; done
	$(DEPLOY_BIN)/hadolint $(DOCKERFILES)

# helm lint --strict, render for values.yaml and values-production.yaml, validate every object
# (kubernetes-validate strict for built-in kinds, deploy/schemas for the Prometheus Operator ones).
deploy-chart: venv
	PYTHONPATH=deploy $(PY) -m crm_deploy.chart $(DEPLOY_RENDERED)

# Security scan of the rendered manifests and the Dockerfiles; only deploy/checkov/skips.txt's
# checks (each with its reason) may fail.
deploy-checkov: deploy-tools deploy-chart
	$(CHECKOV) --framework kubernetes -d $(DEPLOY_RENDERED) --skip-check $(CHECKOV_SKIPS)
	$(CHECKOV) --framework dockerfile $(foreach f,$(DOCKERFILES),-f $(f))

deploy-rules: deploy-promtool-installed
	promtool check rules deploy/helm/crm/rules/crm-alerts.yaml
	promtool test rules deploy/prometheus/tests/*.yaml

deploy-typecheck: venv
	$(BIN)/mypy deploy/crm_deploy

# A local Prometheus for `make run` (start that first, in another terminal): scrapes the gateway
# on 8080 and every present service's ops port, with the alert rules; Ctrl-C stops it.
observe: venv deploy-promtool-installed
	PYTHONPATH=deploy $(PY) -m crm_deploy.observe

TEST_EXTRA += deploy-check
