# Kalos: `make dev` runs the local stack, `make test` runs every test.
# Installing is idempotent: each step reruns only when its lock file changed.

SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.9
TOOLS      := .tools
UV         := $(TOOLS)/bin/uv
VENV       := .venv
PY         := $(VENV)/bin/python
STATE      := .kalos
SDK_WHEELS := $(STATE)/wheels

export CHECKPOINT_DISABLE := 1
export WRANGLER_SEND_METRICS := false
export UV_PYTHON_DOWNLOADS := never

.PHONY: help install dev test lint fmt clean bench

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --quiet
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(SDK_WHEELS)/.downloaded: runtime/pyodide-requirements.txt | $(UV)
	rm -rf $(SDK_WHEELS) && mkdir -p $(SDK_WHEELS)
	$(TOOLS)/bin/pip download --quiet --no-deps --require-hashes \
		-r runtime/pyodide-requirements.txt -d $(SDK_WHEELS)
	@touch $@

.dev.vars:
	$(PY) scripts/make_dev_vars.py $@

# The browser tests drive Debian's chromium through Playwright's bundled driver;
# Playwright's own browser download is never used. Installing it needs root.
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium

install: $(VENV)/.synced node_modules/.installed $(SDK_WHEELS)/.downloaded .dev.vars $(CHROMIUM) ## install every dependency (idempotent)

dev: install ## run the whole local stack in the foreground
	$(PY) scripts/dev.py

test: install ## run every test
	$(PY) -m pytest

bench: install ## measure the local stack and check the performance budgets
	$(PY) bench/run.py

lint: install ## ruff and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

fmt: install ## format the Python code
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean: ## remove installed dependencies, build output and local state
	rm -rf $(TOOLS) $(VENV) node_modules build $(STATE)

# ---------------------------------------------------------------- deployment
# Terraform reads the API token from CLOUDFLARE_API_TOKEN; see terraform/README.md.
TFVARS ?= terraform/terraform.tfvars
TF     := terraform -chdir=terraform

.PHONY: deploy destroy

deploy: ## terraform init, plan and apply with $(TFVARS)
	@test -f $(TFVARS) || { echo "$(TFVARS) not found: copy terraform/terraform.tfvars.example and fill it in"; exit 1; }
	$(TF) init -input=false
	$(TF) plan -input=false -var-file=$(abspath $(TFVARS)) -out=kalos.tfplan
	$(TF) apply -input=false kalos.tfplan
	@rm -f terraform/kalos.tfplan

destroy: ## terraform destroy with $(TFVARS)
	$(TF) init -input=false
	$(TF) destroy -var-file=$(abspath $(TFVARS))
