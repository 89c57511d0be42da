# 海门区人民政府工作平台 — developer entry points. See README.md.
#   make run    the portal on SQLite with a Celery worker and beat (PORT=8000, HOST=127.0.0.1)
#   make test   the whole test suite against real PostgreSQL and Redis (ARGS="..." goes to pytest)
#   make lint   ruff check, ruff format --check, mypy
#   make bench  the benchmarks in tests/bench against PostgreSQL and Redis (ARGS="..." goes to pytest)

SHELL := /bin/bash
VENV := .venv
ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help run test lint bench venv

help:
	@sed -n '2,5s/^# //p' Makefile

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh $(ARGS)

bench:
	bash scripts/bench.sh $(ARGS)

venv:
	@source scripts/lib.sh && ensure_venv

# All three run even when one fails, so one pass shows every problem. mypy's Django plugin loads the settings, which
# want DEBUG=1 (or a SECRET_KEY).
lint: venv
	@status=0; \
	$(VENV)/bin/ruff check . || status=1; \
	$(VENV)/bin/ruff format --check . || status=1; \
	DEBUG=1 $(VENV)/bin/mypy . || status=1; \
	exit $$status
