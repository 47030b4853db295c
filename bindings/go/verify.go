// verify.go: Verify, a read-only check of a store's files (checkpoint and log checksums, framing
// and order), for a closed store or a backup.

package scalodb

/*
#include <stdlib.h>
#include <scalodb.h>
*/
import "C"

import "unsafe"

// VerifyReport is what Verify found in a healthy store.
type VerifyReport struct {
	HasCheckpoint     bool
	CheckpointSeq     uint64 // sequence of the newest checkpoint
	CheckpointEntries uint64
	Segments          uint64 // log segment files
	Records           uint64 // log records after the checkpoint, all checked
	LastSeq           uint64
	TornTail          bool // a torn record at the log's end, which opening would cut off
}

// Verify checks every checkpoint entry and log record of the store in dir without changing
// anything. Damage is an error wrapping ErrCorruption that names the file and offset.
func Verify(dir string) (VerifyReport, error) {
	path := C.CString(dir)
	defer C.free(unsafe.Pointer(path))
	var r C.scalodb_verify_report
	r.struct_size = C.size_t(unsafe.Sizeof(r))
	var cerr *C.scalodb_error
	if st := C.scalodb_verify(path, &r, &cerr); st != C.SCALODB_OK {
		return VerifyReport{}, failure(st, cerr)
	}
	return VerifyReport{
		HasCheckpoint:     bool(r.has_checkpoint),
		CheckpointSeq:     uint64(r.checkpoint_seq),
		CheckpointEntries: uint64(r.checkpoint_entries),
		Segments:          uint64(r.segments),
		Records:           uint64(r.records),
		LastSeq:           uint64(r.last_seq),
		TornTail:          bool(r.torn_tail),
	}, nil
}
