# Sunlight: `make demo` runs it, `make test` proves it. Both work on a fresh machine with
# Python 3.11+ and make; they install what is missing.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: bench demo reliability test lint types migrations-check messages messages-check test-sqlite test-postgres test-browser system clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

demo: $(STAMP)
	$(PY) manage.py demo

test: $(STAMP) system
	scripts/test-all

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: $(STAMP)
	$(VENV)/bin/mypy

migrations-check: $(STAMP)
	$(PY) manage.py makemigrations --check --dry-run

messages: $(STAMP)
	cd sunlight && ../$(PY) ../manage.py makemessages --locale zh_Hans --no-obsolete --no-location -i "*/tests/*" -i "static/*"
	cd sunlight && ../$(PY) ../manage.py compilemessages --locale zh_Hans

test-sqlite: $(STAMP)
	$(VENV)/bin/pytest -m "not browser"

test-postgres: $(STAMP) system
	scripts/with-postgres --tests $(VENV)/bin/pytest -m "not browser"

test-browser: $(STAMP) system
	$(VENV)/bin/pytest -m browser

bench: $(STAMP)
	scripts/ensure-system bench
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	$(PY) bench/run_all.py

reliability: $(STAMP)
	$(PY) scripts/reliability.py

system:
	scripts/ensure-system

clean:
	rm -rf $(VENV) staticfiles .mypy_cache .ruff_cache .pytest_cache
