// stats.go: Stats, the counts and sizes of a database; TotalKeys and TotalSize (the package's
// first API), then one field per field of the C ABI's scalodb_stats (stats_mirror_test.go
// checks that none is missing).

package scalodb

/*
#include <scalodb.h>
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// Stats is a picture of a database at one moment.
type Stats struct {
	TotalKeys int64 // live keys
	TotalSize int64 // bytes of live keys and values together

	KeyBytes, ValueBytes  uint64 // bytes of live keys, of live values
	MemoryBytes           uint64 // memory held for data (items, old versions, indexes)
	WALBytes, WALSegments uint64 // the write-ahead log on disk
	LastCheckpointSeq     uint64 // sequence covered by the last checkpoint (0: none)
	LastCheckpointUnixMs  uint64
	LastCheckpointKeys    uint64
	Sequence              uint64 // sequence number of the last commit
	Gets, Puts, Deletes   uint64 // operations since the database was opened
	Batches, Scans        uint64
	Fsyncs                uint64 // fsync calls on the log (group commit shares them)
	TornRecordsTruncated  uint64 // torn records cut off the log's end at open
	OpenViews             uint64 // snapshots, iterators and transactions holding old versions
	Evictions             uint64 // keys deleted to stay under Config.MaxMemory
	ExpiredKeys           uint64 // keys whose time-to-live ran out
	Transactions          uint64 // transactions committed
	Conflicts             uint64 // transaction commits that failed with a conflict
	PendingFreeObjects    uint64 // unlinked versions, items and nodes waiting for readers to move on
	PendingFreeBytes      uint64 // bytes of those (counted in MemoryBytes)
}

// Stats returns the current counts and sizes (the zero Stats once the database is closed).
func (db *DB) Stats() Stats {
	s, _ := db.StatsErr()
	return s
}

// StatsErr is Stats with the error (ErrClosed) reported.
func (db *DB) StatsErr() (Stats, error) {
	var c C.scalodb_stats
	c.struct_size = C.size_t(unsafe.Sizeof(c))
	var cerr *C.scalodb_error
	st := C.scalodb_get_stats(db.c, &c, &cerr)
	runtime.KeepAlive(db)
	if st != C.SCALODB_OK {
		return Stats{}, failure(st, cerr)
	}
	return Stats{
		TotalKeys:            int64(c.keys),
		TotalSize:            int64(c.key_bytes + c.value_bytes),
		KeyBytes:             uint64(c.key_bytes),
		ValueBytes:           uint64(c.value_bytes),
		MemoryBytes:          uint64(c.memory_bytes),
		WALBytes:             uint64(c.wal_bytes),
		WALSegments:          uint64(c.wal_segments),
		LastCheckpointSeq:    uint64(c.last_checkpoint_seq),
		LastCheckpointUnixMs: uint64(c.last_checkpoint_unix_ms),
		LastCheckpointKeys:   uint64(c.last_checkpoint_keys),
		Sequence:             uint64(c.sequence),
		Gets:                 uint64(c.gets),
		Puts:                 uint64(c.puts),
		Deletes:              uint64(c.deletes),
		Batches:              uint64(c.batches),
		Scans:                uint64(c.scans),
		Fsyncs:               uint64(c.fsyncs),
		TornRecordsTruncated: uint64(c.torn_records_truncated),
		OpenViews:            uint64(c.open_views),
		Evictions:            uint64(c.evictions),
		ExpiredKeys:          uint64(c.expired_keys),
		Transactions:         uint64(c.transactions),
		Conflicts:            uint64(c.conflicts),
		PendingFreeObjects:   uint64(c.pending_free_objects),
		PendingFreeBytes:     uint64(c.pending_free_bytes),
	}, nil
}
