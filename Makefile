# Quick start: `make run` serves Watchkeep with demo data; `make test` runs every check.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint types suite clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/watchkeep run

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/lint-imports

types: $(STAMP)
	$(VENV)/bin/mypy

suite: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

test: lint types suite

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache watchkeep.db*
