# samrehab: `make demo` and `make test` work on a fresh machine with Python 3.11 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-pure lint bench interop docs fuzz faults coverage clean

# setup.py builds the optional C parts (key derivation _agile.c, sheet scan _sheetscan.c in src/samrehab_cli/storage);
# without a C compiler the install only warns and samrehab runs in pure Python.
$(STAMP): pyproject.toml setup.py src/samrehab_cli/storage/_agile.c src/samrehab_cli/storage/_sha512.h \
		src/samrehab_cli/storage/_sheetscan.c
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,lint]'
	touch $(STAMP)

demo: $(STAMP)
	@bash examples/demo.sh

test: $(STAMP)
	$(BIN)/python -m pytest -q

# The suite without the compiled parts (key derivation, sheet scan), as a machine without a C compiler runs it.
test-pure: $(STAMP)
	SAMREHAB_PURE_PYTHON=1 $(BIN)/python -m pytest -q

# ruff (style, imports, likely bugs) and mypy (types, strict) over the code; both must find nothing.
lint: $(STAMP)
	$(BIN)/ruff check src tests examples docs
	$(BIN)/mypy

# Each benchmark file runs in its own process, as each samrehab command does: the heap one leaves behind (a
# 100,000-row register) must not slow the next. Bytecode is compiled first, as an installed package has it
# (PYTHONDONTWRITEBYTECODE may be set). test_bench_processes.py prints the issue-13 table (docs/performance.md).
bench: $(STAMP)
	$(BIN)/python -m compileall -q src
	@set -e; for file in tests/benchmarks/test_*.py; do \
		$(BIN)/python -m pytest $$file -q -s -p no:cacheprovider -o addopts=""; done

interop: $(STAMP)
	$(BIN)/python -m pytest -q tests/interop

# The pictures in docs/bilder/ that the README shows, made from examples/ by samrehab's own commands and printed by
# LibreOffice (needs soffice, and pdftoppm/pdftotext from poppler-utils; the font Carlito makes them look as in
# Excel). The master register's picture joins them once merge exists: see the marked place in docs/make_images.py.
docs: $(STAMP)
	$(BIN)/python docs/make_images.py

# Damaged workbooks through every reading command: 5,000 per command in the library (worker processes: an abort,
# a hang or more than 1 GB is seen), 300 per command through the CLI as real processes. `make test` runs a share.
# A failing input is kept in tests/fuzz/found/. See docs/testing.md.
fuzz: $(STAMP)
	SAMREHAB_FUZZ_INPUTS=5000 SAMREHAB_FUZZ_CLI=300 $(BIN)/python -m pytest -q -s -p no:cacheprovider tests/fuzz

# 100 kills at moments spread over each writing command's run, a full disk, a read-only folder, an output that is
# a folder (`make test` runs 10 kills per command).
faults: $(STAMP)
	SAMREHAB_KILLS=100 $(BIN)/python -m pytest -q -s -p no:cacheprovider tests/test_faults.py

# Branch coverage of src/ by `make test` (the CLI processes the tests start are measured too); at least 95 %.
coverage: $(STAMP)
	$(BIN)/python -m pytest -q --cov=samrehab_cli --cov-branch --cov-report=term-missing:skip-covered \
		--cov-fail-under=95

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis out
