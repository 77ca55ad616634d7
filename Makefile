# `make run`: install into .venv, create the SQLite database, load the demo, serve on 127.0.0.1:5000.
# `make test`: install runtime + dev requirements into .venv and run the whole suite.
# `make lint`: ruff (lint and format), mypy and the import contracts. `make lock`: re-pin the requirements.
# `make docs`: build the documentation site (docs/ -> site/) with MkDocs, failing on any warning.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: run serve test test-pg lint lock docs bench bench-live bench-save audit mutate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The requirements files are pinned with hashes (make lock), so pip checks every download. That needs
# pip 23.3 or later, which matches extras by their normalised names (justext asks for lxml[html_clean],
# lxml offers html-clean); a new venv may come with an older one. The project itself is then installed
# editable, without dependencies, for the `annotator` command.
$(VENV)/.runtime-installed: requirements.txt pyproject.toml | $(BIN)/python
	$(PIP) "pip>=23.3"
	$(PIP) -r requirements.txt
	$(PIP) --no-deps -e .
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt pyproject.toml | $(BIN)/python
	$(PIP) "pip>=23.3"
	$(PIP) -r requirements-dev.txt
	$(PIP) --no-deps -e .
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

# Benchmarks against gunicorn on SQLite and PostgreSQL: save throughput vs the ceiling and doccano, load, crash
# safety, and live updates (a save seen by pollers on other workers; the cost of a poll).
# DOCCANO_VENV=PATH: doccano's virtualenv, for the save bench's doccano column (skipped, with a message, without
# one; bench/RESULTS.md says how to make it). BEFORE=REF: the save and load benches also run the code at REF (a
# temporary git worktree) in the same run, e.g. `make bench-live DOCCANO_VENV=/tmp/doccano-venv BEFORE=9c7dea7`.
BENCH_SAVE_ARGS = $(if $(DOCCANO_VENV),--doccano-venv $(DOCCANO_VENV)) $(if $(BEFORE),--before $(BEFORE))
BENCH_LOAD_ARGS = $(if $(BEFORE),--before $(BEFORE))

bench-live: $(VENV)/.dev-installed
	$(BIN)/python bench/save_throughput.py $(BENCH_SAVE_ARGS)
	$(BIN)/python bench/load.py $(BENCH_LOAD_ARGS)
	$(BIN)/python bench/crash_safety.py --database both
	$(BIN)/python bench/live_updates.py

# Issue 14's save and load figures alone (the first two of bench-live), with the same DOCCANO_VENV and BEFORE.
bench-save: $(VENV)/.dev-installed
	$(BIN)/python bench/save_throughput.py $(BENCH_SAVE_ARGS)
	$(BIN)/python bench/load.py $(BENCH_LOAD_ARGS)

# The checks CI runs before the tests (and pre-commit runs on each commit, see .pre-commit-config.yaml);
# every check runs, and the target fails if any failed. Settings are in pyproject.toml.
lint: $(VENV)/.dev-installed
	@status=0; \
	echo "ruff check"; $(BIN)/ruff check --output-format concise . || status=1; \
	echo "ruff format --check"; $(BIN)/ruff format --check --output-format concise . || status=1; \
	echo "mypy"; $(BIN)/mypy || status=1; \
	echo "lint-imports"; $(BIN)/lint-imports || status=1; \
	exit $$status

# Compiles requirements*.in into the pinned, hashed requirements*.txt. A pin already in a .txt file is
# kept while it satisfies the .in files; to move one: make lock LOCK_ARGS="--upgrade-package NAME".
# requirements-dev.txt is constrained to requirements.txt's versions, so it comes second.
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe \
	--strip-extras --no-emit-index-url --no-emit-find-links --no-emit-trusted-host $(LOCK_ARGS)
lock: $(VENV)/.dev-installed
	$(PIP_COMPILE) -o requirements.txt requirements.in
	$(PIP_COMPILE) -o requirements-dev.txt requirements-dev.in
	$(PIP_COMPILE) -o requirements-audit.txt requirements-audit.in

# Known vulnerabilities in the pinned requirements (pip-audit, PyPI's advisory data). --strict fails
# when a package cannot be checked, so an unreachable advisory service never passes as "no vulnerability".
AUDIT := .venv-audit
$(AUDIT)/.installed: requirements-audit.txt
	$(PYTHON) -m venv $(AUDIT)
	$(AUDIT)/bin/python -m pip install --quiet --disable-pip-version-check "pip>=23.3"
	$(AUDIT)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-audit.txt
	touch $@

audit: $(AUDIT)/.installed
	$(AUDIT)/bin/pip-audit --strict --no-deps --disable-pip --progress-spinner off \
		-r requirements.txt -r requirements-dev.txt -r requirements-audit.txt

# Mutation testing of the pure layers (annotator/domain, annotator/formats) against tests/domain and tests/formats:
# [tool.mutmut] in pyproject.toml. About an hour on 2 cores the first time; mutmut keeps its results in mutants/
# and a later run re-checks only the functions that changed. ANNOTATOR_CI gives Hypothesis the same examples on
# every run, so the score is reproducible. The report fails under 90 % of the non-equivalent mutants killed
# (docs/development/mutation.md; equivalent ones are listed with their reason in tests/mutation_triage.toml).
mutate: $(VENV)/.dev-installed
	ANNOTATOR_CI=1 $(BIN)/mutmut run
	$(BIN)/python scripts/mutation_report.py

clean:
	rm -rf $(VENV) $(AUDIT) .pytest_cache .hypothesis .mypy_cache .ruff_cache .import_linter_cache .grimp_cache build *.egg-info mutants
	rm -rf $(VENV) $(AUDIT) .pytest_cache .hypothesis site
