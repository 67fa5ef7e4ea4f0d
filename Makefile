# jupyterlab-torch-doctor: `make lab` to run it, `make test` to test everything.
# Both are safe to run again: each step is skipped when its inputs are unchanged.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV ?= .venv
BIN := $(CURDIR)/$(VENV)/bin
export PATH := $(BIN):$(PATH)
# pip's default index is unreachable on offline machines; never retry it.
export PIP_RETRIES ?= 0
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
JUPYTERLAB_VERSION ?= 4.6.4
NOTEBOOK_VERSION ?= 7.6.3
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test setup tools build build-prod develop lint jest pytest isolation release compat ui-test wheel test-envs bench clean help
# pip's messages about the store's missing index folders are noise.
QUIET_PIP = 2>&1 | { grep -v 'neither a file nor a directory' || true; }

help:
	@echo "make lab   - set up everything and start JupyterLab with the extension"
	@echo "make test  - lint, jest, pytest, the release checks, the JupyterLab range and Galata"

tools:
	@PYTHON=$(PYTHON) scripts/check-tools.sh

$(VENV)/.installed: pyproject.toml Makefile | tools
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q "jupyterlab==$(JUPYTERLAB_VERSION)" "notebook==$(NOTEBOOK_VERSION)" ipykernel hatchling editables \
	  "jupyter-builder>=1.2.0,<2" hatch-jupyter-builder hatch-nodejs-version twine build pytest jsonschema uv $(QUIET_PIP)
	touch $@

node_modules/.installed: package.json package-lock.json | tools
	npm ci --no-audit --no-fund
	touch $@

setup: $(VENV)/.installed node_modules/.installed

build: setup
	npm run build

build-prod: setup
	npm run build:prod

# Develop mode: the package is importable (no npm run by pip: the build
# target made the labextension) and the labextension is a symlink
# to the source build, so `npm run watch` changes show up on reload.
# DEVELOP_BUILD= links whatever build is there; make test links the prod
# build (what the wheel ships).
DEVELOP_BUILD ?= build
develop: $(DEVELOP_BUILD) setup
	@if ! $(BIN)/python -c 'import jupyterlab_torch_doctor' 2>/dev/null; then \
	  HATCH_JUPYTER_BUILDER_SKIP_NPM=1 $(BIN)/python -m pip install -q --no-build-isolation --no-deps -e . $(QUIET_PIP); fi
	$(BIN)/jupyter labextension develop . --overwrite >/dev/null
	$(BIN)/jupyter labextension list 2>&1 | grep -E "jupyterlab-torch-doctor.*enabled.*OK"

lab: develop
	$(BIN)/jupyter lab $(ROOT_FLAG)

lint: setup
	npm run lint:check

# Kernel environments with real torch wheels, for jest, pytest and Galata.
test-envs: setup
	PYTHON=$(PYTHON) scripts/make-test-envs.sh

jest: setup test-envs
	npm test

pytest: setup test-envs
	$(BIN)/python -m pytest

wheel: build-prod
	rm -rf dist
	$(BIN)/python -m build --wheel --no-isolation --outdir dist . $(QUIET_PIP)

# As the template's CI: the wheel alone, in a fresh venv, with no node on PATH.
isolation: wheel
	scripts/isolation-check.sh $(PYTHON) dist build/isolation-venv "jupyterlab==$(JUPYTERLAB_VERSION)"

# The template's release checks from a clean clone of HEAD: sdist (the
# labextension built from source) and the wheel from it, twine check, npm
# pack --dry-run, one version everywhere, pip install -e twice around
# labextension develop. Leaves the sdist and the wheel in dist/.
release: setup
	scripts/release-check.sh dist

# The wheel of `make release` next to the oldest supported JupyterLab and
# the newest on PyPI: labextension list says OK, and a Galata smoke.
compat: setup test-envs
	scripts/compat-check.sh dist

ui-test: develop
	scripts/ui-test.sh

# Each part prints its time (scripts/timed.sh); the table before pytest sums
# them. pytest runs last so that its summary line closes the output.
TIMED := scripts/timed.sh
SUBMAKE := $(MAKE) --no-print-directory
test:
	@$(TIMED) --reset
	@$(TIMED) setup-python $(SUBMAKE) $(VENV)/.installed
	@$(TIMED) setup-npm $(SUBMAKE) node_modules/.installed
	@$(TIMED) test-envs $(SUBMAKE) test-envs
	@$(TIMED) lint $(SUBMAKE) lint
	@$(TIMED) jest $(SUBMAKE) jest
	@$(TIMED) release $(SUBMAKE) release
	@$(TIMED) compat $(SUBMAKE) compat
	@$(TIMED) ui-test $(SUBMAKE) ui-test DEVELOP_BUILD=build-prod
	@$(TIMED) --summary
	@$(SUBMAKE) pytest

bench: develop test-envs
	npm run bench:probe

clean:
	npm run clean:all || true
	rm -rf dist $(VENV) node_modules ui-tests/node_modules coverage
