# The two commands a reviewer needs: `make book` and `make test`.
# Both create .venv when it is missing and (re)install requirements.txt when it changed.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: book test venv clean bench

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found; set PYTHON=/path/to/python3.11" >&2; exit 2; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

# Build the HTML book into _build/html. Every notebook is executed on every build, so no page
# can show a result computed from an older version of the data; warnings are errors.
book: $(STAMP)
	$(BIN)/jupyter-book build . --path-output . --builder html -W -n --keep-going

# The data checks of the review first (`reviewlib check`: errors stop here, with file, line
# and column), then the library's tests, which read only their own fixtures in tests/data/.
test: $(STAMP)
	$(BIN)/python -m reviewlib check .
	$(BIN)/python -m pytest -q

# Speed and accuracy against the peer tools (bib-dedupe, statsmodels, R metafor when present);
# BENCH_ARGS passes options to benchmarks/run_all.py, e.g. BENCH_ARGS="--data /path/to/labelled/benchmarks".
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements-bench.txt
	$(BIN)/python benchmarks/run_all.py $(BENCH_ARGS)

clean:
	rm -rf _build
