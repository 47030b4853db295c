// scan.go: ordered reads of many keys: Scan (everything, as a map, as the original package did)
// and the Go 1.23 iterators ScanPrefix, Range and their Reverse forms. Entries are copied out of
// the library in chunks, one cgo call per chunk rather than per entry.

package scalodb

/*
#cgo noescape sdb_fill
#cgo nocallback sdb_fill
#include "bridge.h"
*/
import "C"

import (
	"encoding/binary"
	"iter"
	"runtime"
	"unsafe"
)

const (
	firstChunk = 4 << 10
	maxChunk   = 64 << 10
)

// drain yields the entries of it (freeing it at the end) until yield returns false, the entries
// run out or an error occurs, which it returns. Keys and values point into a chunk that is never
// written again, so the caller may keep them: one kept value keeps its chunk (at most 64 KiB, or
// one entry if larger) alive.
func drain(it *C.scalodb_iterator, reverse bool, yield func(string, []byte) bool) error {
	defer C.scalodb_iterator_free(it)
	var cur C.sdb_cursor
	back := C.int(0)
	if reverse {
		back = 1
	}
	size := firstChunk
	for {
		chunk := make([]byte, size)
		var used, count, need C.size_t
		var cerr *C.scalodb_error
		st := C.sdb_fill(it, back, &cur, (*C.uint8_t)(unsafe.Pointer(&chunk[0])), C.size_t(size),
			&used, &count, &need, &cerr)
		if need > 0 {
			size = max(int(need), size*2)
			continue
		}
		off := 0
		for range int(count) {
			kl := int(binary.NativeEndian.Uint32(chunk[off:]))
			vl := int(binary.NativeEndian.Uint32(chunk[off+4:]))
			off += 8
			var key string
			if kl > 0 {
				key = unsafe.String(&chunk[off], kl)
			}
			value := chunk[off+kl : off+kl+vl : off+kl+vl]
			off += kl + vl
			if !yield(key, value) {
				return nil
			}
		}
		switch st {
		case C.SCALODB_END:
			return nil
		case C.SCALODB_OK:
		default:
			return failure(st, cerr)
		}
		size = min(size*2, maxChunk)
	}
}

// seq turns "open an iterator" into an iter.Seq2 that opens it when ranged over. An error (the
// database closed meanwhile) ends the sequence early; keep, for the lifetime of the iteration,
// the handle it reads.
func seq(owner any, reverse bool, open func(**C.scalodb_iterator) C.scalodb_status) iter.Seq2[string, []byte] {
	return func(yield func(string, []byte) bool) {
		var it *C.scalodb_iterator
		if open(&it) != C.SCALODB_OK {
			return
		}
		_ = drain(it, reverse, yield)
		runtime.KeepAlive(owner)
	}
}

// Scan returns every key and its value, as the original package did. For large stores prefer
// Range or ScanPrefix, which stream.
func (db *DB) Scan() (map[string][]byte, error) {
	out := make(map[string][]byte)
	var it *C.scalodb_iterator
	var cerr *C.scalodb_error
	st := C.scalodb_scan(db.c, nil, 0, nil, 0, &it, &cerr)
	runtime.KeepAlive(db)
	if st != C.SCALODB_OK {
		return nil, failure(st, cerr)
	}
	err := drain(it, false, func(k string, v []byte) bool {
		out[k] = v
		return true
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ScanPrefix iterates over the keys that start with prefix, in ascending byte order, all from one
// consistent version of the data: `for k, v := range db.ScanPrefix("user:") { ... }`.
func (db *DB) ScanPrefix(prefix string) iter.Seq2[string, []byte] {
	return db.prefixSeq(prefix, false)
}

// ScanPrefixReverse is ScanPrefix in descending order.
func (db *DB) ScanPrefixReverse(prefix string) iter.Seq2[string, []byte] {
	return db.prefixSeq(prefix, true)
}

func (db *DB) prefixSeq(prefix string, reverse bool) iter.Seq2[string, []byte] {
	return seq(db, reverse, func(it **C.scalodb_iterator) C.scalodb_status {
		return C.scalodb_scan_prefix(db.c, strPtr(prefix), csize(len(prefix)), it, nil)
	})
}

// Range iterates over the keys k with start <= k < end in ascending byte order, from one
// consistent version. An empty start means from the first key, an empty end to the last.
func (db *DB) Range(start, end string) iter.Seq2[string, []byte] {
	return db.rangeSeq(start, end, false)
}

// RangeReverse is Range in descending order.
func (db *DB) RangeReverse(start, end string) iter.Seq2[string, []byte] {
	return db.rangeSeq(start, end, true)
}

func (db *DB) rangeSeq(start, end string, reverse bool) iter.Seq2[string, []byte] {
	return seq(db, reverse, func(it **C.scalodb_iterator) C.scalodb_status {
		return C.scalodb_scan(db.c, strPtr(start), csize(len(start)), strPtr(end), csize(len(end)), it, nil)
	})
}
