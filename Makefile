# Quick start: `make run` serves Watchkeep with demo data; `make test` runs every check.
VENV ?= .venv
PY := $(VENV)/bin/python
# Serving needs only the package; the checks need the dev extra too.
RUN_STAMP := $(VENV)/.installed-run
STAMP := $(VENV)/.installed-dev
# axe-core, the accessibility checker the browser tests inject into each page (gitignored).
AXE_VERSION := 4.14.1
AXE_DIR := .cache/axe-core
AXE := $(AXE_DIR)/.installed-$(AXE_VERSION)

.PHONY: run test lint types suite clean

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $(RUN_STAMP)

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[dev,ml]'
	touch $(STAMP) $(RUN_STAMP)

$(AXE):
	@if command -v npm >/dev/null; then \
	  npm install --no-save --no-package-lock --no-audit --no-fund --prefix $(AXE_DIR) \
	    axe-core@$(AXE_VERSION) && touch $(AXE); \
	else echo "npm not found: the accessibility checks are skipped (.ci/run installs npm)"; fi

run: $(RUN_STAMP)
	$(VENV)/bin/watchkeep run

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/lint-imports

types: $(STAMP)
	$(VENV)/bin/mypy

suite: $(STAMP) $(AXE)
	$(PY) -m pytest $(PYTEST_ARGS)

test: lint types suite

clean:
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache watchkeep.db*
