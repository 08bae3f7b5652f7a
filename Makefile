# Two commands: `make run` serves the tutor, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Where `lingograph` keeps its SQLite file and Chroma folder (DATA_DIR, as the app reads it).
DATA := $(or $(DATA_DIR),data)

.PHONY: run test install migrate seed serve postgres lint reset clean

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

# Learners, progress and embedded notes go; data/.gitkeep and the tests' Chroma cache stay.
reset:
	rm -rf $(DATA)/lingograph.db $(DATA)/lingograph.db-* $(DATA)/chroma

clean: reset
	rm -rf $(VENV) .pytest_cache
