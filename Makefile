# The two commands a new user needs: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

# Tests run on the real services of this machine unless told otherwise.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/xiqing_credit
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
PYTEST_ARGS ?=

.PHONY: run setup test lint check pytest test-sqlite system-deps worker beat bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-runtime

## make run: install, migrate, load the plan and demo data, serve on http://127.0.0.1:8000
setup: $(VENV)/.installed-runtime
	$(MANAGE) migrate --no-input
	$(MANAGE) load_plan
	$(MANAGE) seed_demo

run: setup
	$(MANAGE) runserver 127.0.0.1:8000

## make test: ruff, bandit, Django checks, migrations check, pytest (PostgreSQL + Redis)
test: export DATABASE_URL ?= $(TEST_DATABASE_URL)
test: export REDIS_URL ?= $(TEST_REDIS_URL)
test: $(VENV)/.installed-dev system-deps lint check pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -c pyproject.toml -r xiqing_credit agencies campaigns reports blacklist

check: $(VENV)/.installed-dev
	$(MANAGE) check --fail-level WARNING
	@# Models against migrations needs no database: an in-memory one spares the warning about a
	@# missing $(TEST_DATABASE_URL) (pytest makes its own test database).
	DATABASE_URL=sqlite://:memory: $(MANAGE) makemigrations --check --dry-run

pytest: $(VENV)/.installed-dev
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

## Quick local run of the suite on SQLite (CI always uses PostgreSQL).
test-sqlite: $(VENV)/.installed-dev
	DATABASE_URL=sqlite:///$(CURDIR)/.test.sqlite3 $(BIN)/pytest -n 2 -m "not browser and not celery_worker" $(PYTEST_ARGS)

## Debian's Chromium and a CJK font for the browser tests (this machine runs as root).
system-deps:
	@bash scripts/system-deps.sh

## Celery worker and beat against $$REDIS_URL (see README).
worker: $(VENV)/.installed-runtime
	$(BIN)/celery -A xiqing_credit worker -l info

beat: $(VENV)/.installed-runtime
	$(BIN)/celery -A xiqing_credit beat -l info

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run_all.py $(if $(FULL),--full,)

clean:
	rm -rf $(VENV) db.sqlite3 .test.sqlite3 staticfiles test-output
