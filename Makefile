# LB Doctor. `make run` and `make test` are the two commands a newcomer needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Rasa 3.6 supports nothing newer than Python 3.10: both venvs use it.
# A pyenv install first: pyenv's shim answers `command -v` even when 3.10 is not selected.
PY310 ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.10.*/bin/python3.10) $(shell python3.10 --version >/dev/null 2>&1 && command -v python3.10))
VENV := .venv
RASA_VENV := .venv-rasa
PIP_FLAGS := --quiet --disable-pip-version-check

.PHONY: help setup run cluster test lint bench clean

help:
	@echo "make run      set everything up and start the assistant (Rasa :5005, actions :5055)"
	@echo "make cluster  the production topology here: PostgreSQL, Redis, 2 Rasa, nginx (:5080)"
	@echo "make test     set everything up and run every test"
	@echo "make setup    create/update both virtualenvs ($(VENV), $(RASA_VENV))"
	@echo "make lint     ruff, mypy (strict), import-linter"
	@echo "make bench    benchmarks; results in benchmarks/results/"

$(VENV)/.installed: requirements/dev.lock pyproject.toml
	@test -n "$(PY310)" || { echo "Python 3.10 is needed (pyenv install 3.10)"; exit 1; }
	@test -x $(VENV)/bin/python || $(PY310) -m venv $(VENV)
	$(VENV)/bin/python -m pip install $(PIP_FLAGS) "pip==24.0"
	$(VENV)/bin/pip install $(PIP_FLAGS) -r requirements/dev.lock
	# A path entry, not an import hook: the hook costs every `lbdoctor` start about 25 ms.
	$(VENV)/bin/pip install $(PIP_FLAGS) --no-deps -e . --config-settings editable_mode=compat
	@touch $@

$(RASA_VENV)/.installed: requirements/rasa.lock
	@test -n "$(PY310)" || { echo "Python 3.10 is needed (pyenv install 3.10)"; exit 1; }
	@test -x $(RASA_VENV)/bin/python || $(PY310) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/python -m pip install $(PIP_FLAGS) "pip==24.0"
	$(RASA_VENV)/bin/pip install $(PIP_FLAGS) --no-deps -r requirements/rasa.lock
	@touch $@

# The web widget: npm packages from the lock, then one bundled script (widget/dist/).
WIDGET_JS := widget/dist/lbdoctor-widget.js

widget/node_modules/.installed: widget/package-lock.json
	cd widget && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(WIDGET_JS): widget/node_modules/.installed widget/build.mjs $(wildcard widget/src/*)
	cd widget && npm run --silent build

setup: $(VENV)/.installed $(RASA_VENV)/.installed $(WIDGET_JS)

# Trains the model only when bot/ inputs changed, starts both servers, says how to talk to them.
run: setup
	$(VENV)/bin/python scripts/serve.py

# PostgreSQL, Redis, one action server, two Rasa servers and nginx in front (scripts/topology.py).
cluster: setup
	@scripts/system-packages.sh
	$(VENV)/bin/python scripts/topology.py

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# Starts a throwaway PostgreSQL for the store tests and removes it afterwards.
test: setup lint
	@scripts/system-packages.sh
	@url=$$(scripts/test-postgres.sh start) || exit 1; \
	trap 'scripts/test-postgres.sh stop' EXIT; \
	LBDOCTOR_TEST_POSTGRES_URL="$$url" $(VENV)/bin/python -m pytest $(PYTEST_ARGS)

bench: setup
	@scripts/system-packages.sh
	$(VENV)/bin/python benchmarks/bench_answers.py
	$(VENV)/bin/python benchmarks/bench_knowledge.py
	$(VENV)/bin/python benchmarks/bench_scale.py
	$(VENV)/bin/python benchmarks/bench_bot.py
	$(VENV)/bin/python benchmarks/bench_api.py
	$(VENV)/bin/python benchmarks/bench_hostile.py
	$(VENV)/bin/python benchmarks/bench_load.py

clean:
	rm -rf $(VENV) $(RASA_VENV) build *.egg-info widget/node_modules widget/dist
