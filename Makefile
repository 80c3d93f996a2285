# Roundtable: `make run` serves the demo, `make test` runs everything CI runs.
VENV    := .venv
BIN     := $(VENV)/bin
PYTHON  ?= $(shell command -v python3.11 || command -v python3)
export FLASK_APP := wsgi

LOCK_VENV := .venv-lock

.PHONY: install run test lint translations compile-translations bench upgrade clean

# Installs exactly what requirements.txt names, every file checked against its hash. The app runs
# from this directory (FLASK_APP=wsgi, pytest's pythonpath), so the project itself is not installed.
$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements.txt
	touch $@

install: $(BIN)/.installed

# Refreshes the lock deliberately: the newest releases pyproject.toml allows, from PyPI alone (any
# local pip configuration is ignored so the hashes are PyPI's). Review the diff, run `make test`.
upgrade:
	test -x $(LOCK_VENV)/bin/pip-compile || \
		($(PYTHON) -m venv $(LOCK_VENV) && $(LOCK_VENV)/bin/pip install --quiet pip-tools)
	PIP_CONFIG_FILE=/dev/null PIP_FIND_LINKS= $(LOCK_VENV)/bin/pip-compile --quiet --upgrade --generate-hashes \
		--allow-unsafe --strip-extras --extra test --index-url https://pypi.org/simple \
		--no-emit-index-url --no-emit-find-links \
		--output-file requirements.txt pyproject.toml

compile-translations: install
	$(BIN)/pybabel compile --statistics -d translations 2>&1 | grep -v "^compiling" || true
	$(BIN)/pybabel compile -d translations >/dev/null

run: compile-translations
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	@echo "Serving Roundtable on http://127.0.0.1:5000 (Ctrl+C to stop)"
	$(BIN)/flask run --host 127.0.0.1 --port 5000

lint: install
	$(BIN)/ruff check .

# Test tools from npm, each from its lock with integrity hashes: ical.js (the calendar parser
# Thunderbird uses, tests/calendar/js) and axe-core (the accessibility checker, tests/browser/axe).
# Without node the tests that need them say so and skip.
JS_TOOLS := tests/calendar/js/node_modules/.installed tests/browser/axe/node_modules/.installed
%/node_modules/.installed: %/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --ignore-scripts --no-audit --no-fund --silent --prefix $* && touch $@; \
	else echo "npm not found: tests that need $* will skip"; fi

test: lint compile-translations $(JS_TOOLS)
	$(BIN)/pytest

translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k _nl:1,2 -k lazy_ngettext:1,2 --no-location \
		--sort-output -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d translations

# One line each: the agenda page, the slot finder, the calendar feed, the registration rush
# and the mixed soak. SQLite unless DATABASE_URL names a
# PostgreSQL database (each benchmark makes and drops its own beside it).
SOAK_MINUTES ?= 10
bench: install
	$(BIN)/python bench/agenda.py
	$(BIN)/python bench/slots.py
	$(BIN)/python bench/feed.py
	$(BIN)/python bench/registration_rush.py
	$(BIN)/python bench/soak.py --minutes $(SOAK_MINUTES)

clean:
	rm -rf $(VENV) $(LOCK_VENV) .pytest_cache .ruff_cache
