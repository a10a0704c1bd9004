# Harbour: two commands from a fresh clone.
#   make demo   set up, load the synthetic partnership, print demo logins, serve on :8000
#   make test   set up and run the whole suite (SQLite; DATABASE_URL=postgres://... for PostgreSQL)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB := $(CURDIR)/demo.sqlite3
TEST_ENV := DJANGO_SECRET_KEY=test-only-not-secret DJANGO_ALLOWED_HOSTS=testserver,localhost,127.0.0.1

.PHONY: demo test venv lint bench assets clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Harbour needs Python 3.12 or newer (pyenv reads .python-version)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@$(BIN)/python -c 'import weasyprint' 2>/dev/null || { echo "Panel minutes (PDF) need Debian's Pango: apt-get install -y libpango-1.0-0 libpangoft2-1.0-0"; exit 1; }
	@touch $@

venv: $(BIN)/.installed

demo: venv
	rm -f $(DEMO_DB)
	DJANGO_DEBUG=1 HARBOUR_DEMO_MODE=1 DATABASE_URL=sqlite:///$(DEMO_DB) $(BIN)/python manage.py migrate --verbosity 0
	DJANGO_DEBUG=1 HARBOUR_DEMO_MODE=1 DATABASE_URL=sqlite:///$(DEMO_DB) $(BIN)/python manage.py seed_demo --scale 1 --seed 2026
	@echo "Harbour demo: open http://127.0.0.1:8000 (Ctrl+C to stop; the background task worker stops with it)"
	DJANGO_DEBUG=1 HARBOUR_DEMO_MODE=1 DATABASE_URL=sqlite:///$(DEMO_DB) $(BIN)/python manage.py db_worker --no-reload --interval 1 & \
	  worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  DJANGO_DEBUG=1 HARBOUR_DEMO_MODE=1 DATABASE_URL=sqlite:///$(DEMO_DB) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: venv
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/mypy .

bench: venv
	$(TEST_ENV) $(BIN)/python -m bench.run $(BENCH_ARGS)
	$(TEST_ENV) $(BIN)/python -m bench.matching
	$(TEST_ENV) $(BIN)/python -m bench.imports
	$(TEST_ENV) $(BIN)/python -m bench.panels

assets:
	cd frontend && npm ci && npm run build

clean:
	rm -rf $(VENV) $(DEMO_DB) .pytest_cache .mypy_cache .ruff_cache
