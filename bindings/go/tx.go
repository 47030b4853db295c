// tx.go: transactions in the style of bbolt: DB.View runs a read-only function on a consistent
// snapshot, DB.Update runs a read-write function and commits it, running it again when a
// concurrent commit conflicts. Begin gives a manual transaction (Commit / Rollback).

package scalodb

/*
#cgo noescape sdb_txn_get
#cgo nocallback sdb_txn_get
#include "bridge.h"
*/
import "C"

import (
	"errors"
	"iter"
	"runtime"
	"time"
	"unsafe"
)

// MaxUpdateRetries is how many times Update runs its function again after ErrConflict.
const MaxUpdateRetries = 10

// Tx is an optimistic, serializable transaction: it reads from a snapshot taken when it began
// plus its own writes, buffers its writes, and at Commit applies them atomically unless something
// it read, wrote or scanned was changed by another commit meanwhile (ErrConflict, nothing
// written). A Tx must be used by one goroutine at a time.
type Tx struct {
	c        *C.scalodb_txn
	writable bool
	done     bool
	cleanup  runtime.Cleanup
}

// Begin starts a transaction; writable false makes Put and Delete fail with ErrTxReadOnly. End
// it with Commit or Rollback.
func (db *DB) Begin(writable bool) (*Tx, error) {
	var h *C.scalodb_txn
	var cerr *C.scalodb_error
	st := C.scalodb_txn_begin(db.c, &h, &cerr)
	runtime.KeepAlive(db)
	if st != C.SCALODB_OK {
		return nil, failure(st, cerr)
	}
	tx := &Tx{c: h, writable: writable}
	tx.cleanup = runtime.AddCleanup(tx, func(h *C.scalodb_txn) { C.scalodb_txn_free(h) }, h)
	return tx, nil
}

// View runs fn in a read-only transaction: every read in fn sees one consistent version.
func (db *DB) View(fn func(tx *Tx) error) error {
	tx, err := db.Begin(false)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}

// Update runs fn in a read-write transaction and commits it. If the commit conflicts with a
// concurrent one, fn runs again on a fresh snapshot, up to MaxUpdateRetries times, so fn must
// not have effects outside the transaction. An error returned by fn (or a panic) rolls back.
func (db *DB) Update(fn func(tx *Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := db.updateOnce(fn)
		if !errors.Is(err, ErrConflict) || attempt == MaxUpdateRetries {
			return err
		}
		// Back off a little more each time so that contending writers spread out.
		time.Sleep(time.Duration(50<<min(attempt, 6)) * time.Microsecond)
	}
}

func (db *DB) updateOnce(fn func(tx *Tx) error) error {
	tx, err := db.Begin(true)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

func (tx *Tx) finish() {
	tx.done = true
	tx.cleanup.Stop()
	C.scalodb_txn_free(tx.c)
}

// Commit applies the transaction's writes atomically, or returns ErrConflict and writes nothing.
// The transaction is over either way.
func (tx *Tx) Commit() error {
	if tx.done {
		return ErrTxDone
	}
	var cerr *C.scalodb_error
	st := C.scalodb_txn_commit(tx.c, &cerr)
	tx.finish()
	return statusErr(st, cerr)
}

// Rollback drops the transaction's writes. After Commit it does nothing and returns ErrTxDone,
// so `defer tx.Rollback()` is always safe.
func (tx *Tx) Rollback() error {
	if tx.done {
		return ErrTxDone
	}
	tx.finish()
	return nil
}

// Get returns the value of key as the transaction sees it, or ErrNotFound. The key counts as
// read: if another commit changes it first, Commit fails with ErrConflict.
func (tx *Tx) Get(key string) ([]byte, error) {
	if tx.done {
		return nil, ErrTxDone
	}
	var buf [smallValue]byte
	var n C.size_t
	var big *C.uint8_t
	var cerr *C.scalodb_error
	st := C.sdb_txn_get(tx.c, strPtr(key), csize(len(key)), unsafe.Pointer(&buf[0]), smallValue, &n, &big, &cerr)
	runtime.KeepAlive(tx)
	return takeValue(st, cerr, buf[:], n, big)
}

// Put buffers "set key to value"; it is written at Commit.
func (tx *Tx) Put(key string, value []byte) error {
	if err := tx.writableCheck(); err != nil {
		return err
	}
	var cerr *C.scalodb_error
	st := C.scalodb_txn_put(tx.c, strPtr(key), csize(len(key)), bytesPtr(value), csize(len(value)), &cerr)
	runtime.KeepAlive(tx)
	return statusErr(st, cerr)
}

// Delete buffers "delete key".
func (tx *Tx) Delete(key string) error {
	if err := tx.writableCheck(); err != nil {
		return err
	}
	var cerr *C.scalodb_error
	st := C.scalodb_txn_delete(tx.c, strPtr(key), csize(len(key)), &cerr)
	runtime.KeepAlive(tx)
	return statusErr(st, cerr)
}

func (tx *Tx) writableCheck() error {
	switch {
	case tx.done:
		return ErrTxDone
	case !tx.writable:
		return ErrTxReadOnly
	}
	return nil
}

// ScanPrefix iterates over the keys starting with prefix as the transaction sees them
// (its snapshot merged with its own writes), ascending. The range counts as read: a key added to
// it, changed or removed by another commit makes Commit fail with ErrConflict.
func (tx *Tx) ScanPrefix(prefix string) iter.Seq2[string, []byte] {
	return tx.seq(false, func(it **C.scalodb_iterator) C.scalodb_status {
		return C.scalodb_txn_scan_prefix(tx.c, strPtr(prefix), csize(len(prefix)), it, nil)
	})
}

// Range iterates over start <= k < end as the transaction sees them (empty: unbounded).
func (tx *Tx) Range(start, end string) iter.Seq2[string, []byte] {
	return tx.seq(false, func(it **C.scalodb_iterator) C.scalodb_status {
		return C.scalodb_txn_scan(tx.c, strPtr(start), csize(len(start)), strPtr(end), csize(len(end)), it, nil)
	})
}

// RangeReverse is Range in descending order.
func (tx *Tx) RangeReverse(start, end string) iter.Seq2[string, []byte] {
	return tx.seq(true, func(it **C.scalodb_iterator) C.scalodb_status {
		return C.scalodb_txn_scan(tx.c, strPtr(start), csize(len(start)), strPtr(end), csize(len(end)), it, nil)
	})
}

func (tx *Tx) seq(reverse bool, open func(**C.scalodb_iterator) C.scalodb_status) iter.Seq2[string, []byte] {
	return seq(tx, reverse, func(it **C.scalodb_iterator) C.scalodb_status {
		if tx.done {
			return C.SCALODB_INVALID_ARGUMENT
		}
		return open(it)
	})
}
