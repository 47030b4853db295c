# The Node package (bindings/node), included from the root Makefile; paths are relative to the
# repository root. `make test-node` installs the package's dev tools from the lock file, builds
# the addon once (release) with the napi-rs CLI, checks that the committed loader and typings are
# what the build generates, and runs the node --test suite. `make bench-node` adds lmdb and
# classic-level (bench/package.json) and runs the comparison; NODE_BENCH_N sets the key count.

NODE_PKG := bindings/node
NODE_BENCH_N ?= 1000000

.PHONY: node-deps node-build test-node bench-node

node-deps:
	@command -v node >/dev/null && command -v npm >/dev/null || { apt-get update && apt-get install -y nodejs npm; }
	cd $(NODE_PKG) && npm ci --no-audit --no-fund

node-build: node-deps
	cd $(NODE_PKG) && npm run build

test-node: node-build
	@# A build that changes the committed index.js / index.d.ts means they were not regenerated.
	@if git -C $(NODE_PKG) rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		git -C $(NODE_PKG) diff --exit-code -- index.js index.d.ts || \
		{ echo "bindings/node: index.js or index.d.ts is stale: commit the files the build generated"; exit 1; }; \
	fi
	cd $(NODE_PKG) && npm test

bench-node: node-build
	cd $(NODE_PKG)/bench && { npm ci --no-audit --no-fund || echo "bench-node: installing lmdb/classic-level failed; they will be skipped"; }
	cd $(NODE_PKG) && node bench/bench.mjs $(NODE_BENCH_N)

EXTRA_TESTS += test-node
EXTRA_BENCHES += bench-node
