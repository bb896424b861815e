# claimbot: `make run` (set up, ingest the seeds, serve the API) and `make test` (lint, types, tests).
# Each target installs what it needs into .venv first.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

# The CPU build of torch lies on this machine's disk; pip finds it there (an unpinned torch would pull CUDA).
export PIP_FIND_LINKS ?= $(wildcard /opt/wheels)
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# Nothing is ever downloaded from a model hub: the models ship inside PyPI packages.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: install run ingest serve test test-fast lint types pytest bench eval eval-dev eval-scale docs clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,eval]'
	touch $(STAMP)

install: $(STAMP)

ingest: install
	$(BIN)/claimbot ingest seeds/

run: ingest
	$(BIN)/claimbot serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check bot vectorstore tests
	$(BIN)/ruff format --check bot vectorstore tests
	$(BIN)/lint-imports

types: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest

test: lint types pytest

# The inner loop: lint, types and the tests not marked slow (no embedding model, no index, no server or
# worker process; about a minute and a half on 2 busy cores). CI runs `make test`, everything.
test-fast: lint types
	$(BIN)/pytest -m "not slow"

bench: install
	$(BIN)/python -m bot.bench $(BENCH_ARGS)

# The project's own question and claim sets against a fresh index of the seeds, then the held-out
# question set; the full reports go to reports/ (git-ignored), the summaries the README links to (and
# their charts) to docs/eval.
eval: install
	$(BIN)/claimbot eval all tests/data/questions.jsonl tests/data/claims.jsonl --corpus seeds \
		--out reports/eval --summary docs/eval $(EVAL_ARGS)
	$(BIN)/claimbot eval questions tests/data/questions-heldout.jsonl --corpus seeds \
		--out reports/eval-heldout --summary docs/eval/heldout $(EVAL_ARGS)

# The development benchmark: FacQA, IDK-MRC, TyDi QA questions, IndoNLI claims (each over its own corpus
# of about 560 passages, from ../shared/data/dev) and the seeds' sets, claimbot and the baselines, every
# figure with a 95% bootstrap interval; the report to reports/eval-dev, the summary to docs/eval/dev.
# Embeddings are kept in EMBEDDING_CACHE so a second run embeds nothing again. A quick run:
# make eval-dev EVAL_ARGS="--set idkmrc --limit 50".
DEV_DATA ?= ../shared/data/dev
EMBEDDING_CACHE ?= /tmp/claimbot-emb-cache
eval-dev: install
	CLAIMBOT_EMBEDDING_CACHE_DIR=$${CLAIMBOT_EMBEDDING_CACHE_DIR:-$(EMBEDDING_CACHE)} \
		$(BIN)/claimbot eval dev --data $(DEV_DATA) --out reports/eval-dev --summary docs/eval/dev $(EVAL_ARGS)

# The same sets in an index that also holds 300 IndoSum articles on other subjects, drawn at random (seed
# 0), as a newsroom's index holds: 15 to 20 minutes on 2 cores (the index and the baselines' are built
# afresh). Summary in docs/eval/scale.
DISTRACTORS ?= ../shared/data/indosum-dev-articles.jsonl
eval-scale: install
	$(BIN)/claimbot eval all tests/data/questions.jsonl tests/data/claims.jsonl --corpus seeds \
		--distractors $(DISTRACTORS) --distractor-count 300 \
		--out reports/eval-scale --summary docs/eval/scale $(EVAL_ARGS)

docs: install
	$(BIN)/python -m bot.settings_doc docs/configuration.md

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
