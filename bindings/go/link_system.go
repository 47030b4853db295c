//go:build scalodb_system

// link_system.go: with -tags scalodb_system the package links the ScaloDB C library installed on
// the system (`make install PREFIX=...` or a release archive), found through pkg-config's
// scalodb.pc. Set PKG_CONFIG_PATH when it is not in a standard place.

package scalodb

// #cgo pkg-config: scalodb
import "C"
