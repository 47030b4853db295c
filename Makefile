# ScaloDB: `make run` starts the main program on its defaults; `make test` builds everything and
# runs every test suite. Both install what they need.

CARGO ?= cargo
KILL_ROUNDS ?= 30
RUST_PACKAGES := -p scalodb -p scalodb-server -p scalodb-cli -p scalodb-crash-tests
# The server's hidden fuzz body, so that its corpus replay test (server/tests/fuzz_corpus.rs) runs.
RUST_FEATURES := --features scalodb-server/fuzzing

.PHONY: all build run test test-rust lint fmt soak bench clean check-tools

all: build

check-tools:
	@command -v $(CARGO) >/dev/null || { echo "cargo is missing: install Rust from https://rustup.rs"; exit 1; }

build: check-tools
	$(CARGO) build --release $(RUST_PACKAGES)

run: check-tools
	$(CARGO) run --release -p scalodb-cli -- serve --dir scalodb-data

# Each binding folder adds its own targets and appends them to EXTRA_TESTS / EXTRA_BENCHES.
EXTRA_TESTS :=
EXTRA_BENCHES :=
# `include`, not `-include`: a renamed or missing file must stop the build, not drop its suite.
include bench/bench.mk ffi/ffi.mk bindings/python/python.mk bindings/node/node.mk bindings/go/go.mk \
  server/tests/blackbox/server.mk server/tests/scale/scale.mk fuzz/fuzz.mk tests/powercut/powercut.mk

test: lint test-rust $(EXTRA_TESTS)

test-rust: check-tools
	KILL_ROUNDS=$(KILL_ROUNDS) $(CARGO) test $(RUST_PACKAGES) $(RUST_FEATURES)

lint: check-tools
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy $(RUST_PACKAGES) $(RUST_FEATURES) --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

# The kill test for 1000 rounds, 10 minutes of mixed load, `scalodb serve` under 500 connections
# for 3 minutes (override with SOAK_SECONDS, SOAK_SERVER_SECONDS, SOAK_CONNECTIONS), and 500
# power-cut rounds per sync mode (soak-powercut). `make test` runs the two soaks for 20 s each
# and 20 power-cut rounds per mode.
soak: check-tools soak-powercut
	$(CARGO) build --release -p scalodb-cli
	KILL_ROUNDS=1000 $(CARGO) test --release -p scalodb-crash-tests --test kill -- --nocapture
	SOAK_SECONDS=$${SOAK_SECONDS:-600} $(CARGO) test --release -p scalodb-crash-tests --test soak_mixed -- --nocapture
	SOAK_SERVER_SECONDS=$${SOAK_SERVER_SECONDS:-180} SOAK_CONNECTIONS=$${SOAK_CONNECTIONS:-500} \
	  $(CARGO) test --release -p scalodb-crash-tests --test soak_server -- --nocapture

bench: check-tools bench-rust $(EXTRA_BENCHES)

bench-rust: bench-tools
	$(BENCH_ROCKSDB_ENV) $(CARGO) run --release -p scalodb-bench $(BENCH_FEATURES) -- $(BENCH_ARGS)

clean:
	$(CARGO) clean
	rm -rf scalodb-data
