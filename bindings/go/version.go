// version.go: the version of the C library the package runs with, and the bare cgo round trip
// that the benchmarks measure as the fixed cost of one call into the library.

package scalodb

/*
#cgo noescape scalodb_value_len
#cgo nocallback scalodb_value_len
#include <scalodb.h>
*/
import "C"

// Version is the version of the ScaloDB library linked into the program ("0.1.0").
func Version() string { return C.GoString(C.scalodb_version()) }

// cgoRoundTrip makes the cheapest call into the library (it returns 0 at once): what one cgo
// transition costs, apart from any work.
func cgoRoundTrip() int { return int(C.scalodb_value_len(nil)) }
