# Roundtable: `make run` serves the demo, `make test` runs everything CI runs.
VENV    := .venv
BIN     := $(VENV)/bin
PYTHON  ?= $(shell command -v python3.11 || command -v python3)
export FLASK_APP := wsgi

.PHONY: install run test lint translations compile-translations bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(BIN)/.installed

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

test: lint compile-translations
	$(BIN)/pytest

translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location \
		--sort-output -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d translations

bench: install
	$(BIN)/python bench/agenda.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
