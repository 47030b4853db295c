// batch.go: Batch, puts and deletes gathered in Go and applied atomically by DB.Write: readers and
// recovery see all of them or none. The batch is encoded in one Go buffer and handed to the
// library in a single cgo call.

package scalodb

/*
#cgo noescape sdb_write_encoded
#cgo nocallback sdb_write_encoded
#include "bridge.h"
*/
import "C"

import (
	"encoding/binary"
	"runtime"
	"time"
	"unsafe"
)

// Batch is a group of writes applied atomically, in order (a later write to a key wins). Build
// it with NewBatch or as a zero value; it is not safe for concurrent use.
type Batch struct {
	ops []byte
	n   int
}

// NewBatch returns an empty batch.
func NewBatch() *Batch { return &Batch{} }

func (b *Batch) add(op byte, ttl time.Duration, key string, value []byte) *Batch {
	var head [17]byte
	head[0] = op
	binary.NativeEndian.PutUint64(head[1:], uint64(millis(ttl)))
	binary.NativeEndian.PutUint32(head[9:], uint32(len(key)))
	binary.NativeEndian.PutUint32(head[13:], uint32(len(value)))
	b.ops = append(append(append(b.ops, head[:]...), key...), value...)
	b.n++
	return b
}

// Put adds "set key to value".
func (b *Batch) Put(key string, value []byte) *Batch { return b.add(0, 0, key, value) }

// PutTTL adds "set key to value, expiring ttl after this call".
func (b *Batch) PutTTL(key string, value []byte, ttl time.Duration) *Batch {
	return b.add(1, ttl, key, value)
}

// Delete adds "delete key" (nothing happens if it is absent).
func (b *Batch) Delete(key string) *Batch { return b.add(2, 0, key, nil) }

// Len is the number of writes in the batch.
func (b *Batch) Len() int { return b.n }

// Reset empties the batch, keeping its memory for reuse.
func (b *Batch) Reset() { b.ops, b.n = b.ops[:0], 0 }

// Write applies every write of b atomically. An error (a key over the size limit...) writes
// nothing. The batch is left as it was.
func (db *DB) Write(b *Batch) error {
	var cerr *C.scalodb_error
	var p *C.uint8_t
	if len(b.ops) > 0 {
		p = (*C.uint8_t)(unsafe.Pointer(&b.ops[0]))
	}
	st := C.sdb_write_encoded(db.c, p, C.size_t(len(b.ops)), &cerr)
	runtime.KeepAlive(db)
	return statusErr(st, cerr)
}

// Batch builds a batch with fn and writes it atomically if fn returns nil.
func (db *DB) Batch(fn func(b *Batch) error) error {
	var b Batch
	if err := fn(&b); err != nil {
		return err
	}
	return db.Write(&b)
}
