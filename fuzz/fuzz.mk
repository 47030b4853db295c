# Fuzzing (cargo-fuzz on nightly) and ThreadSanitizer runs. Included by the root Makefile.
#
#   make fuzz              every target for FUZZ_SECONDS (default 600) each, one after another
#   make fuzz-wal_segment  one target (also fuzz-checkpoint_file, fuzz-resp_requests, fuzz-ops_sequence)
#   make fuzz-minimize     shrink what the runs found into the committed corpus (fuzz/corpus/)
#   make fuzz-replay       replay the committed corpus on stable (make test already does: the
#                          fuzz_corpus tests of scalodb and scalodb-server, so this is not in
#                          EXTRA_TESTS)
#   make check-tsan        the concurrency tests under ThreadSanitizer (nightly, build-std: about
#                          7 min the first time, mostly building std, 3 min after; not part of
#                          make test)
#
# New inputs go to fuzz/work/<target>/ (not committed); crashes to fuzz/artifacts/<target>/.

FUZZ_DIR := fuzz
FUZZ_TARGETS := wal_segment checkpoint_file resp_requests ops_sequence
FUZZ_SECONDS ?= 600
NIGHTLY ?= +nightly
FUZZ_TARGET_DIR ?= $(CURDIR)/target/fuzz
TSAN_TARGET_DIR ?= $(CURDIR)/target/tsan
HOST_TRIPLE := $(shell rustc -vV 2>/dev/null | sed -n 's/^host: //p')
# The engine fsyncs; on a tmpfs that costs nothing, which keeps executions per second up.
FUZZ_TMPDIR ?= $(shell test -d /dev/shm && echo /dev/shm || echo /tmp)
# A length field that is trusted before it is checked shows up as a huge malloc: fail on it.
FUZZ_FLAGS ?= -max_total_time=$(FUZZ_SECONDS) -malloc_limit_mb=256 -rss_limit_mb=2048 -max_len=4096 \
	-print_final_stats=1

.PHONY: fuzz fuzz-tools fuzz-replay fuzz-minimize check-tsan $(addprefix fuzz-,$(FUZZ_TARGETS))

fuzz-tools: check-tools
	@$(CARGO) $(NIGHTLY) --version >/dev/null 2>&1 || { echo "fuzzing needs nightly: rustup toolchain install nightly"; exit 1; }
	@$(CARGO) fuzz --version >/dev/null 2>&1 || $(CARGO) install cargo-fuzz

fuzz: $(addprefix fuzz-,$(FUZZ_TARGETS))

$(addprefix fuzz-,$(FUZZ_TARGETS)): fuzz-%: fuzz-tools
	mkdir -p $(FUZZ_DIR)/work/$*
	cd $(FUZZ_DIR) && TMPDIR=$(FUZZ_TMPDIR) $(CARGO) $(NIGHTLY) fuzz run --target-dir $(FUZZ_TARGET_DIR) \
		$* work/$* corpus/$* -- $(FUZZ_FLAGS)

# Shrinks the committed corpus plus what the runs found to at most FUZZ_CORPUS_MAX inputs per
# target: libFuzzer's set-cover merge first, then fuzz/minimize.py keeps the inputs that add the
# most coverage (40 inputs keep about 96% of the features of the full corpus).
FUZZ_CORPUS_MAX ?= 40
FUZZ_BIN = $(FUZZ_TARGET_DIR)/$(HOST_TRIPLE)/release
fuzz-minimize: fuzz-tools
	cd $(FUZZ_DIR) && $(CARGO) $(NIGHTLY) fuzz build --target-dir $(FUZZ_TARGET_DIR)
	cd $(FUZZ_DIR) && for t in $(FUZZ_TARGETS); do \
		rm -rf min/$$t && mkdir -p min/$$t work/$$t && \
		TMPDIR=$(FUZZ_TMPDIR) $(FUZZ_BIN)/$$t -set_cover_merge=1 -use_counters=0 -malloc_limit_mb=256 \
			-max_len=4096 min/$$t corpus/$$t work/$$t && \
		rm -rf corpus/$$t && TMPDIR=$(FUZZ_TMPDIR) python3 minimize.py $(FUZZ_BIN)/$$t min/$$t corpus/$$t \
			$(FUZZ_CORPUS_MAX) || exit 1; \
	done; rm -rf min

fuzz-replay: check-tools
	$(CARGO) test -p scalodb --features fuzzing --test fuzz_corpus
	$(CARGO) test -p scalodb-server --features fuzzing --test fuzz_corpus

# ThreadSanitizer needs std instrumented too (-Zbuild-std). crossbeam-epoch sees the sanitizer and
# replaces the fences TSan cannot model with acquire loads (its build script sets
# crossbeam_sanitize_thread); --cfg crossbeam_sanitize makes it collect garbage in bags of 4 instead
# of 64, so memory is freed soon after it is retired and a reader still using it gets reported.
check-tsan: check-tools
	@$(CARGO) $(NIGHTLY) --version >/dev/null 2>&1 || { echo "check-tsan needs nightly: rustup toolchain install nightly"; exit 1; }
	@rustup component list --toolchain nightly --installed | grep -q rust-src || rustup component add rust-src --toolchain nightly
	RUSTFLAGS="-Zsanitizer=thread --cfg crossbeam_sanitize" \
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$(CURDIR)/$(FUZZ_DIR)/tsan.supp" \
	TMPDIR=$(FUZZ_TMPDIR) \
	$(CARGO) $(NIGHTLY) test -Zbuild-std --target $(HOST_TRIPLE) --target-dir $(TSAN_TARGET_DIR) -p scalodb \
		--lib --test tsan_concurrency --test concurrency --test transactions --test eviction --test ttl \
		-- --test-threads=1
