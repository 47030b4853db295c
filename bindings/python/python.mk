# The Python package (bindings/python): included from the root Makefile, so paths are relative
# to the repository root. `make test-python` builds the manylinux wheel once, installs it into
# bindings/python/.venv, runs mypy and pytest, then checks both ways of installing into a clean
# venv. `make bench-python` compares ScaloDB with py-lmdb, rocksdict, sqlite3 and a dict.

PY_DIR := bindings/python
PY_VENV := $(PY_DIR)/.venv
PY := $(PY_VENV)/bin/python
PY_BENCH_ARGS ?=

.PHONY: test-python bench-python python-venv python-wheel

# Debian ships venv without ensurepip unless python3-venv is installed.
python-venv:
	@test -x $(PY) || python3 -m venv $(PY_VENV) || { \
	  rm -rf $(PY_VENV); apt-get update && apt-get install -y python3-venv && python3 -m venv $(PY_VENV); }
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r $(PY_DIR)/requirements-dev.txt

# One release build, reused by the tests, the bench and the clean-venv wheel check.
python-wheel: python-venv
	rm -rf $(PY_DIR)/dist
	$(PY_VENV)/bin/maturin build --release --manifest-path $(PY_DIR)/Cargo.toml --out $(PY_DIR)/dist
	$(PY) -m pip install -q --force-reinstall --no-deps $(PY_DIR)/dist/scalodb-*.whl

test-python: python-wheel
	$(CARGO) fmt -p scalodb-python -- --check
	$(CARGO) clippy -p scalodb-python --all-targets --no-deps -- -D warnings
	cd $(PY_DIR) && .venv/bin/python -m mypy python/scalodb tests bench
	cd $(PY_DIR) && .venv/bin/python -m pytest -q
	bash $(PY_DIR)/scripts/check_install.sh

bench-python: python-wheel
	$(PY) -m pip install -q -r $(PY_DIR)/requirements-bench.txt
	@# rocksdict has wheels for common platforms only; bench.py reports it as skipped if absent.
	-$(PY) -m pip install -q rocksdict
	$(PY) $(PY_DIR)/bench/bench.py $(PY_BENCH_ARGS)

EXTRA_TESTS += test-python
EXTRA_BENCHES += bench-python
