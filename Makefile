# The commands of the README: `make demo`, `make run`, `make test` and `make bench`.
# Everything else is a step of them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONFIG ?= config.toml

.PHONY: run demo test test-at bench bench-smoke bench-profile lint catalogs-extract catalogs-update catalogs-compile clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Compiled catalogs (not in git) are remade when their .po changes, so that two `make test`
# side by side (SQLite and PostgreSQL in CI) do not write them at the same time.
CATALOGS := $(foreach lc,fr nl,bot/i18n/$(lc)/LC_MESSAGES/messages.mo)

catalogs-compile: $(CATALOGS)

bot/i18n/%/LC_MESSAGES/messages.mo: bot/i18n/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d bot/i18n -D messages -l $*

# Install, create or upgrade the database, add the network of config.toml, serve.
run: catalogs-compile
	$(BIN)/python -m bot migrate --config $(CONFIG)
	$(BIN)/python -m bot seed --config $(CONFIG)
	$(BIN)/python -m bot run --config $(CONFIG)

# Install, then play a day on a local Telegram emulator: no token, no internet. The day's
# data stays in data/demo.db (replaced at each run) for `python -m bot report`.
demo: catalogs-compile
	$(BIN)/python -m bot demo --config $(CONFIG) --database data/demo.db

# Install, then the whole suite (on PostgreSQL too when TEST_DATABASE_URL is set).
test: catalogs-compile
	$(BIN)/python -m pytest -q

# The tests that start the bot as a real process, which reads the real clock, run at another
# instant by libfaketime (Debian package faketime), in UTC:
#   make test-at AT="2026-10-25 00:30:00"   # 02:30 in Brussels, the autumn DST Sunday
test-at: catalogs-compile
	TZ=UTC faketime "$(AT)" $(BIN)/python -m pytest -q -m process

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@

# The benchmarks (not tests: they measure; see bench/README.md). The tour solver's: 30
# generated Brussels evening tours of 25 stores (bench/results-tours.json). The load's: the
# real bot and a bare aiogram echo bot as processes against the emulator, on a network of
# 10,000 members over 200 antennas, on SQLite and on the PostgreSQL server of
# BENCH_POSTGRES_URL (default postgres@127.0.0.1:5432), where it creates and drops a database
# bench_<pid> (bench/results.json).
bench: catalogs-compile
	$(BIN)/python -m bench.tours
	$(BIN)/python -m bench.load --database sqlite --database postgresql

# The load benchmark with tiny numbers on SQLite, in under a minute: that it still runs (CI).
bench-smoke: catalogs-compile
	$(BIN)/python -m bench.load --smoke

# Where the bot's time goes under the load benchmark's mix (py-spy, of the bench extra).
bench-profile: catalogs-compile $(VENV)/.installed-bench
	$(BIN)/python -m bench.profile

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Translation workflow: extract the messages from the code, merge them into fr and nl,
# translate the new msgstr in the .po files, then compile.
catalogs-extract: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --omit-header \
		-o bot/i18n/messages.pot .

catalogs-update: catalogs-extract
	$(BIN)/pybabel update -i bot/i18n/messages.pot -d bot/i18n -D messages \
		--no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
	find bot/i18n -name '*.mo' -delete
