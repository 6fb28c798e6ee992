# Two commands do all the set-up (README): `make test` and `make up`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STACK ?= local
SANDBOX_DIR := .sandbox
SANDBOX_PORT ?= 5601
SANDBOX_CLOUD_PORT ?= 9443
export SANDBOX_PORT SANDBOX_CLOUD_PORT
PULUMI := $(CURDIR)/.pulumi/bin/pulumi
ACTIONLINT := .tools/bin/actionlint
export PATH := $(CURDIR)/.pulumi/bin:$(CURDIR)/$(BIN):$(PATH)
export PULUMI_SKIP_UPDATE_CHECK := true

# The `local` stack runs against the sandbox, always with the project's own file backend, its
# own PULUMI_HOME and the documented passphrase below, whatever the environment says: that
# passphrase is public and must never encrypt anything in a company backend. Its credentials are
# the sandbox's. Any other STACK keeps the user's backend, passphrase and credentials.
LOCAL_PASSPHRASE := elastic-access-local-sandbox
ifeq ($(STACK),local)
STACK_ENV := env -u PULUMI_CONFIG_PASSPHRASE_FILE -u PULUMI_ACCESS_TOKEN -u KIBANA_USERNAME \
  -u KIBANA_PASSWORD -u KIBANA_ENDPOINT -u EC_ENDPOINT \
  PULUMI_HOME=$(CURDIR)/.pulumi PULUMI_BACKEND_URL=file://$(CURDIR)/.pulumi-state \
  PULUMI_CONFIG_PASSPHRASE=$(LOCAL_PASSPHRASE) KIBANA_API_KEY=sandbox EC_API_KEY=sandbox
STACK_ARGS := --stack local --config-file $(SANDBOX_DIR)/Pulumi.local.yaml
STACK_SETUP := sandbox
else
STACK_ENV :=
STACK_ARGS := --stack $(STACK)
STACK_SETUP :=
endif
PULUMI_RUN := $(STACK_ENV) $(PULUMI)

.PHONY: test lint up preview refresh destroy down sandbox pulumi-cli policy-venv actionlint \
  stack bench peers clean

$(BIN)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

# The policy pack runs in its own virtualenv (policy/PulumiPolicy.yaml: virtualenv venv).
policy/venv/.installed: policy/requirements.txt
	@test -x policy/venv/bin/python || $(PYTHON) -m venv policy/venv
	policy/venv/bin/python -m pip install --quiet -r policy/requirements.txt
	@touch $@

policy-venv: policy/venv/.installed

# A pinned Pulumi CLI with its Python language host and plugins in .pulumi/bin (README).
pulumi-cli:
	@tools/pulumi-cli/install.sh

# actionlint, built from the Go module proxy (pinned in tools/actionlint/go.mod).
$(ACTIONLINT): tools/actionlint/go.mod
	@command -v go >/dev/null || { echo "make actionlint: needs Go 1.26+ (built from the Go module proxy)" >&2; exit 1; }
	@mkdir -p $(@D)
	cd tools/actionlint && go build -trimpath -o ../../$@ github.com/rhysd/actionlint/cmd/actionlint

actionlint: $(ACTIONLINT)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	@if [ -x $(ACTIONLINT) ]; then $(ACTIONLINT) && echo "actionlint: workflows ok"; \
	else echo "actionlint not built: workflows not checked (make actionlint; CI always builds it)"; fi

# REQUIRE_PULUMI=1 (CI) makes the real-engine tests fail instead of skipping without the CLI.
test: lint policy-venv
	$(BIN)/pytest -q

bench: $(BIN)/.installed
	$(BIN)/python -m benchmarks

# Terraform and the Elastic Terraform providers, for the comparison benchmarks (.peers/bin).
peers:
	@tools/peers/build.sh

# ---------------------------------------------------------------- stacks (local: the sandbox)

sandbox: $(BIN)/.installed
	@tools/sandbox.sh start

stack: pulumi-cli $(BIN)/.installed $(STACK_SETUP)
ifeq ($(STACK),local)
	@mkdir -p .pulumi-state
	@$(PULUMI_RUN) stack select local --create --non-interactive >/dev/null
endif

# --refresh: what was changed by hand is read first, so an up also repairs drift.
up: stack
	$(PULUMI_RUN) up $(STACK_ARGS) --refresh --yes --non-interactive

preview: stack
	$(PULUMI_RUN) preview $(STACK_ARGS) --diff --non-interactive

# The drift check: fails when what is live is not what the stack declares.
refresh: stack
	$(PULUMI_RUN) preview $(STACK_ARGS) --refresh --expect-no-changes --diff --non-interactive

destroy: stack
	$(PULUMI_RUN) destroy $(STACK_ARGS) --yes --non-interactive

down:
	@tools/sandbox.sh stop

# Removes the environments and the local world together (sandbox state and the local stack's
# state), so that what the local stack records and what the sandbox holds never disagree.
# The built CLI (.pulumi/bin) stays: it takes minutes to build.
clean: down
	rm -rf $(VENV) policy/venv .pytest_cache .mypy_cache .ruff_cache $(SANDBOX_DIR) .pulumi-state
