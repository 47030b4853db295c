# bindings/go/go.mk: the Go package (bindings/go), included from the root Makefile; paths are
# relative to the repository root.
#
#   make test-go    go vet, go test -race (GODEBUG=cgocheck=1), a module outside the repository
#                   that uses the package through a replace directive, and the RSS tests
#                   (memory_test.go) in a go test without -race (also in `make test`)
#   make bench-go   ScaloDB beside bbolt, badger and pebble (bindings/go/bench), printed as ratios,
#                   and the cost of one cgo call (also in `make bench`)
#
# Both build the static C library first (`make ffi-lib`) and stage it where the package links it
# from on linux/amd64, inside the module (lib/linux_amd64/libscalodb.a, gitignored here; a release
# module carries it, see release/README.md). The module compiles against its own copy of the
# header, include/scalodb.h, which `make ffi-header` writes and `make version-check` compares. Go 1.21 or newer must be installed (1.23 is fetched through the module proxy by
# GOTOOLCHAIN=auto when the installed one is older).

GO ?= go
GO_PKG := bindings/go
GO_ENV := GOTOOLCHAIN=auto CGO_ENABLED=1
GO_BENCHTIME ?= 1s

.PHONY: go-tools go-stage-lib test-go bench-go go-external

go-tools:
	@command -v gcc >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc; }
	@command -v $(GO) >/dev/null 2>&1 || { echo "installing Go from Debian"; apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go; }
	@v=$$($(GO) env GOVERSION | sed 's/^go//'); \
	if [ "$$(printf '%s\n%s\n' 1.21 "$$v" | sort -V | head -n 1)" != 1.21 ]; then \
		echo "bindings/go needs Go 1.21 or newer (found $$v): install it from https://go.dev/dl"; exit 1; fi

go-stage-lib: ffi-lib
	@mkdir -p $(GO_PKG)/lib/linux_amd64
	cp -f $(FFI_LIB)/libscalodb.a $(GO_PKG)/lib/linux_amd64/libscalodb.a

test-go: go-tools go-stage-lib
	cd $(GO_PKG) && $(GO_ENV) $(GO) vet ./...
	cd $(GO_PKG) && $(GO_ENV) GODEBUG=cgocheck=1 $(GO) test -race -count=1 ./...
	cd $(GO_PKG)/bench && $(GO_ENV) $(GO) vet ./...
	$(MAKE) --no-print-directory go-external
	@# The race detector's own memory would be in the RSS numbers: these run without it.
	cd $(GO_PKG) && $(GO_ENV) $(GO) test -count=1 -run '^TestRSS' .

# What the README tells a user outside this repository to do, in a temporary module.
go-external:
	@echo "== a module outside the repository, with a replace directive"
	@tmp=$$(mktemp -d) && trap 'rm -rf $$tmp' EXIT && repo=$$(pwd) && \
	cp $(GO_PKG)/testdata/external/main.go $$tmp/ && cd $$tmp && \
	$(GO_ENV) $(GO) mod init example.com/app >/dev/null 2>&1 && \
	$(GO_ENV) $(GO) mod edit -require=github.com/scalodb/scalodb/bindings/go@v0.0.0 \
		-replace=github.com/scalodb/scalodb/bindings/go=$$repo/$(GO_PKG) && \
	$(GO_ENV) $(GO) mod tidy && \
	$(GO_ENV) $(GO) build -o app . && ./app | grep -q 'hello from an external module' && \
	echo "external module: 1 passed, 0 failed"

# Each Benchmark<Op>/<engine> line becomes "<Op> <engine> ns/op, x times ScaloDB's time".
bench-go: go-tools go-stage-lib
	@echo "== Go: ScaloDB beside bbolt, badger and pebble (on disk, no fsync per write)"
	cd $(GO_PKG)/bench && $(GO_ENV) $(GO) test -run '^$$' -bench . -benchtime $(GO_BENCHTIME) | tee /tmp/scalodb-go-bench.txt
	@awk '/^Benchmark/ { split($$1, p, "/"); op = p[1]; sub(/^Benchmark/, "", op); eng = p[2]; sub(/-[0-9]+$$/, "", eng); \
		ns[op, eng] = $$3; if (!(op in seen)) { seen[op] = 1; ops[++n] = op } \
		if (!(eng in engs)) { engs[eng] = 1; elist[++m] = eng } } \
		END { printf "\n%-8s %-8s %12s %18s\n", "op", "engine", "ns/op", "vs scalodb"; \
		for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) if ((ops[i], elist[j]) in ns) \
			printf "%-8s %-8s %12.0f %17.2fx\n", ops[i], elist[j], ns[ops[i], elist[j]], \
				ns[ops[i], elist[j]] / ns[ops[i], "scalodb"] }' \
		/tmp/scalodb-go-bench.txt
	@echo "== Go: the cost of one cgo call beside the package's cheapest operations (in memory)"
	cd $(GO_PKG) && $(GO_ENV) $(GO) test -run '^$$' -bench . -benchtime $(GO_BENCHTIME) | tee /tmp/scalodb-go-cgo.txt
	@awk '/^BenchmarkCgoRoundTrip/ { c = $$3 } /^BenchmarkMemory/ { name = $$1; sub(/-[0-9]+$$/, "", name); \
		printf "%-26s %10.1f ns/op, of which one cgo call %.1f ns (%.0f%%)\n", name, $$3, c, 100 * c / $$3 }' \
		/tmp/scalodb-go-cgo.txt

EXTRA_TESTS += test-go
EXTRA_BENCHES += bench-go
