# Maillage: `make run` sets everything up and serves; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
UV := $(VENV)/bin/uv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
export PYTHONDONTWRITEBYTECODE := 1
AS_ROOT := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: install run serve migrate demo test test-fast lint format messages bench-directory bench-access bench-referrals bench-analytics bench-load deploy-config deploy-check prod clean help

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || { echo "Python >= 3.12 is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv

$(VENV)/.installed: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --quiet
	@touch $@

install: $(VENV)/.installed ## Create .venv and install the locked dependencies
	@mkdir -p var

migrate: install ## Apply the database migrations
	$(MANAGE) migrate --no-input

demo: migrate ## (Re)generate the demo territory
	$(VENV)/bin/maillage demo

run: migrate ## Install, migrate, load the demo when the database is empty, serve with the task worker
	$(MANAGE) demo --if-empty
	$(MANAGE) collectstatic --no-input --verbosity 0
	@$(MANAGE) demo_logins --url http://$(HOST):$(PORT)/
	@trap 'kill 0' EXIT INT TERM; \
	  $(MANAGE) db_worker & \
	  $(MANAGE) periodic --loop & \
	  $(MANAGE) runserver --skip-checks $(HOST):$(PORT)

prod: install ## Serve with granian and the task worker (production profile; needs SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS)
	DJANGO_SETTINGS_MODULE=config.settings.prod $(MANAGE) collectstatic --no-input --verbosity 0
	@export PROMETHEUS_MULTIPROC_DIR=$${PROMETHEUS_MULTIPROC_DIR:-var/prometheus}; \
	  rm -rf "$$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$$PROMETHEUS_MULTIPROC_DIR"; \
	  trap 'kill 0' EXIT INT TERM; \
	  DJANGO_SETTINGS_MODULE=config.settings.prod $(MANAGE) db_worker --no-reload & \
	  DJANGO_SETTINGS_MODULE=config.settings.prod $(MANAGE) periodic --loop & \
	  DJANGO_SETTINGS_MODULE=config.settings.prod $(VENV)/bin/granian --interface wsgi --host $(HOST) --port $(PORT) \
	    --workers $${WORKERS:-4} --blocking-threads $${THREADS:-4} --working-dir src config.wsgi:application

# nginx from Debian, for deploy-check and bench-load, installed when missing.
NGINX_INSTALLED = command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { \
	  echo "installing Debian's nginx"; \
	  $(AS_ROOT) apt-get update -qq && \
	  $(AS_ROOT) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null; }

# Debian's PostgreSQL server (initdb, pg_basebackup), for deploy-check's primary and replica, installed when missing.
PG_SERVER_INSTALLED = ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "installing Debian's PostgreSQL server"; \
	  $(AS_ROOT) apt-get update -qq && \
	  $(AS_ROOT) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null; }

deploy-config: install ## Check deploy/ (CI): nginx -t on the rendered nginx configuration, systemd-analyze verify on the units
	@$(NGINX_INSTALLED)
	PATH="$$PATH:/usr/sbin" PYTHONPATH=src $(PY) -m maillage.core.deploy check

deploy-check: install ## deploy-config, then the reference deployment on loopback (2 granian, nginx, PostgreSQL + replica, Redis, S3, worker), checked as a browser
	@$(NGINX_INSTALLED)
	@$(PG_SERVER_INSTALLED)
	PATH="$$PATH:/usr/sbin" $(MANAGE) deploy_check $(DEPLOY_CHECK_ARGS)

bench-load: install ## Load test on loopback: granian instances behind nginx, PostgreSQL, Redis, locust; 5 minutes with writes, one instance killed; BENCH load line
	@$(NGINX_INSTALLED)
	PATH="$$PATH:/usr/sbin" $(MANAGE) bench_load $(BENCH_ARGS)

test: install ## Run the whole test suite (SQLite, or the database in DATABASE_URL)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install ## ruff check and format check, Django checks, missing migrations, migrations a rolling upgrade survives
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run
	$(MANAGE) migrations_compat

format: install ## Format the code
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: install ## Update the catalogues, fill them (locale/tools: English = source, French dictionaries), compile
	$(MANAGE) makemessages --locale=fr --locale=en --no-obsolete --add-location=file \
	  --ignore=.venv --ignore=var --ignore=staticfiles --ignore=test-artifacts --ignore=node_modules --ignore=locale
	$(PY) locale/tools/fill_catalogues.py
	$(MANAGE) compilemessages --ignore=.venv --ignore=var --ignore=staticfiles

bench-directory: install ## Directory benchmark: 100k services, import and search p50/p95
	$(MANAGE) bench_directory $(BENCH_ARGS)

bench-referrals: install ## Referrals benchmark: 50k referrals in one inbox, inbox page and status change p50/p95
	$(MANAGE) bench_referrals $(BENCH_ARGS)

bench-access: install ## Access benchmark: 1M persons, decision, person page, audit verify
	$(MANAGE) bench_access $(BENCH_ARGS)

bench-analytics: install ## Network analytics benchmark: synthetic region, snapshot stages, igraph vs NetworkX betweenness
	$(MANAGE) bench_analytics $(BENCH_ARGS)

clean: ## Remove the virtual environment and local data
	rm -rf $(VENV) var staticfiles
