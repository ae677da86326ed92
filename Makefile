# The two commands a newcomer needs are `make run` and `make test`; both install
# into .venv first, and only when pyproject.toml or constraints.txt changed.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
.DEFAULT_GOAL := help

.PHONY: help install run run-cluster test bench bench-cluster shell train eval lint format clean reset

help: ## Show this list
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-9s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt scripts/find-python
	@python=$$(scripts/find-python) || exit 1; \
	if ! $(BIN)/python -c 'import sys; sys.exit(not (3, 8) <= sys.version_info[:2] <= (3, 10))' 2>/dev/null; then \
		echo "Creating $(VENV) with $$python"; rm -rf $(VENV); "$$python" -m venv $(VENV) || exit 1; \
	fi
	@echo "Installing dependencies into $(VENV) (about a minute the first time)..."
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]' \
		2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }
	@touch $@

install: $(STAMP) ## Create .venv and install the pinned dependencies if needed

run: $(STAMP) ## Migrate, train if the data changed, start every server and print the URLs
	@$(BIN)/bot run

run-cluster: $(STAMP) ## Like run, with 2 Rasa and 2 action servers behind nginx (PostgreSQL, Redis)
	@$(BIN)/bot run --instances $${RASA_INSTANCES:-2} --action-servers $${ACTION_SERVERS:-2}

test: $(STAMP) ## Run the whole test suite (trains a test model once per session)
	@$(BIN)/pytest

bench: $(STAMP) ## Compare speed with stock Rasa, ratios from one run (about 10 min; ARGS="--rounds 1")
	@$(BIN)/python -m bench $(ARGS)

bench-cluster: $(STAMP) ## Throughput of 2 Rasa + 2 action servers behind nginx vs 1 + 1 (PostgreSQL, Redis)
	@$(BIN)/python -m bench.cluster $(ARGS)

shell: $(STAMP) ## Chat with the bot in this terminal
	@$(BIN)/bot shell

train: $(STAMP) ## Train a model if data/, domain.yml or config.yml changed
	@$(BIN)/bot train

eval: $(STAMP) ## Score the model: held-out set, then the blind set against the real servers
	@$(BIN)/bot train && $(BIN)/bot eval && $(BIN)/python -m tests.blind $(ARGS)

lint: $(STAMP) ## Check the code with ruff
	@$(BIN)/ruff check . && $(BIN)/ruff format --check bot actions tests bench

format: $(STAMP) ## Reformat the code with ruff
	@$(BIN)/ruff check --fix . && $(BIN)/ruff format bot actions tests bench

clean: ## Remove the virtualenv, caches and test output; keeps leads, conversations and models
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts var/test-models

reset: ## Also delete every lead, conversation, log and trained model in var/ and models/ (asks first)
	@echo "This deletes var/ (the SQLite leads and conversations, spooled enquiries, logs) and"
	@echo "models/ (every trained model and the registry). A PostgreSQL database is not touched."
	@read -r -p "Type DELETE to go on: " answer; \
	if [ "$$answer" != DELETE ]; then echo "Nothing deleted."; exit 1; fi
	rm -rf var models
