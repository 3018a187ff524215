# Two commands for a fresh clone (each sets itself up):
#   make run    extract claims from seeds/ and score them against the gold (offline baseline
#               unless an endpoint is configured: OPENAI_BASE_URL / OPENAI_API_KEY + EXTRACTOR_MODEL)
#   make test   the whole test suite
VENV ?= .venv
PY := $(VENV)/bin/python
OUT ?= out

.PHONY: run test test-fast install chromium bench llama-server

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,test,ray]'
	$(PY) -m pip install -q torch==2.13.0  # the CPU build; a bare `torch` pulls CUDA (GBs)
	$(PY) -m pip install -q -e '.[dev,test,ray,grammars]'
	touch $@

install: $(VENV)/.installed

run: install
	rm -f $(OUT)/claims.jsonl
	$(VENV)/bin/extractor run seeds/ -o $(OUT)/claims.jsonl
	$(VENV)/bin/extractor eval --predictions $(OUT)/claims.jsonl --report $(OUT)/eval.json --no-details
	@echo "Next: point it at a model (README 'Use a model'), e.g." \
	  "OPENAI_BASE_URL=http://localhost:8000/v1 EXTRACTOR_MODEL=<model> make run"

# The HTML report tests drive Debian's chromium through Playwright (no browser download).
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }

# llama.cpp's llama-server, built once from the llama-cpp-python sdist into a cache outside the
# clone (~15-20 min on 2 cores the first time; then reused): tests/llama/build_server.py
llama-server: install
	$(PY) tests/llama/build_server.py

test: install chromium llama-server
	$(VENV)/bin/ruff check extractor schemas tests benchmarks
	$(VENV)/bin/ruff format --check extractor schemas tests benchmarks
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest

# The inner loop: no slow tier (real servers, grammar engines, Ray, subprocess kills, browser).
test-fast: install
	$(VENV)/bin/pytest -m "not slow and not browser and not packaging" -q


bench: install
	$(PY) -m pip install -q -e '.[dev,bench]'
	$(PY) benchmarks/throughput.py
	$(PY) benchmarks/overhead.py
	$(PY) benchmarks/live_path.py
	$(PY) benchmarks/cache_memory_startup.py
	$(PY) benchmarks/bench_scoring.py
	$(PY) benchmarks/ledger_scale.py
