# Two commands on a fresh machine with only python3:  make run   and   make test
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: run test lint install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install the package with its test tools

run: $(STAMP)  ## serve the bundled sample lessons on http://127.0.0.1:8080/ (or PORT=8081), one worker per core
	$(BIN)/lessons serve $(if $(PORT),--port $(PORT))

lint: $(STAMP)  ## ruff over the whole tree (rules in pyproject.toml)
	$(BIN)/ruff check .

test: lint  ## lint, then run the whole test suite (installs Debian's Chromium for the browser test when missing)
	scripts/ensure-chromium
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
