//go:build !scalodb_system && !(linux && amd64)

// link_unsupported.go: the module carries a prebuilt library for linux/amd64 only. Anywhere else
// the build stops here, and the compiler's message is the identifier below: build ScaloDB's C
// library (`make install` in the repository), then build with -tags scalodb_system.

package scalodb

var _ = no_prebuilt_scalodb_library_for_this_platform__install_libscalodb_and_build_with_tags_scalodb_system
