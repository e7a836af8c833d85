# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit eval bench clean docs

$(STAMP): pyproject.toml setup.py bot/core/_chunkscan.c
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/newswatch demo

lint: $(STAMP)
	$(BIN)/ruff check bot tests bench scripts
	$(BIN)/ruff format --check bot tests bench scripts

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q

test: lint typecheck unit

eval: $(STAMP)
	$(BIN)/newswatch eval ../shared/corpus/seeds

bench: $(STAMP)
	$(BIN)/python bench/match.py
	$(BIN)/python bench/fetch.py
	$(BIN)/python bench/stories.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache build bot/core/_chunkscan.*.so

docs: $(STAMP)
	$(BIN)/python scripts/update_readme.py

# Lint the Dockerfile, build the image with podman/runc and run it: demo, health check, clean
# stop. Needs root; installs podman, runc and debootstrap. See docs/deployment.md.
.PHONY: container
container:
	bash .ci/container-check.sh
