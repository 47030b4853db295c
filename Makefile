# ScaloDB: `make run` starts the main program on its defaults; `make test` builds everything and
# runs every test suite. Both install what they need.

CARGO ?= cargo
KILL_ROUNDS ?= 30
# The crates users build, and with them the crash tests.
USER_PACKAGES := -p scalodb -p scalodb-server -p scalodb-cli
RUST_PACKAGES := $(USER_PACKAGES) -p scalodb-crash-tests

.PHONY: all build run test test-rust test-loom lint fmt soak bench clean check-tools

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
  server/tests/blackbox/server.mk server/tests/scale/scale.mk fuzz/fuzz.mk tests/powercut/powercut.mk \
  release/release.mk

test: lint test-rust test-loom $(EXTRA_TESTS)

# `make install PREFIX=...` also installs the scalodb command, its man page and its bash, zsh and
# fish completions, generated from the clap definitions by the hidden `man` and `completions`
# subcommands (the C library's half is in ffi/ffi.mk).
CLI_BIN = $${CARGO_TARGET_DIR:-$(CURDIR)/target}/release/scalodb
SHARE = $(DESTDIR)$(PREFIX)/share
.PHONY: install-cli
install: install-cli
install-cli: check-tools
	$(CARGO) build --release -p scalodb-cli
	install -d $(DESTDIR)$(PREFIX)/bin $(SHARE)/man/man1 $(SHARE)/bash-completion/completions \
	  $(SHARE)/zsh/site-functions $(SHARE)/fish/vendor_completions.d
	install -m 0755 $(CLI_BIN) $(DESTDIR)$(PREFIX)/bin/scalodb
	$(CLI_BIN) man > $(SHARE)/man/man1/scalodb.1
	$(CLI_BIN) completions bash > $(SHARE)/bash-completion/completions/scalodb
	$(CLI_BIN) completions zsh > $(SHARE)/zsh/site-functions/_scalodb
	$(CLI_BIN) completions fish > $(SHARE)/fish/vendor_completions.d/scalodb.fish

# Three cargo invocations, because cargo unifies features within one: the crates as users build
# them (no test machinery compiled in: `failpoints_off.rs` checks that SCALODB_FAILPOINTS is
# ignored), then the engine tests that need its `failpoints` and `fuzzing` features, then the
# crash tests (whose child process enables failpoints).
test-rust: check-tools
	$(CARGO) test $(USER_PACKAGES)
	$(CARGO) test -p scalodb --features failpoints,fuzzing --lib --test io_faults --test checkpoint_faults \
	  --test fuzz_corpus
	$(CARGO) test -p scalodb-server --features fuzzing --test fuzz_corpus
	$(CARGO) test -p scalodb-bench-charts
	KILL_ROUNDS=$(KILL_ROUNDS) $(CARGO) test -p scalodb-crash-tests

# The loom model of the read-view handshake (core/src/readers.rs): every interleaving of a view
# registering while the writer publishes and trims. Its own target directory: --cfg loom swaps
# the atomics of that file for loom's.
test-loom: check-tools
	RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=$${CARGO_TARGET_DIR:-$(CURDIR)/target}/loom \
	  $(CARGO) test -p scalodb --no-default-features --release --lib readers::loom_model

# The engine on its own (no server, no test machinery), the engine with its test features, then
# every crate of the workspace, every target.
lint: check-tools
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy -p scalodb --all-targets -- -D warnings
	$(CARGO) clippy -p scalodb --all-targets --features failpoints,fuzzing -- -D warnings
	$(CARGO) clippy --workspace --all-targets --features scalodb-server/fuzzing -- -D warnings

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
