# Two commands do all the set-up (README): `make test` and `make up`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STACK ?= local
SANDBOX_DIR := .sandbox
SANDBOX_PORT ?= 5601
SANDBOX_CLOUD_PORT ?= 9443
PULUMI_HOME_DIR := $(CURDIR)/.pulumi
export PULUMI_HOME := $(PULUMI_HOME_DIR)
export PATH := $(PULUMI_HOME_DIR)/bin:$(CURDIR)/$(BIN):$(PATH)
# The local stack keeps its state in the project (no Pulumi Cloud account needed) and encrypts
# its (sandbox-only) secrets with this documented passphrase. Never use it for a real stack.
export PULUMI_BACKEND_URL ?= file://$(CURDIR)/.pulumi-state
export PULUMI_SKIP_UPDATE_CHECK := true
LOCAL_PASSPHRASE := elastic-access-local-sandbox
# The sandbox's default credentials (contract §7); real stacks use secrets or CI variables.
LOCAL_ENV := PULUMI_CONFIG_PASSPHRASE=$(LOCAL_PASSPHRASE) KIBANA_API_KEY=sandbox EC_API_KEY=sandbox

.PHONY: test lint up preview refresh destroy down sandbox pulumi-cli stack-local bench clean

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

# ---------------------------------------------------------------- the local stack and the sandbox

pulumi-cli:
	@command -v pulumi >/dev/null || { \
	  echo "installing the Pulumi CLI into $(PULUMI_HOME_DIR)"; \
	  curl -fsSL https://get.pulumi.com | sh -s -- --install-root "$(PULUMI_HOME_DIR)" --no-edit-path; }
	@mkdir -p .pulumi-state

sandbox: $(BIN)/.installed
	@mkdir -p $(SANDBOX_DIR)
	@if [ -f $(SANDBOX_DIR)/pid ] && kill -0 $$(cat $(SANDBOX_DIR)/pid) 2>/dev/null; then \
	  echo "sandbox already running (pid $$(cat $(SANDBOX_DIR)/pid))"; \
	else \
	  nohup $(BIN)/elastic-access sandbox --port $(SANDBOX_PORT) --cloud-port $(SANDBOX_CLOUD_PORT) \
	    --state $(SANDBOX_DIR)/state.json > $(SANDBOX_DIR)/sandbox.log 2>&1 & echo $$! > $(SANDBOX_DIR)/pid; \
	  for i in $$(seq 1 60); do grep -q '^sandbox:' $(SANDBOX_DIR)/sandbox.log && break; sleep 0.5; done; \
	  grep '^sandbox:' $(SANDBOX_DIR)/sandbox.log || { cat $(SANDBOX_DIR)/sandbox.log; exit 1; }; \
	fi

stack-local: pulumi-cli $(BIN)/.installed
	@$(LOCAL_ENV) pulumi stack select $(STACK) --create --non-interactive >/dev/null

up: sandbox stack-local
	$(LOCAL_ENV) pulumi up --stack $(STACK) --yes

preview: sandbox stack-local
	$(LOCAL_ENV) pulumi preview --stack $(STACK) --diff

refresh: sandbox stack-local
	$(LOCAL_ENV) pulumi preview --stack $(STACK) --refresh --expect-no-changes

destroy: sandbox stack-local
	$(LOCAL_ENV) pulumi destroy --stack $(STACK) --yes

down:
	@if [ -f $(SANDBOX_DIR)/pid ]; then kill $$(cat $(SANDBOX_DIR)/pid) 2>/dev/null || true; \
	  rm -f $(SANDBOX_DIR)/pid; echo "sandbox stopped (its state stays in $(SANDBOX_DIR)/state.json)"; fi

clean: down
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache $(SANDBOX_DIR)
.PHONY: peers
peers:  # the Terraform CLI and the Elastic providers for benchmarks/peers (tools/peers/versions)
	@tools/peers/build.sh
