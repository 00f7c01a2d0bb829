# Two commands on a fresh machine with only python3:  make run   and   make test
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

# `make run PORT=8081` (and HOST=0.0.0.0) chooses where the server listens; without them, server.port
# and server.host of the config apply (127.0.0.1:8080 by default).
PORT ?=
HOST ?=
# `make test BROWSER=no` leaves the browser tests out (pytest -m "not browser"), so it needs no Chromium.
BROWSER ?= yes

.PHONY: run test lint install clean chromium help

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install the package with its test tools

run: $(STAMP)  ## serve the bundled sample lessons on http://127.0.0.1:8080/ (HOST=, PORT=), one worker per core
	$(BIN)/lessons serve$(if $(HOST), --host $(HOST))$(if $(PORT), --port $(PORT))

lint: $(STAMP)  ## ruff over the whole tree (rules in pyproject.toml)
	$(BIN)/ruff check .

# The suite runs in 3 processes (pytest-xdist), one test file per process at a time: a file's tests
# share its fixtures (a server, a browser); its measured time is in the README (Development).
# Python's bytecode cache is kept in the venv ($(VENV)/pycache), even where PYTHONDONTWRITEBYTECODE
# is set: without it every test process and every server a test starts compiles the project (and
# pytest rewrites every test module) again, about a quarter of the suite's CPU.
PYCACHE = PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(abspath $(VENV))/pycache
test: $(if $(filter no,$(BROWSER)),,chromium) lint  ## check for Chromium, lint, then run the whole test suite
	$(PYCACHE) $(BIN)/python -m pytest -n 3 --dist loadfile$(if $(filter no,$(BROWSER)), -m "not browser")

chromium:  ## install Debian's Chromium for the browser tests when missing, or say in one line what to install
	scripts/ensure-chromium

clean:  ## remove the venv (and with it the bytecode cache) and build leftovers
	rm -rf $(VENV) build *.egg-info .pytest_cache

help:  ## list these targets
	@sed -n 's/^\([a-z]*\):.*## \(.*\)/make \1: \2/p' $(MAKEFILE_LIST)
