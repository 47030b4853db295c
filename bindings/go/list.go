// list.go: lists (Redis's L* commands): a key holding a sequence of elements, pushed and popped
// at either end. Indexes are Redis's: negative ones count from the end (-1 is the last element).
// An operation on a key of another type returns an error wrapping ErrWrongType.

package scalodb

/*
#include "bridge_types.h"
*/
import "C"

import (
	"iter"
	"runtime"
)

// LPush pushes values one by one at the head of the list at key (created if absent), so the last
// value ends first, and returns the new length (LPUSH).
func (db *DB) LPush(key string, values ...[]byte) (int, error) {
	return db.push(key, C.SCALODB_LEFT, values)
}

// RPush pushes values at the tail of the list at key (created if absent) and returns the new
// length (RPUSH).
func (db *DB) RPush(key string, values ...[]byte) (int, error) {
	return db.push(key, C.SCALODB_RIGHT, values)
}

func (db *DB) push(key string, end C.int32_t, values [][]byte) (int, error) {
	p := packBytes(values)
	var n C.size_t
	var cerr *C.scalodb_error
	st := C.sdb_push(db.c, strPtr(key), csize(len(key)), end, p.dataPtr(), p.lensPtr(), C.size_t(len(values)), &n, &cerr)
	runtime.KeepAlive(db)
	runtime.KeepAlive(p)
	if st != C.SCALODB_OK {
		return 0, failure(st, cerr)
	}
	return int(n), nil
}

// LPop removes and returns up to count elements from the head of the list at key, in the order
// popped; none (and a nil error) if the key is absent (LPOP with a count).
func (db *DB) LPop(key string, count int) ([][]byte, error) {
	return db.pop(key, C.SCALODB_LEFT, count)
}

// RPop removes and returns up to count elements from the tail, the last first (RPOP).
func (db *DB) RPop(key string, count int) ([][]byte, error) {
	return db.pop(key, C.SCALODB_RIGHT, count)
}

func (db *DB) pop(key string, end C.int32_t, count int) ([][]byte, error) {
	n, err := countArg(count)
	if err != nil {
		return nil, err
	}
	var l *C.scalodb_list
	var cerr *C.scalodb_error
	st := C.scalodb_pop(db.c, strPtr(key), csize(len(key)), end, n, &l, &cerr)
	runtime.KeepAlive(db)
	return takeBytes(st, cerr, l)
}

// LLen returns the length of the list at key, 0 if absent (LLEN).
func (db *DB) LLen(key string) (int, error) {
	var n C.size_t
	var cerr *C.scalodb_error
	st := C.scalodb_llen(db.c, strPtr(key), csize(len(key)), &n, &cerr)
	runtime.KeepAlive(db)
	if st != C.SCALODB_OK {
		return 0, failure(st, cerr)
	}
	return int(n), nil
}

// LRange returns the elements from index start to stop, both included, of the list at key
// (LRANGE: 0, -1 is the whole list; indexes past the ends are clamped).
func (db *DB) LRange(key string, start, stop int64) ([][]byte, error) {
	var l *C.scalodb_list
	var cerr *C.scalodb_error
	st := C.scalodb_lrange(db.c, strPtr(key), csize(len(key)), C.int64_t(start), C.int64_t(stop), &l, &cerr)
	runtime.KeepAlive(db)
	return takeBytes(st, cerr, l)
}

// LRangeSeq is LRange as an iterator over (position in the result, element), like slices.All of
// its result: `seq, err := db.LRangeSeq("q", 0, -1); for i, v := range seq { ... }`. The range
// is read when LRangeSeq is called, as one consistent version, so that an error (ErrWrongType,
// ErrClosed) is returned here rather than lost inside the loop.
func (db *DB) LRangeSeq(key string, start, stop int64) (iter.Seq2[int, []byte], error) {
	values, err := db.LRange(key, start, stop)
	if err != nil {
		return nil, err
	}
	return func(yield func(int, []byte) bool) {
		for i, v := range values {
			if !yield(i, v) {
				return
			}
		}
	}, nil
}

// LIndex returns a copy of the element at index of the list at key, or ErrNotFound when the index
// is outside the list or the key is absent (LINDEX).
func (db *DB) LIndex(key string, index int64) ([]byte, error) {
	var v *C.uint8_t
	var n C.size_t
	var cerr *C.scalodb_error
	st := C.scalodb_lindex(db.c, strPtr(key), csize(len(key)), C.int64_t(index), &v, &n, &cerr)
	runtime.KeepAlive(db)
	return takeBuffer(st, cerr, v, n)
}

// LSet sets the element at index of the list at key (LSET). An absent key or an index outside the
// list is ErrInvalidArgument.
func (db *DB) LSet(key string, index int64, value []byte) error {
	var cerr *C.scalodb_error
	st := C.scalodb_lset(db.c, strPtr(key), csize(len(key)), C.int64_t(index), bytesPtr(value), csize(len(value)), &cerr)
	runtime.KeepAlive(db)
	runtime.KeepAlive(value)
	return statusErr(st, cerr)
}

// LTrim keeps only the elements from index start to stop, both included, of the list at key
// (LTRIM); an empty range deletes the key.
func (db *DB) LTrim(key string, start, stop int64) error {
	var cerr *C.scalodb_error
	st := C.scalodb_ltrim(db.c, strPtr(key), csize(len(key)), C.int64_t(start), C.int64_t(stop), &cerr)
	runtime.KeepAlive(db)
	return statusErr(st, cerr)
}

// LRem removes elements equal to value from the list at key and returns how many (LREM): the
// first count from the head if count > 0, the last -count if count < 0, all if 0.
func (db *DB) LRem(key string, count int64, value []byte) (int, error) {
	var n C.size_t
	var cerr *C.scalodb_error
	st := C.scalodb_lrem(db.c, strPtr(key), csize(len(key)), C.int64_t(count), bytesPtr(value), csize(len(value)), &n, &cerr)
	runtime.KeepAlive(db)
	runtime.KeepAlive(value)
	if st != C.SCALODB_OK {
		return 0, failure(st, cerr)
	}
	return int(n), nil
}

// End is an end of a list, for LMove.
type End int

const (
	Left  End = iota // the head
	Right            // the tail
)

// LMove pops an element from the from end of the list at src, pushes it at the to end of the
// list at dst, in one atomic step, and returns it (LMOVE; src may be dst, a rotation). An absent
// src is ErrNotFound.
func (db *DB) LMove(src, dst string, from, to End) ([]byte, error) {
	var v *C.uint8_t
	var n C.size_t
	var cerr *C.scalodb_error
	st := C.scalodb_lmove(db.c, strPtr(src), csize(len(src)), strPtr(dst), csize(len(dst)), C.int32_t(from), C.int32_t(to),
		&v, &n, &cerr)
	runtime.KeepAlive(db)
	return takeBuffer(st, cerr, v, n)
}
