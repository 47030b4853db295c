//go:build linux && amd64 && !scalodb_system

// link_linux_amd64.go: on linux/amd64 the package links the prebuilt static library that ships
// inside the module (lib/linux_amd64/libscalodb.a, built for glibc 2.17 and later) and compiles
// against the header copied beside it (include/scalodb.h), so `go get` is all a user needs: no
// Rust, no installed C library. In this repository `make test-go` stages the freshly built
// library into that path; a release commit adds it (release/dist-go.sh). Build with
// -tags scalodb_system to link an installed copy instead (link_system.go).

package scalodb

// #cgo CFLAGS: -I${SRCDIR}/include
// #cgo LDFLAGS: ${SRCDIR}/lib/linux_amd64/libscalodb.a -lpthread -ldl -lm
import "C"

// The two folders are packages only so that `go mod vendor` copies them (it copies the folders
// of imported packages, and nothing else).
import (
	_ "github.com/scalodb/scalodb/bindings/go/include"
	_ "github.com/scalodb/scalodb/bindings/go/lib/linux_amd64"
)
