# Mobilisation CLS: `make run` serves the application, `make test` runs the whole test suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# The address e-mail links point to (password reset, plan notifications): the port `make run` serves.
SITE_URL ?= http://127.0.0.1:$(PORT)
DEMO ?= 1
CHROMIUM ?= /usr/bin/chromium
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation
# ldconfig lives in /sbin, outside the PATH of ordinary users on Debian.
LDCONFIG := $(or $(shell command -v ldconfig),/sbin/ldconfig)

.PHONY: code-demo run test install install-test system-deps browser lint format clean-db bench bench-smoke bench-profile bench-deps

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test-deps: requirements-test.txt requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $@ $(VENV)/.run-deps

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: system-deps $(VENV)/.run-deps

install-test: system-deps $(VENV)/.test-deps node_modules/.installed browser

# WeasyPrint (the plan as PDF) renders text with Pango, a system library pip cannot install.
system-deps:
	@if ! $(LDCONFIG) -p | grep -q libpangoft2-1.0 || [ ! -d /usr/share/fonts/truetype/liberation ]; then \
		if [ "$$(id -u)" = "0" ]; then \
			echo "Installation de Pango pour WeasyPrint (paquets Debian)…"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
		else \
			echo "Pango est requis pour produire les PDF (WeasyPrint) : sudo apt-get install $(SYSTEM_PACKAGES)"; exit 1; \
		fi; \
	fi

# Debian's Chromium drives the browser tests (Playwright never downloads a browser here).
browser:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		if [ "$$(id -u)" = "0" ]; then \
			echo "Installation de Chromium (paquet Debian)…"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "Chromium est requis pour les tests navigateur : sudo apt-get install chromium"; exit 1; \
		fi; \
	fi

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_territories
	$(PY) manage.py load_statistics
	$(PY) manage.py load_cls
	$(PY) manage.py load_catalogue
	@if [ "$(DEMO)" = "1" ]; then DEMO=1 $(PY) manage.py load_demo; fi
	@echo ""
	@echo "  Mobilisation CLS : http://127.0.0.1:$(PORT)/"
	@echo ""
	@# Background work (docs/deploiement.md, « Tâches de fond »): with the database backend (TASKS_BACKEND unset or
	@# "database"), the worker (it sends the e-mails: SITE_URL too) and the minute loop of enqueue_periodic run beside
	@# the server, their lines prefixed, and stop with it. Another backend has its own workers, started elsewhere.
	@if [ "$${TASKS_BACKEND:-database}" = "database" ]; then \
		trap 'kill $$worker $$periodic 2>/dev/null; wait' EXIT INT TERM; \
		DEMO=$(DEMO) SITE_URL=$(SITE_URL) $(PY) manage.py db_worker --queue-name default --no-reload > >(sed -u 's/^/[tâches] /') 2>&1 & worker=$$!; \
		( trap 'kill $$pause 2>/dev/null; exit 0' TERM; while :; do $(PY) manage.py enqueue_periodic; sleep 60 & pause=$$!; wait $$pause; done ) \
			> >(sed -u 's/^/[périodiques] /') 2>&1 & periodic=$$!; \
		echo "  Tâches de fond : worker de la base de données (pid $$worker) et tâches périodiques (pid $$periodic)"; \
	fi; \
	DEMO=$(DEMO) SITE_URL=$(SITE_URL) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The current second factor code of a demo account: make code-demo EMAIL=ccas.dinan@demo.mobilisation-cls.fr
code-demo: $(VENV)/.run-deps
	@DEMO=1 $(PY) manage.py code_demo $(EMAIL)

test: install-test
	$(PY) -m pytest $(PYTEST_ARGS)

# Benchmarks (bench/README.md): wrk, a Debian package, loads the app served by gunicorn.
$(VENV)/.bench-deps: requirements-bench.txt requirements-test.txt requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-bench.txt
	touch $@ $(VENV)/.test-deps $(VENV)/.run-deps

bench-deps: system-deps $(VENV)/.test-deps $(VENV)/.bench-deps
	@if ! command -v wrk >/dev/null; then \
		if [ "$$(id -u)" = "0" ]; then \
			echo "Installation de wrk (paquet Debian)…"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
		else \
			echo "wrk est requis pour les bancs d’essai : sudo apt-get install wrk"; exit 1; \
		fi; \
	fi

# SQLite and PostgreSQL (127.0.0.1:5432), scales 1 and 10, every page and measure: writes bench/results/latest.md.
# Datasets are kept between runs (bench/datasets.py). A focused run writes under var/bench/:
#   make bench ONLY=personnes,api BENCH_ARGS="--databases postgresql --scales 10 --profile"
bench: bench-deps
	$(PY) -m bench.run $(if $(ONLY),--only $(ONLY)) $(BENCH_ARGS)

# The short run of CI (scale 0.1, 1 s per endpoint): keeps the benchmark code working, leaves bench/results alone.
bench-smoke: bench-deps
	$(PY) -m bench.run --smoke $(BENCH_ARGS)

# Where pages spend their time, on the database a run left: make bench-profile PAGE=people BENCH_ARGS="--database postgresql"
PAGE ?= people
bench-profile: bench-deps
	$(PY) -m bench.profile $(PAGE) $(BENCH_ARGS)

lint: $(VENV)/.test-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.test-deps
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean-db:
	rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm
	rm -rf var/bench
