# Two commands do everything on a fresh Linux machine with Python 3.11+:
#   make demo   – create .venv, install lifecircle, run the synthetic demo district
#   make test   – create .venv if needed, install the test extras, run the whole test suite (CI)
#   make test-fast – the same without tests marked slow or needing Chromium, for quick checks
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

.PHONY: demo test test-fast lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(STAMP_RUN)

demo: $(STAMP_RUN)
	$(BIN)/lifecircle demo --out out/demo

test: $(STAMP_TEST)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

test-fast: $(STAMP_TEST)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -m "not slow and not browser" -n 2

bench: $(STAMP_TEST)
	$(BIN)/python benchmarks/bench_access.py
	$(BIN)/python benchmarks/bench_siting.py

clean:
	rm -rf out .pytest_cache .ruff_cache
