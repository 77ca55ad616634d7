# `make run`: install into .venv, create the SQLite database, load the demo, serve on 127.0.0.1:5000.
# `make test`: install runtime + dev requirements into .venv and run the whole suite.
# `make docs`: build the documentation site (docs/ -> site/) with MkDocs, failing on any warning.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: run serve test test-pg docs bench bench-live audit clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(PIP) -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(PIP) -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

# The docs build imports the app (CLI and API references), so its tools go into the same .venv.
$(VENV)/.docs-installed: requirements-docs.txt $(VENV)/.dev-installed
	$(PIP) --require-hashes -r requirements-docs.txt
	touch $@

run: $(VENV)/.runtime-installed
	$(BIN)/flask --app app load-demo
	$(BIN)/flask --app app run --host 127.0.0.1 --port 5000

# The same app and database under gunicorn: ANNOTATOR_WORKERS (default 2 x cores + 1), ANNOTATOR_BIND (127.0.0.1:8000).
# Production: no demo is loaded (create accounts with `flask --app app create-user`).
serve: $(VENV)/.runtime-installed
	$(BIN)/flask --app app init-db
	$(BIN)/gunicorn -c gunicorn.conf.py app:app

test: $(VENV)/.dev-installed
	$(BIN)/python -m pytest

# --strict: a broken link, a missing page or a failing reference is an error. Nothing is fetched while
# building (no web fonts, no CDN scripts); the screenshots in docs/img come from scripts/docs_screenshots.py.
docs: $(VENV)/.docs-installed
	$(BIN)/python -m mkdocs build --strict

# The same suite on PostgreSQL: ANNOTATOR_TEST_DATABASE_URL, or a throwaway cluster started here.
test-pg: $(VENV)/.dev-installed
	$(BIN)/python scripts/with_postgres.py $(BIN)/python -m pytest

# In-process benchmarks: article page, streaming exports, lead pages, re-anchoring, search and Checked before
# (SQLite, then PostgreSQL), and suggested claims (quality on the labelled demo article, and speed).
bench: $(VENV)/.dev-installed
	$(BIN)/python bench/article_page.py
	$(BIN)/python bench/export.py
	$(BIN)/python bench/dashboard.py
	$(BIN)/python scripts/with_postgres.py $(BIN)/python bench/dashboard.py --postgres
	$(BIN)/python bench/reanchor.py
	$(BIN)/python scripts/with_postgres.py $(BIN)/python bench/reanchor.py --postgres
	$(BIN)/python bench/search.py
	$(BIN)/python scripts/with_postgres.py $(BIN)/python bench/search.py --postgres
	$(BIN)/python bench/checked_before.py
	$(BIN)/python scripts/with_postgres.py $(BIN)/python bench/checked_before.py --postgres
	$(BIN)/python bench/suggestions.py

# Benchmarks against gunicorn on SQLite and PostgreSQL: save throughput vs the ceiling, load, crash safety,
# and live updates (a save seen by pollers on other workers; the cost of a poll).
bench-live: $(VENV)/.dev-installed
	$(BIN)/python bench/save_throughput.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/crash_safety.py --database both
	$(BIN)/python bench/live_updates.py

# Known vulnerabilities in the pinned requirements (pip-audit, PyPI's advisory data). --strict fails
# when a package cannot be checked, so an unreachable advisory service never passes as "no vulnerability".
AUDIT := .venv-audit
$(AUDIT)/.installed: requirements-audit.txt
	$(PYTHON) -m venv $(AUDIT)
	$(AUDIT)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-audit.txt
	touch $@

audit: $(AUDIT)/.installed
	$(AUDIT)/bin/pip-audit --strict --no-deps --disable-pip --progress-spinner off \
		-r requirements.txt -r requirements-dev.txt -r requirements-audit.txt

clean:
	rm -rf $(VENV) $(AUDIT) .pytest_cache .hypothesis site
