// config.go: Config, the options of New, with the defaults of the original Go package and the
// engine's newer settings, and how they become the C library's options.

package scalodb

/*
#include <scalodb.h>
*/
import "C"

import "time"

// Default values applied by New to zero fields of Config.
const (
	DefaultMaxConns = 1000
	DefaultWALPath  = "scalodb.wal"
)

// SyncMode says when a write is forced to stable storage.
type SyncMode int

const (
	// SyncInterval (the default): a write has reached the operating system when it returns, so it
	// survives a killed process; a background thread fsyncs every Config.SyncInterval (1 s by
	// default), so a power cut loses at most that interval.
	SyncInterval SyncMode = iota
	// SyncAlways: a write returns after its log record is fsynced (concurrent writers share
	// fsyncs). Survives a power cut.
	SyncAlways
	// SyncNever: a write has reached the operating system when it returns; the OS decides when to
	// write it back.
	SyncNever
)

// Eviction says what happens when a write would take memory past Config.MaxMemory.
type Eviction int

const (
	// NoEviction (the default): the write fails with ErrOutOfMemory.
	NoEviction Eviction = iota
	// AllKeysLRU: the least recently used keys are deleted, among all keys.
	AllKeysLRU
	// VolatileLRU: the least recently used keys are deleted, among keys with a time-to-live.
	VolatileLRU
)

// Config is how New opens a database. The zero value (or nil) gives the defaults: data kept in
// the directory "scalodb.wal" with its write-ahead log on, embedded only.
type Config struct {
	// Addr is the host:port that Start serves the Redis protocol on; empty means embedded only.
	Addr string
	// MaxConns is the most server clients connected at once (default 1000).
	MaxConns int
	// MetricsAddr is the host:port on which Start also serves Prometheus metrics at /metrics
	// (port 0 picks a free port, read back with MetricsAddr); empty means none.
	MetricsAddr string
	// WALPath is the directory where the data lives (default "scalodb.wal"): the write-ahead log
	// segments, the checkpoints and the LOCK file all go inside it, and ScaloDB writes nothing
	// anywhere else. It is created if missing. A regular file at that path (a log written by the
	// original Go package) is refused with ErrInvalidArgument.
	WALPath string
	// EnableWAL is kept so that code written for the original package compiles; it has no effect.
	// The original documented "default: true", which a Go bool cannot express: its zero value is
	// false, so Config{WALPath: "sessions.wal"} and Config{EnableWAL: false} were the same value.
	// To keep data safe the write-ahead log is always on unless InMemory is set.
	//
	// Deprecated: set InMemory to keep data in memory only.
	EnableWAL bool
	// InMemory keeps the data in memory only: nothing is written to disk, WALPath is not used, and
	// the data is gone when the database is closed. Use it for caches.
	InMemory bool
	// Sync is the durability of each write (default SyncInterval).
	Sync SyncMode
	// SyncInterval is the period of background fsyncs with SyncInterval (default 1 s).
	SyncInterval time.Duration
	// MaxMemory, when above 0, is the memory for data beyond which Eviction applies.
	MaxMemory int64
	// Eviction is the policy at MaxMemory (default NoEviction).
	Eviction Eviction
	// MaxKeySize and MaxValueSize are the longest key and value accepted, in bytes (defaults
	// 64 KiB and 64 MiB).
	MaxKeySize   int
	MaxValueSize int
	// Password, when set, must be given by server clients with AUTH. Without one the server
	// accepts only clients on this machine (loopback addresses), as Redis's protected mode does.
	Password string
}

// withDefaults fills the zero fields that have a default.
func (c Config) withDefaults() Config {
	if c.MaxConns <= 0 {
		c.MaxConns = DefaultMaxConns
	}
	if c.WALPath == "" {
		c.WALPath = DefaultWALPath
	}
	return c
}

// options builds the C library's options from c; the caller frees them.
func (c Config) options() (*C.scalodb_options, error) {
	o := C.scalodb_options_new()
	var cerr *C.scalodb_error
	check := func(st C.scalodb_status) bool { return st == C.SCALODB_OK }
	ok := check(C.scalodb_options_set_wal(o, C.bool(!c.InMemory), &cerr))
	if ok {
		switch c.Sync {
		case SyncAlways:
			ok = check(C.scalodb_options_set_sync(o, C.SCALODB_SYNC_ALWAYS, 0, &cerr))
		case SyncNever:
			ok = check(C.scalodb_options_set_sync(o, C.SCALODB_SYNC_NEVER, 0, &cerr))
		default:
			ms := c.SyncInterval.Milliseconds()
			if c.SyncInterval == 0 {
				ms = 1000
			}
			ok = check(C.scalodb_options_set_sync(o, C.SCALODB_SYNC_INTERVAL, C.uint64_t(max(ms, 1)), &cerr))
		}
	}
	if ok && c.MaxMemory > 0 {
		ok = check(C.scalodb_options_set_max_memory(o, C.uint64_t(c.MaxMemory), &cerr))
	}
	if ok {
		ok = check(C.scalodb_options_set_eviction(o, C.int32_t(c.Eviction), &cerr))
	}
	if ok && c.MaxKeySize > 0 {
		ok = check(C.scalodb_options_set_max_key_size(o, C.size_t(c.MaxKeySize), &cerr))
	}
	if ok && c.MaxValueSize > 0 {
		ok = check(C.scalodb_options_set_max_value_size(o, C.size_t(c.MaxValueSize), &cerr))
	}
	if !ok {
		C.scalodb_options_free(o)
		return nil, failure(C.scalodb_error_status(cerr), cerr)
	}
	return o, nil
}
