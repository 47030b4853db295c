#!/usr/bin/env bash
# check-go.sh: the Go module in dist/goproxy as a Go user fetches it. In an empty module with a
# fresh HOME, GOPATH, GOMODCACHE and GOCACHE, no cargo/rustc on PATH, go's environment file off
# and GOPROXY=file://.../dist/goproxy (so nothing else can be reached), GOSUMDB=off,
# GOFLAGS=-mod=mod, CGO_ENABLED=1: `go get` the module at vVERSION, build and run the
# repository's external example program, check that the binary needs no libscalodb; then the
# same with `go mod vendor` and -mod=vendor. A build for a platform without a prebuilt library
# must fail naming the scalodb_system tag.
set -euo pipefail
source "$(dirname "$0")/common.sh"

if [ -z "${REL_INSIDE:-}" ]; then
    clean_workdir go
    p=$(clean_path go gcc cc ldd)
    in_clean_env "$p" REL_INSIDE=1 WORK="$WORK" DIST="$DIST" GOPATH="$WORK/gopath" GOMODCACHE="$WORK/modcache" \
        GOCACHE="$WORK/gocache" GOPROXY="file://$DIST/goproxy" GOSUMDB=off GOFLAGS=-mod=mod CGO_ENABLED=1 bash "$0"
    exit
fi

mkdir -p "$WORK/app" && cd "$WORK/app"
check "no cargo or rustc on PATH" no_rust
cp "$REPO/bindings/go/testdata/external/main.go" .
get() { go mod init example.com/app >/dev/null 2>&1 && go get "$GO_MODULE@v$VERSION" >"$WORK/get.log" 2>&1 || { cat "$WORK/get.log"; return 1; }; }
check "go mod init; go get $GO_MODULE@v$VERSION from the file:// proxy" get
shipped() { [ -f "$GOMODCACHE/$GO_MODULE@v$VERSION/lib/linux_amd64/libscalodb.a" ] && cmp -s "$GOMODCACHE/$GO_MODULE@v$VERSION/include/scalodb.h" "$REPO/include/scalodb.h"; }
check "the module carries lib/linux_amd64/libscalodb.a and the header" shipped

run_app() {
    "$1" >"$WORK/run.out" && cat "$WORK/run.out" && grep -qx "hello from an external module (scalodb $VERSION)" "$WORK/run.out" &&
        ! ldd "$1" | grep -q libscalodb
}
build_mod() { go build -o app-mod . && run_app ./app-mod; }
check "go build, run (version $VERSION), ldd shows no libscalodb" build_mod

vendored() {
    go mod vendor && [ -f "vendor/$GO_MODULE/lib/linux_amd64/libscalodb.a" ] && [ -f "vendor/$GO_MODULE/include/scalodb.h" ] &&
        go build -mod=vendor -o app-vendor . && run_app ./app-vendor
}
check "go mod vendor (the library and header vendored), go build -mod=vendor, run" vendored

elsewhere() {
    ! GOOS=darwin GOARCH=arm64 CGO_ENABLED=0 go build -mod=vendor -o /dev/null . 2>"$WORK/darwin.err" &&
        grep -q 'scalodb_system' "$WORK/darwin.err" || { cat "$WORK/darwin.err"; return 1; }
}
check "a build for darwin/arm64 fails with a message naming the scalodb_system tag" elsewhere

tally "dist-check Go"
