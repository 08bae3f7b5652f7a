# Two commands: `make run` serves the tutor, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install migrate seed serve postgres lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/lingograph migrate

seed: migrate
	$(BIN)/lingograph seed

run: install
	$(BIN)/lingograph setup
	$(BIN)/lingograph serve

postgres:
	bash .ci/postgres.sh

lint: install
	$(BIN)/ruff check .

test: install postgres
	$(BIN)/ruff check .
	$(BIN)/pytest

clean:
	rm -rf $(VENV) data/*.db data/*.db-* .pytest_cache
