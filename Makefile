# Broadsheet: `make serve` and `make test` are the two commands; everything else is a convenience.
# A virtualenv lives in .venv and is reinstalled only when pyproject.toml changes.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

HOST = 127.0.0.1
PORT = 8000
PYTEST_ARGS ?=
DEFAULT_TEST_DATABASE_URL := postgresql+psycopg://postgres@127.0.0.1:5432/broadsheet_test

# Creates the database named in the URL (argv[1]) unless it exists; exits 2 when PostgreSQL is unreachable.
define CREATE_TEST_DATABASE
import sys
import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

url = make_url(sys.argv[1])
try:
    with psycopg.connect(
        host=url.host or "127.0.0.1", port=url.port or 5432, user=url.username,
        password=url.password, dbname="postgres", autocommit=True, connect_timeout=5,
    ) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (url.database,)).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(url.database)))
except psycopg.OperationalError as exc:
    print(f"PostgreSQL at {url.host}:{url.port or 5432}: {exc}".strip(), file=sys.stderr)
    sys.exit(2)
endef
export CREATE_TEST_DATABASE

.PHONY: help install browser serve test lint format migrate demo-data clean

help:
	@echo "make serve      install into .venv, migrate, load demo content, serve on http://$(HOST):$(PORT)"
	@echo "                (make serve HOST=0.0.0.0 PORT=9000)"
	@echo "make test       lint, then every test on SQLite and on PostgreSQL (TEST_DATABASE_URL)"
	@echo "make lint       ruff check, ruff format --check, mypy"
	@echo "make format     ruff format and ruff check --fix"
	@echo "make migrate    apply pending migrations to DATABASE_URL (default var/broadsheet.db)"
	@echo "make demo-data  load the demo content (idempotent)"
	@echo "make clean      remove var/ and caches (keeps .venv)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install $(if $(CI),--progress-bar off) -e '.[dev]'
	touch $@

install: $(INSTALLED)

# The browser tests drive Debian's Chromium (never a downloaded browser build). Installed here when
# missing and we are root with apt-get (CI is); elsewhere those tests skip with a reason, except under CI.
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing Debian's chromium for the browser tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "WARNING: chromium is not installed; the browser tests will be skipped" >&2; \
		fi; \
	fi

serve: $(INSTALLED)
	$(BIN)/broadsheet serve --host $(HOST) --port $(PORT)

migrate: $(INSTALLED)
	$(BIN)/broadsheet migrate

demo-data: $(INSTALLED)
	$(BIN)/broadsheet demo-data

lint: $(INSTALLED)
	$(BIN)/ruff check app tests bench migrations/env.py
	$(BIN)/ruff format --check app tests bench
	$(BIN)/mypy app tests bench

format: $(INSTALLED)
	$(BIN)/ruff format app tests bench
	$(BIN)/ruff check --fix app tests bench migrations/env.py

# TEST_DATABASE_URL unset: use (and create) broadsheet_test on the local PostgreSQL, or warn and run the
# SQLite tier alone when PostgreSQL is not there. Set to a URL: that database must be reachable.
# Set to nothing (make test TEST_DATABASE_URL=): SQLite only.
test: lint browser
ifeq ($(origin TEST_DATABASE_URL),undefined)
	@if $(BIN)/python -c "$$CREATE_TEST_DATABASE" '$(DEFAULT_TEST_DATABASE_URL)'; then \
		echo "TEST_DATABASE_URL=$(DEFAULT_TEST_DATABASE_URL)"; \
		echo "$(BIN)/pytest -n 2 --durations=15 $(PYTEST_ARGS)"; \
		TEST_DATABASE_URL='$(DEFAULT_TEST_DATABASE_URL)' $(BIN)/pytest -n 2 --durations=15 $(PYTEST_ARGS); \
	else \
		echo "WARNING: PostgreSQL is not reachable on 127.0.0.1:5432; running the SQLite tier only." >&2; \
		echo "         Start PostgreSQL or set TEST_DATABASE_URL to run every test on PostgreSQL too." >&2; \
		env -u TEST_DATABASE_URL $(BIN)/pytest -n 2 --durations=15 $(PYTEST_ARGS); \
	fi
else
	@if [ -n "$$TEST_DATABASE_URL" ]; then $(BIN)/python -c "$$CREATE_TEST_DATABASE" "$$TEST_DATABASE_URL"; fi
	$(BIN)/pytest -n 2 --durations=15 $(PYTEST_ARGS)
endif

clean:
	rm -rf var .pytest_cache .ruff_cache .mypy_cache .hypothesis test-artifacts build dist
	find app tests migrations -name __pycache__ -type d -prune -exec rm -rf {} +
