// snapshot.go: Snapshot, a consistent, unchanging view of the database as of one moment, with its
// own Get and iterators. Cheap to take; release it with Close when done, since the versions it
// can see are kept in memory until then.

package scalodb

/*
#cgo noescape sdb_snapshot_get
#cgo nocallback sdb_snapshot_get
#include "bridge.h"
*/
import "C"

import (
	"iter"
	"runtime"
	"sync/atomic"
	"unsafe"
)

// Snapshot is a read-only view of the database fixed when it was taken. Safe for use by many
// goroutines at once; Close it when done (a forgotten one is released by the garbage collector).
type Snapshot struct {
	c       *C.scalodb_snapshot
	cleanup runtime.Cleanup
	closed  atomic.Bool
}

// Snapshot takes a snapshot of the current version.
func (db *DB) Snapshot() (*Snapshot, error) {
	var h *C.scalodb_snapshot
	var cerr *C.scalodb_error
	st := C.scalodb_snapshot_new(db.c, &h, &cerr)
	runtime.KeepAlive(db)
	if st != C.SCALODB_OK {
		return nil, failure(st, cerr)
	}
	s := &Snapshot{c: h}
	s.cleanup = runtime.AddCleanup(s, func(h *C.scalodb_snapshot) { C.scalodb_snapshot_free(h) }, h)
	return s, nil
}

// Close releases the snapshot. Using it afterwards returns ErrClosed; closing again does nothing.
// It must not be called while another goroutine still uses the snapshot.
func (s *Snapshot) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.cleanup.Stop()
	C.scalodb_snapshot_free(s.c)
	return nil
}

// Get returns the value of key as of the snapshot, or ErrNotFound.
func (s *Snapshot) Get(key string) ([]byte, error) {
	if s.closed.Load() {
		return nil, ErrClosed
	}
	var buf [smallValue]byte
	var n C.size_t
	var big *C.uint8_t
	var cerr *C.scalodb_error
	st := C.sdb_snapshot_get(s.c, strPtr(key), csize(len(key)), unsafe.Pointer(&buf[0]), smallValue, &n, &big, &cerr)
	runtime.KeepAlive(s)
	return takeValue(st, cerr, buf[:], n, big)
}

// Sequence is the sequence number the snapshot reads at (the last commit it sees).
func (s *Snapshot) Sequence() uint64 {
	if s.closed.Load() {
		return 0
	}
	var n C.uint64_t
	C.scalodb_snapshot_sequence(s.c, &n, nil)
	runtime.KeepAlive(s)
	return uint64(n)
}

// ScanPrefix iterates over the keys starting with prefix as of the snapshot, ascending.
func (s *Snapshot) ScanPrefix(prefix string) iter.Seq2[string, []byte] {
	return s.prefixSeq(prefix, false)
}

// ScanPrefixReverse is ScanPrefix in descending order.
func (s *Snapshot) ScanPrefixReverse(prefix string) iter.Seq2[string, []byte] {
	return s.prefixSeq(prefix, true)
}

// Range iterates over start <= k < end as of the snapshot (empty start or end: unbounded).
func (s *Snapshot) Range(start, end string) iter.Seq2[string, []byte] {
	return s.rangeSeq(start, end, false)
}

// RangeReverse is Range in descending order.
func (s *Snapshot) RangeReverse(start, end string) iter.Seq2[string, []byte] {
	return s.rangeSeq(start, end, true)
}

func (s *Snapshot) prefixSeq(prefix string, reverse bool) iter.Seq2[string, []byte] {
	return seq(s, reverse, func(it **C.scalodb_iterator) C.scalodb_status {
		if s.closed.Load() {
			return C.SCALODB_CLOSED
		}
		return C.scalodb_snapshot_scan_prefix(s.c, strPtr(prefix), csize(len(prefix)), it, nil)
	})
}

func (s *Snapshot) rangeSeq(start, end string, reverse bool) iter.Seq2[string, []byte] {
	return seq(s, reverse, func(it **C.scalodb_iterator) C.scalodb_status {
		if s.closed.Load() {
			return C.SCALODB_CLOSED
		}
		return C.scalodb_snapshot_scan(s.c, strPtr(start), csize(len(start)), strPtr(end), csize(len(end)), it, nil)
	})
}
