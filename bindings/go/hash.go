// hash.go: hashes (Redis's H* commands): a key holding fields with values. An operation on a key
// of another type returns an error wrapping ErrWrongType and changes nothing.

package scalodb

/*
#include "bridge_types.h"
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// HSet sets the fields of the hash at key (created if absent) and returns how many were new
// (HSET). The fields are set atomically.
func (db *DB) HSet(key string, fields map[string][]byte) (int, error) {
	names := make([]string, 0, len(fields))
	values := make([][]byte, 0, len(fields))
	for f, v := range fields {
		names = append(names, f)
		values = append(values, v)
	}
	// Fields first, then values, in one packed array (see sdb_hset).
	p := packStrings(names...)
	pv := packBytes(values)
	p.data = append(p.data, pv.data...)
	p.lens = append(p.lens, pv.lens...)
	var added C.size_t
	var cerr *C.scalodb_error
	st := C.sdb_hset(db.c, strPtr(key), csize(len(key)), p.dataPtr(), p.lensPtr(), C.size_t(len(names)), &added, &cerr)
	runtime.KeepAlive(db)
	runtime.KeepAlive(p)
	if st != C.SCALODB_OK {
		return 0, failure(st, cerr)
	}
	return int(added), nil
}

// HGet returns a copy of the value of field in the hash at key, or ErrNotFound when the field or
// the key is absent (HGET).
func (db *DB) HGet(key, field string) ([]byte, error) {
	var v *C.uint8_t
	var n C.size_t
	var cerr *C.scalodb_error
	st := C.scalodb_hget(db.c, strPtr(key), csize(len(key)), strPtr(field), csize(len(field)), &v, &n, &cerr)
	runtime.KeepAlive(db)
	return takeBuffer(st, cerr, v, n)
}

// takeBuffer finishes a call that returned a buffer of the library (freed here).
func takeBuffer(st C.scalodb_status, cerr *C.scalodb_error, v *C.uint8_t, n C.size_t) ([]byte, error) {
	switch st {
	case C.SCALODB_OK:
		out := C.GoBytes(unsafe.Pointer(v), C.int(n))
		C.scalodb_free(unsafe.Pointer(v))
		return out, nil
	case C.SCALODB_NOT_FOUND:
		return nil, ErrNotFound
	default:
		return nil, failure(st, cerr)
	}
}

// HDel removes fields from the hash at key and returns how many existed (HDEL). A hash left
// without fields is deleted.
func (db *DB) HDel(key string, fields ...string) (int, error) {
	return db.members(C.SDB_HDEL, key, packStrings(fields...))
}

// members runs one of the bridge's sdb_members operations.
func (db *DB) members(op C.int, key string, p packed) (int, error) {
	var n C.size_t
	var cerr *C.scalodb_error
	st := C.sdb_members(op, db.c, strPtr(key), csize(len(key)), p.dataPtr(), p.lensPtr(), C.size_t(len(p.lens)), &n, &cerr)
	runtime.KeepAlive(db)
	runtime.KeepAlive(p)
	if st != C.SCALODB_OK {
		return 0, failure(st, cerr)
	}
	return int(n), nil
}

// HLen returns the number of fields of the hash at key, 0 if absent (HLEN).
func (db *DB) HLen(key string) (int, error) {
	var n C.size_t
	var cerr *C.scalodb_error
	st := C.scalodb_hlen(db.c, strPtr(key), csize(len(key)), &n, &cerr)
	runtime.KeepAlive(db)
	if st != C.SCALODB_OK {
		return 0, failure(st, cerr)
	}
	return int(n), nil
}

// HGetAll returns every field of the hash at key with its value; an empty map if absent
// (HGETALL). The values may be kept: they are the caller's.
func (db *DB) HGetAll(key string) (map[string][]byte, error) {
	var l *C.scalodb_list
	var cerr *C.scalodb_error
	st := C.scalodb_hgetall(db.c, strPtr(key), csize(len(key)), &l, &cerr)
	runtime.KeepAlive(db)
	if st != C.SCALODB_OK {
		return nil, failure(st, cerr)
	}
	out := make(map[string][]byte)
	readList(l, func(f, v []byte, _ float64) { out[string(f)] = v })
	return out, nil
}

// HIncrBy adds delta to the integer in field of the hash at key (absent counts as 0) and returns
// the new value (HINCRBY). A value that is not an integer is ErrWrongType; an overflow is
// ErrInvalidArgument.
func (db *DB) HIncrBy(key, field string, delta int64) (int64, error) {
	var r C.int64_t
	var cerr *C.scalodb_error
	st := C.scalodb_hincrby(db.c, strPtr(key), csize(len(key)), strPtr(field), csize(len(field)), C.int64_t(delta), &r, &cerr)
	runtime.KeepAlive(db)
	if st != C.SCALODB_OK {
		return 0, failure(st, cerr)
	}
	return int64(r), nil
}

// HExists reports whether the hash at key has field; false for an absent key (HEXISTS).
func (db *DB) HExists(key, field string) (bool, error) {
	var ok C.bool
	var cerr *C.scalodb_error
	st := C.scalodb_hexists(db.c, strPtr(key), csize(len(key)), strPtr(field), csize(len(field)), &ok, &cerr)
	runtime.KeepAlive(db)
	if st != C.SCALODB_OK {
		return false, failure(st, cerr)
	}
	return bool(ok), nil
}

// HKeys returns every field of the hash at key, in byte order (HKEYS).
func (db *DB) HKeys(key string) ([]string, error) {
	var l *C.scalodb_list
	var cerr *C.scalodb_error
	st := C.scalodb_hkeys(db.c, strPtr(key), csize(len(key)), &l, &cerr)
	runtime.KeepAlive(db)
	return takeStrings(st, cerr, l)
}

// HVals returns every value of the hash at key, in the byte order of their fields (HVALS).
func (db *DB) HVals(key string) ([][]byte, error) {
	var l *C.scalodb_list
	var cerr *C.scalodb_error
	st := C.scalodb_hvals(db.c, strPtr(key), csize(len(key)), &l, &cerr)
	runtime.KeepAlive(db)
	return takeBytes(st, cerr, l)
}
