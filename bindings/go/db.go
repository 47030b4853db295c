// db.go: DB, the handle New returns: opening, closing, and the single-key operations of the
// original API (Put, Get, Delete) plus Contains, Clear, Sync, Checkpoint, Backup and Path.

package scalodb

/*
#cgo noescape scalodb_put
#cgo nocallback scalodb_put
#cgo noescape sdb_get
#cgo nocallback sdb_get
#cgo noescape scalodb_delete
#cgo nocallback scalodb_delete
#cgo noescape scalodb_contains
#cgo nocallback scalodb_contains
#include <stdlib.h>
#include "bridge.h"
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

// DB is an open database. It is safe for use by any number of goroutines at once; reads never
// wait for writers. Close it when done; a DB that becomes unreachable without Close is closed and
// freed by the garbage collector as a safety net.
type DB struct {
	c      *C.scalodb_db
	cfg    Config
	closed atomic.Bool
	server serverState
}

// New opens (or creates) the database that cfg describes; nil means the defaults. See Config.
func New(cfg *Config) (*DB, error) {
	var c Config
	if cfg != nil {
		c = *cfg
	}
	c = c.withDefaults()
	opts, err := c.options()
	if err != nil {
		return nil, err
	}
	defer C.scalodb_options_free(opts)
	var h *C.scalodb_db
	var cerr *C.scalodb_error
	var st C.scalodb_status
	if c.InMemory {
		st = C.scalodb_open_memory(opts, &h, &cerr)
	} else {
		if info, err := os.Stat(c.WALPath); err == nil && !info.IsDir() {
			return nil, &Error{kind: ErrInvalidArgument, msg: fmt.Sprintf(
				"%s is a file; ScaloDB keeps its data in a directory of that name: move the file away "+
					"(a log of the original Go package cannot be read) or choose another WALPath", c.WALPath)}
		}
		path := C.CString(c.WALPath)
		defer C.free(unsafe.Pointer(path))
		st = C.scalodb_open(path, opts, &h, &cerr)
	}
	if st != C.SCALODB_OK {
		return nil, failure(st, cerr)
	}
	db := &DB{c: h, cfg: c}
	// The safety net: the handle is freed (closing the store) once db is unreachable. Every
	// method ends with runtime.KeepAlive(db), so this never runs during a call.
	runtime.AddCleanup(db, func(h *C.scalodb_db) { C.scalodb_db_free(h) }, h)
	return db, nil
}

// Close stops the server if it runs, then syncs the log and releases the directory. Every later
// call returns ErrClosed; calling Close again returns nil.
func (db *DB) Close() error {
	if db.closed.Swap(true) {
		return nil
	}
	serr := db.stopServer()
	var cerr *C.scalodb_error
	st := C.scalodb_close(db.c, &cerr)
	runtime.KeepAlive(db)
	if st != C.SCALODB_OK && st != C.SCALODB_CLOSED {
		return failure(st, cerr)
	}
	if serr != nil && serr != ErrServerNotRunning {
		return serr
	}
	return nil
}

// Put sets key to value.
func (db *DB) Put(key string, value []byte) error {
	var cerr *C.scalodb_error
	st := C.scalodb_put(db.c, strPtr(key), csize(len(key)), bytesPtr(value), csize(len(value)), &cerr)
	runtime.KeepAlive(db)
	if st != C.SCALODB_OK {
		return failure(st, cerr)
	}
	return nil
}

// Get returns a copy of the value of key, or ErrNotFound. Never waits for writers.
func (db *DB) Get(key string) ([]byte, error) {
	var buf [smallValue]byte
	var n C.size_t
	var big *C.uint8_t
	var cerr *C.scalodb_error
	st := C.sdb_get(db.c, strPtr(key), csize(len(key)), unsafe.Pointer(&buf[0]), smallValue, &n, &big, &cerr)
	runtime.KeepAlive(db)
	return takeValue(st, cerr, buf[:], n, big)
}

// takeValue finishes a get done by a bridge helper: the value is in buf (n bytes) or in big.
func takeValue(st C.scalodb_status, cerr *C.scalodb_error, buf []byte, n C.size_t, big *C.uint8_t) ([]byte, error) {
	switch {
	case st == C.SCALODB_NOT_FOUND:
		return nil, ErrNotFound
	case st != C.SCALODB_OK:
		return nil, failure(st, cerr)
	case big != nil:
		out := C.GoBytes(unsafe.Pointer(big), C.int(n))
		C.scalodb_free(unsafe.Pointer(big))
		return out, nil
	default:
		out := make([]byte, int(n))
		copy(out, buf[:n])
		return out, nil
	}
}

// Delete removes key. Deleting a missing key is not an error.
func (db *DB) Delete(key string) error {
	_, err := db.Remove(key)
	return err
}

// Remove removes key and reports whether it held a value.
func (db *DB) Remove(key string) (bool, error) {
	var existed C.bool
	var cerr *C.scalodb_error
	st := C.scalodb_delete(db.c, strPtr(key), csize(len(key)), &existed, &cerr)
	runtime.KeepAlive(db)
	if st != C.SCALODB_OK {
		return false, failure(st, cerr)
	}
	return bool(existed), nil
}

// Contains reports whether key holds a value, without copying it.
func (db *DB) Contains(key string) (bool, error) {
	var found C.bool
	var cerr *C.scalodb_error
	st := C.scalodb_contains(db.c, strPtr(key), csize(len(key)), &found, &cerr)
	runtime.KeepAlive(db)
	if st != C.SCALODB_OK {
		return false, failure(st, cerr)
	}
	return bool(found), nil
}

// Clear deletes every key, atomically.
func (db *DB) Clear() error {
	var cerr *C.scalodb_error
	st := C.scalodb_clear(db.c, &cerr)
	runtime.KeepAlive(db)
	return statusErr(st, cerr)
}

// Sync forces every write so far to stable storage, whatever Config.Sync says.
func (db *DB) Sync() error {
	var cerr *C.scalodb_error
	st := C.scalodb_sync(db.c, &cerr)
	runtime.KeepAlive(db)
	return statusErr(st, cerr)
}

// Checkpoint writes a checkpoint now and removes the log it covers, so the next open is fast.
func (db *DB) Checkpoint() error {
	var cerr *C.scalodb_error
	st := C.scalodb_checkpoint(db.c, &cerr)
	runtime.KeepAlive(db)
	return statusErr(st, cerr)
}

// Backup writes a consistent copy of the database as of now into dir, which must be empty or not
// exist, while other goroutines go on reading and writing. New(&Config{WALPath: dir}) opens it.
func (db *DB) Backup(dir string) error {
	path := C.CString(dir)
	defer C.free(unsafe.Pointer(path))
	var cerr *C.scalodb_error
	st := C.scalodb_backup(db.c, path, &cerr)
	runtime.KeepAlive(db)
	return statusErr(st, cerr)
}

// Path is the directory of the database ("" in memory).
func (db *DB) Path() string {
	var p *C.char
	st := C.scalodb_path(db.c, &p, nil)
	runtime.KeepAlive(db)
	if st != C.SCALODB_OK {
		return ""
	}
	defer C.scalodb_free(unsafe.Pointer(p))
	return C.GoString(p)
}

func statusErr(st C.scalodb_status, cerr *C.scalodb_error) error {
	if st != C.SCALODB_OK {
		return failure(st, cerr)
	}
	return nil
}

// serverState is the Redis-protocol server of a DB, if one runs.
type serverState struct {
	mu      sync.Mutex
	c       *C.scalodb_server
	cleanup runtime.Cleanup
	done    chan struct{}
	err     error
}
