# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export EMULATION_INSTANCE_PATH ?= $(CURDIR)/instance

.PHONY: run test install migrate demo worker messages screenshots bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/emulation db upgrade

demo: migrate
	$(BIN)/emulation demo

## make run: install, migrate, seed the demo, serve web (gunicorn ×2) + worker (huey) on :5000
run: demo
	$(BIN)/emulation serve --bind 127.0.0.1:5000

worker: install
	$(BIN)/emulation worker

## make test: install and run the whole suite (browser tests skip without /usr/bin/chromium)
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## make messages: re-extract translatable strings and update the English catalogue
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -k NP_:1c,2 -o emulation/translations/messages.pot .
	$(BIN)/pybabel update -i emulation/translations/messages.pot -d emulation/translations -l en --no-fuzzy-matching

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
