# Two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB ?= demo.db

.PHONY: run test bench lint demo clean system-packages bytecode messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# An editable install leaves the package uncompiled, and an environment that sets
# PYTHONDONTWRITEBYTECODE never caches it: every start would compile the sources again.
# compileall writes the cache regardless, and skips files that have not changed.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q tallytui

demo: $(STAMP) bytecode
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/tally demo --db $(DEMO_DB)

run: demo
	TALLY_USER=$${TALLY_USER:-$$(id -un)} $(BIN)/tally --db $(DEMO_DB)

# The end-to-end tests drive the real terminal interface in tmux; the team-mode tests start
# a throwaway PostgreSQL server of their own from the installed packages (tests/pg_server.py);
# the payment-code tests read the PDFs' QR codes back (pdftoppm renders, zbarimg decodes).
system-packages:
	@missing=""; \
	command -v tmux >/dev/null || missing="$$missing tmux"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null \
	  || missing="$$missing postgresql"; \
	command -v zbarimg >/dev/null || missing="$$missing zbar-tools"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  command -v apt-get >/dev/null || { echo "make test needs:$$missing; install them"; exit 1; }; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

test: $(STAMP) system-packages
	$(BIN)/python -m pytest -n 2 -q

bench: $(STAMP) bytecode
	$(BIN)/python -m benchmarks $(ARGS)

# The documents' labels in de, fr, it, nl and es: extract the messages of the templates and
# of render/, merge them into each language's .po (translators fill in what is new), and
# compile the .mo files the package reads. Both are committed, so a clean clone, an
# editable install and a wheel find them with no build step.
LOCALES := tallytui/render/locale
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k translate:2 --no-location --sort-output \
	  --project=tallytui --omit-header -o $(LOCALES)/tallytui.pot .
	$(BIN)/pybabel update -i $(LOCALES)/tallytui.pot -d $(LOCALES) -D tallytui \
	  --no-fuzzy-matching --ignore-obsolete --width=100
	$(BIN)/pybabel compile -d $(LOCALES) -D tallytui --statistics

lint: $(STAMP)
	$(BIN)/ruff check tallytui tests benchmarks
	$(BIN)/ruff format --check tallytui tests benchmarks

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
