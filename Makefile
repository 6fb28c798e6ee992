# Two commands do all the set-up (README): `make test` and `make up`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STACK ?= local
SANDBOX_DIR := .sandbox
PULUMI_HOME_DIR := $(CURDIR)/.pulumi
export PULUMI_HOME := $(PULUMI_HOME_DIR)
export PATH := $(PULUMI_HOME_DIR)/bin:$(CURDIR)/$(BIN):$(PATH)

.PHONY: test lint up preview refresh destroy down sandbox bench clean

$(BIN)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -q

bench: $(BIN)/.installed
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
