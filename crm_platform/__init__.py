"""Runs the whole platform on one machine: `make run` (with demo data), the end-to-end tests
and the benchmarks all start it through `crm_platform.processes`."""
