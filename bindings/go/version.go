// version.go: the version of the C library the package runs with, and the bare cgo round trip
// that the benchmarks measure as the fixed cost of one call into the library.

package scalodb

/*
#cgo noescape scalodb_value_len
#cgo nocallback scalodb_value_len
#include <scalodb.h>
*/
import "C"

// ModuleVersion is the version of this Go module, the release it belongs to (`make version-check`
// holds it equal to the workspace version). The library the module ships reports the same.
const ModuleVersion = "0.1.0"

// Version is the version of the ScaloDB library linked into the program ("0.1.0").
func Version() string { return C.GoString(C.scalodb_version()) }

// cgoRoundTrip makes the cheapest call into the library (it returns 0 at once): what one cgo
// transition costs, apart from any work.
func cgoRoundTrip() int { return int(C.scalodb_value_len(nil)) }
