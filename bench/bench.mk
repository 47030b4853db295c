# bench/bench.mk, included by the root Makefile: what `make bench` needs besides cargo.
#
# The benchmark's RocksDB peer (cargo feature `rocksdb` of scalodb-bench) links Debian's
# librocksdb-dev (7.8.3 on Debian 12) instead of compiling RocksDB's C++, which takes 35-60
# minutes on 2 cores: with ROCKSDB_LIB_DIR set, librocksdb-sys links librocksdb.so from that
# directory (Debian's library brings its own snappy, lz4, zstd, zlib and bzip2, so the crate's
# compression features stay off), and it generates its bindings with bindgen, which needs
# libclang, from the headers in ROCKSDB_INCLUDE_DIR. Never build scalodb-bench with
# `--features rocksdb` without these two variables.

BENCH_MULTIARCH ?= $(shell gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
BENCH_ROCKSDB_ENV := ROCKSDB_LIB_DIR=/usr/lib/$(BENCH_MULTIARCH) ROCKSDB_INCLUDE_DIR=/usr/include
BENCH_FEATURES := --features rocksdb
BENCH_DEBS := librocksdb-dev libclang-dev

.PHONY: bench-tools bench-check

# Installs the Debian packages above when any is missing (we run as root on Debian).
bench-tools:
	@missing=$$(for p in $(BENCH_DEBS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "bench-tools: installing" $$missing; \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	fi

# Lints and tests the benchmark with the RocksDB peer, linked as above.
bench-check: bench-tools
	$(BENCH_ROCKSDB_ENV) $(CARGO) clippy -p scalodb-bench --all-targets $(BENCH_FEATURES) -- -D warnings
	$(BENCH_ROCKSDB_ENV) $(CARGO) test --release -p scalodb-bench $(BENCH_FEATURES)
