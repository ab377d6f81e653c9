# The two commands: `make run` (the platform with demo data) and `make test` (everything CI runs).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
PACKAGES := protos chassis $(wildcard services/*) gateway
PYTEST_ARGS ?=

.PHONY: run test venv protos lint typecheck buflint pytest bench e2e clean

# Each part of the platform may add its own targets in mk/<part>.mk; a part that must run
# in `make test` appends its target to TEST_EXTRA there (before pytest runs).
TEST_EXTRA :=
-include $(sort $(wildcard mk/*.mk))

run: venv
	$(PY) -m crm_platform.run

test: venv lint typecheck buflint $(TEST_EXTRA) pytest

venv: $(STAMP)

$(STAMP): requirements.txt package.json $(foreach p,$(PACKAGES),$(p)/pyproject.toml)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation \
		$(foreach p,$(PACKAGES),-e $(p)) -e .
	npm install --silent --no-audit --no-fund
	touch $(STAMP)

protos: venv
	$(PY) scripts/gen_protos.py

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy chassis/chassis $(filter-out %/migrations/ %/tests/,$(dir $(wildcard services/*/*/__init__.py))) gateway/gateway crm_platform

buflint: venv
	cd protos && ../node_modules/.bin/buf lint

# The whole suite: unit and integration tests in PYTEST_WORKERS processes (pytest-xdist, a file
# per worker at a time: each test starts its own nats-server and databases on free ports), then
# the e2e tests, which share one platform started as processes, in one. PYTEST_ARGS runs that
# selection in one process instead (`PYTEST_ARGS=-k merge make pytest`).
PYTEST_WORKERS ?= 2
pytest: venv
	@if [ -n "$(PYTEST_ARGS)" ]; then \
		$(BIN)/pytest $(PYTEST_ARGS); rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 1; fi; exit $$rc; \
	fi; \
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile --ignore=tests/e2e && $(BIN)/pytest tests/e2e

e2e: venv
	$(BIN)/pytest tests/e2e $(PYTEST_ARGS)

bench: venv
	$(PY) -m crm_platform.bench

clean:
	rm -rf $(VENV) node_modules var
