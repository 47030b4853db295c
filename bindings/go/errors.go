// errors.go: the sentinel errors of the package and the conversion of the C library's status and
// error object into them. Every error returned by this package either is a sentinel or wraps one,
// so errors.Is(err, scalodb.ErrClosed) and the like always work.

package scalodb

/*
#include <scalodb.h>
*/
import "C"

import "errors"

// Sentinel errors. Compare with errors.Is: the errors returned carry the library's message and
// wrap one of these.
var (
	// ErrNotFound: the key is absent (or expired).
	ErrNotFound = errors.New("scalodb: key not found")
	// ErrClosed: the database was closed.
	ErrClosed = errors.New("scalodb: database is closed")
	// ErrLocked: another handle, in this process or another, has the data directory open.
	ErrLocked = errors.New("scalodb: database is locked by another handle or process")
	// ErrConflict: a transaction saw a concurrent change; nothing was written. DB.Update retries
	// it for you.
	ErrConflict = errors.New("scalodb: transaction conflict")
	// ErrCorruption: stored data failed a check; the message names the file and offset.
	ErrCorruption = errors.New("scalodb: data corruption")
	// ErrIO: an operating-system call failed.
	ErrIO = errors.New("scalodb: I/O error")
	// ErrKeyTooLarge: the key is over Config.MaxKeySize (64 KiB by default).
	ErrKeyTooLarge = errors.New("scalodb: key too large")
	// ErrValueTooLarge: the value is over Config.MaxValueSize (64 MiB by default).
	ErrValueTooLarge = errors.New("scalodb: value too large")
	// ErrInvalidArgument: an argument or option the store refuses.
	ErrInvalidArgument = errors.New("scalodb: invalid argument")
	// ErrOutOfMemory: Config.MaxMemory is reached and the eviction policy may not free memory.
	ErrOutOfMemory = errors.New("scalodb: out of memory")
	// ErrReadOnly: an earlier write to disk failed; reopen the database once the disk is fixed.
	ErrReadOnly = errors.New("scalodb: database is read-only after a failed write")
	// ErrWrongType: the stored value is not what the operation needs (Increment on text).
	ErrWrongType = errors.New("scalodb: value has the wrong type")
	// ErrInternal: a bug inside the library (it was caught; the handle stays usable).
	ErrInternal = errors.New("scalodb: internal error")
	// ErrTxDone: the transaction was already committed or rolled back.
	ErrTxDone = errors.New("scalodb: transaction already committed or rolled back")
	// ErrTxReadOnly: a write in a read-only transaction (DB.View).
	ErrTxReadOnly = errors.New("scalodb: write in a read-only transaction")
	// ErrNoAddr: Start or StartAndWait on a database whose Config.Addr is empty (embedded only).
	ErrNoAddr = errors.New("scalodb: Config.Addr is empty: the database is embedded only")
	// ErrServerRunning: Start while the server already runs.
	ErrServerRunning = errors.New("scalodb: the server is already running")
	// ErrServerNotRunning: Stop while no server runs.
	ErrServerNotRunning = errors.New("scalodb: the server is not running")
)

// Error is a failure reported by the C library: its message, wrapping the sentinel of its kind.
type Error struct {
	kind error
	msg  string
}

func (e *Error) Error() string { return "scalodb: " + e.msg }

// Unwrap returns the sentinel (ErrClosed, ErrLocked...), for errors.Is.
func (e *Error) Unwrap() error { return e.kind }

// sentinel maps a status of the C ABI to its sentinel error.
func sentinel(st C.scalodb_status) error {
	switch st {
	case C.SCALODB_NOT_FOUND:
		return ErrNotFound
	case C.SCALODB_INVALID_ARGUMENT:
		return ErrInvalidArgument
	case C.SCALODB_CLOSED:
		return ErrClosed
	case C.SCALODB_LOCKED:
		return ErrLocked
	case C.SCALODB_CORRUPTION:
		return ErrCorruption
	case C.SCALODB_IO:
		return ErrIO
	case C.SCALODB_KEY_TOO_LARGE:
		return ErrKeyTooLarge
	case C.SCALODB_VALUE_TOO_LARGE:
		return ErrValueTooLarge
	case C.SCALODB_CONFLICT:
		return ErrConflict
	case C.SCALODB_OUT_OF_MEMORY:
		return ErrOutOfMemory
	case C.SCALODB_READ_ONLY:
		return ErrReadOnly
	case C.SCALODB_WRONG_TYPE:
		return ErrWrongType
	default:
		return ErrInternal
	}
}

// failure turns a failed status and its error object (freed here) into a Go error. The bare
// sentinels ErrClosed, ErrConflict and ErrNotFound are returned as they are: their meaning needs
// no message, and this keeps them free of allocation.
func failure(st C.scalodb_status, cerr *C.scalodb_error) error {
	kind := sentinel(st)
	if cerr == nil {
		return kind
	}
	defer C.scalodb_error_free(cerr)
	if kind == ErrClosed || kind == ErrConflict {
		return kind
	}
	return &Error{kind: kind, msg: C.GoString(C.scalodb_error_message(cerr))}
}
