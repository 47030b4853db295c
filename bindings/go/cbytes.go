// cbytes.go: passing Go strings and byte slices to C without copying them. The C library copies
// its inputs before it returns and keeps no pointer, so under the cgo rules Go memory (which holds
// no Go pointers) may be passed directly; the `#cgo noescape` lines in each file tell the compiler
// the same, so that such arguments stay on the stack.

package scalodb

/*
#include <stddef.h>
*/
import "C"

import "unsafe"

// strPtr is the address of a string's bytes, or nil for the empty string (which the C ABI
// accepts as NULL with length 0).
func strPtr(s string) unsafe.Pointer {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Pointer(unsafe.StringData(s))
}

// bytesPtr is the address of a slice's bytes, or nil when it is empty.
func bytesPtr(b []byte) unsafe.Pointer {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Pointer(unsafe.SliceData(b))
}

func csize(n int) C.size_t { return C.size_t(n) }

// smallValue is the size of the stack buffer a get copies into in the same cgo call; larger
// values take a second call to be copied and freed.
const smallValue = 512
