//go:build !scalodb_system

// link_local.go: how the package finds the C library by default: the static libscalodb.a that
// `make ffi-lib` stages in ffi/build/lib of this repository, linked into the Go program (no
// shared library to ship). Build with -tags scalodb_system to use an installed copy instead
// (link_system.go).

package scalodb

// #cgo CFLAGS: -I${SRCDIR}/../../include
// #cgo LDFLAGS: ${SRCDIR}/../../ffi/build/lib/libscalodb.a -lpthread -ldl -lm
import "C"
