# Quick start:  make demo  (set up, load the demo collection, serve the portal)  ·  make test  (the whole suite)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
DATA   ?= ./tongwen-data

.PHONY: demo test bench messages clean assets

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

# The portal's browser libraries (assets/package.json): npm ci, then only the files it serves, into the package.
VENDOR := tongwen/web/static/vendor/MANIFEST.json
$(VENDOR): assets/package.json assets/package-lock.json assets/build.py
	$(PYTHON) assets/build.py

assets: $(VENDOR)

demo: $(VENV)/.installed $(VENDOR)
	$(BIN)/tongwen --data $(DATA) demo

test: $(VENV)/.installed-test $(VENDOR)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-test
	$(BIN)/python bench/import.py

clean:
	rm -rf $(VENV) $(DATA) .pytest_cache assets/node_modules tongwen/web/static/vendor

messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F tongwen/web/locales/babel.cfg -o tongwen/web/locales/messages.pot --no-location --sort-output --project Tongwen .
	$(BIN)/pybabel update -i tongwen/web/locales/messages.pot -d tongwen/web/locales --no-fuzzy-matching
