# Black-box tests of `scalodb serve` with redis-cli, redis-benchmark, redis-py and RQ, its memory under
# pipelined writes (memory.sh), and the comparisons against redis-server: redis-benchmark on strings
# (bench.sh), and redis-benchmark on lists, sets, hashes and sorted sets with the memory of large and
# small collections (bench_types.sh). Included by the root Makefile.

SERVER_TESTS_DIR := server/tests/blackbox
SERVER_VENV := $(SERVER_TESTS_DIR)/.venv

.PHONY: test-server bench-server server-tools server-venv ops-tools

# Debian's redis-tools gives redis-cli and redis-benchmark.
server-tools:
	@command -v redis-cli >/dev/null && command -v redis-benchmark >/dev/null || { \
	  apt-get install -y redis-tools || { apt-get update && apt-get install -y redis-tools; }; }

# Debian's prometheus gives prometheus and promtool, for the /metrics tests in test_operations.py.
ops-tools:
	@command -v promtool >/dev/null && command -v prometheus >/dev/null || { \
	  apt-get install -y prometheus || { apt-get update && apt-get install -y prometheus; }; }

# RQ for test_job_queue.py, pinned to 1.11.1: the newest release that runs without streams and
# without Lua, neither of which ScaloDB has. From 1.12 on RQ stores every result with XADD (and
# reads it with XREVRANGE) on a server that says it is Redis >= 5, and from 2.11 on its scheduler
# takes its lock with EVALSHA. 1.11.1 asks for redis>=3.5, so redis-py 5 (pinned above) serves it.
RQ_VERSION := 1.11.1

server-venv:
	@test -x $(SERVER_VENV)/bin/python || python3 -m venv $(SERVER_VENV)
	@$(SERVER_VENV)/bin/python -c 'import redis' 2>/dev/null || $(SERVER_VENV)/bin/pip install -q 'redis>=5,<6'
	@$(SERVER_VENV)/bin/python -c 'import sys, rq; sys.exit(rq.__version__ != "$(RQ_VERSION)")' 2>/dev/null || \
	  $(SERVER_VENV)/bin/pip install -q 'redis>=5,<6' 'rq==$(RQ_VERSION)'

test-server: check-tools server-tools server-venv ops-tools
	$(CARGO) build --release -p scalodb-cli
	CARGO="$(CARGO)" PYTHON=$(SERVER_VENV)/bin/python $(SERVER_TESTS_DIR)/run_tests.sh
	$(SERVER_TESTS_DIR)/memory.sh

bench-server: check-tools server-tools
	$(CARGO) build --release -p scalodb-cli
	CARGO="$(CARGO)" $(SERVER_TESTS_DIR)/bench.sh
	CARGO="$(CARGO)" $(SERVER_TESTS_DIR)/bench_types.sh

EXTRA_TESTS += test-server
EXTRA_BENCHES += bench-server
