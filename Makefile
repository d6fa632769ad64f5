# CCHC Portal: `make run` (demo on SQLite) and `make test` are the two commands of the README.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
DEV_ENV := DEBUG=1 SECRET_KEY=development-only-not-secret
HOST ?= 127.0.0.1
PORT ?= 8000
# Test options, e.g. `make test PYTEST_ARGS="-k lineage"`; browser tests run unless -m says otherwise.
PYTEST_ARGS ?=

.PHONY: run test venv install migrate demo lint format messages bench bench-province clean faults backup

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Cần Python 3.11 ($(PYTHON))"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

venv install: $(VENV)/.installed

migrate: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput

demo: migrate
	$(DEV_ENV) $(PY) manage.py load_demo

# The queue's worker (django-q2 `qcluster`: mail, long jobs, schedules) runs beside the web
# server and stops with it (Ctrl-C reaches both; the trap also stops it if runserver ends).
run: demo
	@$(DEV_ENV) $(PY) manage.py demo_logins
	@$(DEV_ENV) $(PY) manage.py qcluster & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(DEV_ENV) $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(DEV_ENV) $(VENV)/bin/mypy .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# English catalogue (source strings are Vietnamese): run, translate every new or fuzzy entry in
# locale/en/LC_MESSAGES/django.po, run again to compile; commit django.po and django.mo
# (tests/test_i18n.py fails on an untranslated or fuzzy entry). Needs gettext (msgfmt, xgettext).
messages: install
	$(DEV_ENV) $(PY) manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=static/vendor \
		--ignore=staticfiles --ignore=media --ignore=tests --ignore=bench
	$(DEV_ENV) $(PY) manage.py compilemessages -l en -l vi --ignore=.venv

# Load with faults (not part of `make test`: about a minute, restarts PostgreSQL): README "Bảo mật".
faults: install
	$(PY) scripts/load_with_faults.py

# A backup of the database and MEDIA_ROOT named by the environment: README "Sao lưu / Backups".
backup: install
	$(PY) scripts/backup.py create

# Benchmarks (README: "Hiệu năng / Performance"): PostgreSQL, Redis, wrk and locust; not part of
# `make test`. BENCH_SIZES=province,country (default both), BENCH_FRESH=1 regenerates the data,
# BENCH_DURATION (s a wrk run), BENCH_ROUNDS, BENCH_LOAD (s of the deadline week, 0: none).
# The pages are data: bench/pages.py, one line each.
# Each part runs whatever the one before it found (run.py exits 1 when a target is not met).
bench: install
	$(PY) bench/run.py; pages=$$?; \
	$(PY) bench/indices.py; indices=$$?; \
	$(PY) bench/survey.py; survey=$$?; \
	exit $$((pages | indices | survey))

bench-province: install
	$(PY) bench/run.py --sizes province

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
