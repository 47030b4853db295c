// ttl.go: time-to-live: PutTTL writes a key that expires, Expire and Persist change the expiry of
// an existing key, TTL reads it. Expired keys vanish at once from every read; expiry is an
// absolute time in the log, so it survives restarts.

package scalodb

/*
#include <scalodb.h>
*/
import "C"

import (
	"runtime"
	"time"
)

// NoTTL is what TTL returns for a key that never expires.
const NoTTL time.Duration = -1

func millis(d time.Duration) C.uint64_t {
	if d <= 0 {
		return 0
	}
	return C.uint64_t((d + time.Millisecond - 1) / time.Millisecond)
}

// PutTTL sets key to value, to expire after ttl (rounded up to a millisecond).
func (db *DB) PutTTL(key string, value []byte, ttl time.Duration) error {
	var cerr *C.scalodb_error
	st := C.scalodb_put_with_ttl(db.c, strPtr(key), csize(len(key)), bytesPtr(value), csize(len(value)),
		millis(ttl), &cerr)
	runtime.KeepAlive(db)
	return statusErr(st, cerr)
}

// Expire gives key a time-to-live of ttl from now; false if the key is absent.
func (db *DB) Expire(key string, ttl time.Duration) (bool, error) {
	var applied C.bool
	var cerr *C.scalodb_error
	st := C.scalodb_expire(db.c, strPtr(key), csize(len(key)), millis(ttl), &applied, &cerr)
	runtime.KeepAlive(db)
	return bool(applied), statusErr(st, cerr)
}

// Persist removes the time-to-live of key; false if the key is absent or had none.
func (db *DB) Persist(key string) (bool, error) {
	var applied C.bool
	var cerr *C.scalodb_error
	st := C.scalodb_persist(db.c, strPtr(key), csize(len(key)), &applied, &cerr)
	runtime.KeepAlive(db)
	return bool(applied), statusErr(st, cerr)
}

// TTL returns how long key has left to live, NoTTL if it never expires, or ErrNotFound.
func (db *DB) TTL(key string) (time.Duration, error) {
	var expires C.bool
	var left C.uint64_t
	var cerr *C.scalodb_error
	st := C.scalodb_ttl(db.c, strPtr(key), csize(len(key)), &expires, &left, &cerr)
	runtime.KeepAlive(db)
	switch {
	case st == C.SCALODB_NOT_FOUND:
		return 0, ErrNotFound
	case st != C.SCALODB_OK:
		return 0, failure(st, cerr)
	case !bool(expires):
		return NoTTL, nil
	default:
		return time.Duration(left) * time.Millisecond, nil
	}
}
