# Two commands for a fresh machine: `make course` builds everything, `make test` runs every test.
# Each installs what it needs: the Python environment in .venv/, and Debian or npm packages
# that only the tests need (Chromium, PostgreSQL, bubblewrap, axe-core).

VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := chromium postgresql bubblewrap

.PHONY: course test test-fast setup test-setup lint

# Both lanes run on every core (pytest-xdist); tests sharing a session fixture (a book build, a
# report cohort, Jupyter kernels, one scenario's exploration) stay on one worker
# (`--dist loadgroup`). `make test PYTEST_PARALLEL=` runs the whole suite in one process.
PARALLEL := -n auto --dist loadgroup
PYTEST_PARALLEL ?= $(PARALLEL)
# The fast lane: the core and the quick front-end tests, under 90 s. It leaves out the browser,
# PostgreSQL and nbgrader-pipeline tests and the tests marked slow, and names its ten slowest
# tests so that one creeping past a few seconds is seen.
FAST := -m "not browser and not postgres and not slow" --durations=10

course: setup
	$(BIN)/peercoach build

test: test-setup
	@start=$$(date +%s); status=0; $(BIN)/pytest $(PYTEST_PARALLEL) || status=$$?; \
	echo "make test took $$(( $$(date +%s) - start )) s"; exit $$status

test-fast: setup
	@start=$$(date +%s); status=0; $(BIN)/pytest $(PARALLEL) $(FAST) || status=$$?; \
	echo "make test-fast took $$(( $$(date +%s) - start )) s"; exit $$status

setup: $(BIN)/.installed

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

test-setup: setup node_modules/.installed
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error
	touch $@

lint: setup
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/ruff check src tests benchmarks
