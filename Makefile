# The two commands of the README: `make run` (demo) and `make test` (everything CI runs).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := FLASK_APP=marketplace:create_app $(BIN)/flask
STAMP := $(VENV)/.installed
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
TRANSLATIONS := marketplace/translations
PYTEST_ARGS ?=

.PHONY: run test setup translations worker lint extract-messages bench bench-matching bench-gapmap bench-quality clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

setup: $(STAMP) translations

translations: $(STAMP)
	$(BIN)/pybabel compile --statistics -d $(TRANSLATIONS)

## make run: set up, migrate the SQLite database, load the demo, serve http://127.0.0.1:5000
run: setup
	$(FLASK) db upgrade -d marketplace/migrations
	$(FLASK) seed-demo
	$(FLASK) run --host 127.0.0.1 --port 5000

## make worker: an RQ worker with its scheduler (needs REDIS_URL)
worker: setup
	$(BIN)/python -m worker

lint: $(STAMP)
	$(BIN)/ruff check marketplace worker tests bench

## make test: lint, then the whole suite on SQLite and, when reachable, PostgreSQL + Redis
test: setup lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(subst +psycopg,,$(PG_TEST_URL))', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== PostgreSQL run ($(PG_TEST_URL))"; \
		TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS); \
	elif [ -n "$$REQUIRE_SERVICES" ]; then echo "PostgreSQL is required but not reachable" >&2; exit 1; \
	else echo "== PostgreSQL not reachable: skipped the PostgreSQL run"; fi

## make extract-messages: refresh the .pot and merge new strings into the .po catalogues
extract-messages: $(STAMP)
	$(BIN)/pybabel extract --ignore-dirs '.*' --no-location --sort-output -F babel.cfg -k _l -k lazy_gettext -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)

bench: setup
	$(BIN)/python bench/run.py
	$(BIN)/python bench/organisations.py
	$(BIN)/python bench/deadline_load.py
	$(BIN)/python bench/quality.py

## make bench-matching: the matcher's speed on 100,000 organisations and 1,000 tenders (PostgreSQL + Redis;
## generates the market once into BENCH_DATABASE_URL, about a minute, then reuses it)
bench-matching: setup
	$(BIN)/python bench/matching.py --reuse

## make bench-gapmap: the incubation supply-gap map over the same market (after bench-matching)
bench-gapmap: setup
	$(BIN)/python bench/gapmap.py

## make bench-quality: the matcher's ranking quality against an agency's manual shortlist
bench-quality: setup
	$(BIN)/python bench/quality.py

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
