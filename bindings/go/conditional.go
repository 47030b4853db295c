// conditional.go: writes that depend on what is stored, each atomic: PutIfAbsent,
// CompareAndSwap and Increment.

package scalodb

/*
#include <scalodb.h>
*/
import "C"

import "runtime"

// PutIfAbsent sets key to value only if it holds no value, and reports whether it did.
func (db *DB) PutIfAbsent(key string, value []byte) (bool, error) {
	var written C.bool
	var cerr *C.scalodb_error
	st := C.scalodb_put_if_absent(db.c, strPtr(key), csize(len(key)), bytesPtr(value), csize(len(value)),
		&written, &cerr)
	runtime.KeepAlive(db)
	return bool(written), statusErr(st, cerr)
}

// CompareAndSwap sets key to new if its value is old, atomically, and reports whether it did.
// A nil old means "key must be absent"; a nil new deletes the key. An empty non-nil slice is the
// empty value, which is not the same as absent.
func (db *DB) CompareAndSwap(key string, old, new []byte) (bool, error) {
	var swapped C.bool
	var cerr *C.scalodb_error
	st := C.scalodb_compare_and_swap(db.c, strPtr(key), csize(len(key)),
		bytesPtr(old), csize(len(old)), C.bool(old != nil),
		bytesPtr(new), csize(len(new)), C.bool(new != nil),
		&swapped, nil, nil, &cerr)
	runtime.KeepAlive(db)
	return bool(swapped), statusErr(st, cerr)
}

// Increment adds delta to the integer stored at key as decimal text (a missing key counts as 0)
// and returns the new value. ErrWrongType if the value is not an integer; the key keeps its
// time-to-live.
func (db *DB) Increment(key string, delta int64) (int64, error) {
	var n C.int64_t
	var cerr *C.scalodb_error
	st := C.scalodb_increment(db.c, strPtr(key), csize(len(key)), C.int64_t(delta), &n, &cerr)
	runtime.KeepAlive(db)
	return int64(n), statusErr(st, cerr)
}
