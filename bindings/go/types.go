// types.go: what the typed operations (hash.go, list.go, set.go, zset.go) share: Type, packing
// arrays of byte strings for the C library, and reading back the lists it returns.

package scalodb

/*
#include "bridge_types.h"
*/
import "C"

import (
	"encoding/binary"
	"math"
	"runtime"
	"unsafe"
)

// Type returns what key holds, by Redis's names: "string", "hash", "list", "set", "zset", or
// "none" (and a nil error) when the key is absent.
func (db *DB) Type(key string) (string, error) {
	var kind C.scalodb_kind
	var cerr *C.scalodb_error
	st := C.scalodb_type(db.c, strPtr(key), csize(len(key)), &kind, &cerr)
	runtime.KeepAlive(db)
	switch st {
	case C.SCALODB_OK, C.SCALODB_NOT_FOUND:
	default:
		return "", failure(st, cerr)
	}
	switch kind {
	case C.SCALODB_KIND_NONE:
		return "none", nil
	case C.SCALODB_KIND_STRING:
		return "string", nil
	case C.SCALODB_KIND_HASH:
		return "hash", nil
	case C.SCALODB_KIND_LIST:
		return "list", nil
	case C.SCALODB_KIND_SET:
		return "set", nil
	case C.SCALODB_KIND_ZSET:
		return "zset", nil
	default:
		return C.GoString(C.scalodb_kind_name(C.int32_t(kind))), nil
	}
}

// packed is an array of byte strings as the bridge takes it: laid end to end in data, with their
// lengths in lens. Neither holds a Go pointer, so both may be passed to C.
type packed struct {
	data []byte
	lens []C.size_t
}

func packStrings(ss ...string) packed {
	total := 0
	for _, s := range ss {
		total += len(s)
	}
	p := packed{data: make([]byte, 0, total), lens: make([]C.size_t, len(ss))}
	for i, s := range ss {
		p.data = append(p.data, s...)
		p.lens[i] = C.size_t(len(s))
	}
	return p
}

func packBytes(bs [][]byte) packed {
	total := 0
	for _, b := range bs {
		total += len(b)
	}
	p := packed{data: make([]byte, 0, total), lens: make([]C.size_t, len(bs))}
	for i, b := range bs {
		p.data = append(p.data, b...)
		p.lens[i] = C.size_t(len(b))
	}
	return p
}

func (p *packed) dataPtr() *C.uint8_t {
	if len(p.data) == 0 {
		return nil
	}
	return (*C.uint8_t)(unsafe.Pointer(&p.data[0]))
}

func (p *packed) lensPtr() *C.size_t {
	if len(p.lens) == 0 {
		return nil
	}
	return &p.lens[0]
}

// firstList is the size of the buffer a list is first copied into; a larger list takes one more
// call with a buffer of its exact size.
const firstList = 2 << 10

// readList copies a list the library returned into Go memory, frees it, and calls each for every
// entry in order: its item (element, field or member), its value (hash values only) and its
// score (sorted sets only). item and value point into one buffer that is never written again, so
// they may be kept. It returns the number of entries.
func readList(l *C.scalodb_list, each func(item, value []byte, score float64)) int {
	buf := make([]byte, firstList)
	var need, count C.size_t
	if C.sdb_list_take(l, (*C.uint8_t)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)), &need, &count) == 0 {
		buf = make([]byte, int(need))
		C.sdb_list_take(l, (*C.uint8_t)(unsafe.Pointer(&buf[0])), need, &need, &count)
	}
	off := 0
	for range int(count) {
		il := int(binary.NativeEndian.Uint64(buf[off:]))
		vl := int(binary.NativeEndian.Uint64(buf[off+8:]))
		score := math.Float64frombits(binary.NativeEndian.Uint64(buf[off+16:]))
		off += 24
		item := buf[off : off+il : off+il]
		value := buf[off+il : off+il+vl : off+il+vl]
		off += il + vl
		each(item, value, score)
	}
	return int(count)
}

// takeBytes finishes a call that returned a list of byte strings.
func takeBytes(st C.scalodb_status, cerr *C.scalodb_error, l *C.scalodb_list) ([][]byte, error) {
	if st != C.SCALODB_OK {
		return nil, failure(st, cerr)
	}
	var out [][]byte
	readList(l, func(item, _ []byte, _ float64) { out = append(out, item) })
	return out, nil
}

// takeStrings finishes a call that returned a list of members.
func takeStrings(st C.scalodb_status, cerr *C.scalodb_error, l *C.scalodb_list) ([]string, error) {
	if st != C.SCALODB_OK {
		return nil, failure(st, cerr)
	}
	var out []string
	readList(l, func(item, _ []byte, _ float64) { out = append(out, string(item)) })
	return out, nil
}

// countArg checks a count the caller passed, which C takes unsigned.
func countArg(n int) (C.size_t, error) {
	if n < 0 {
		return 0, &Error{kind: ErrInvalidArgument, msg: "count must not be negative"}
	}
	return C.size_t(n), nil
}
