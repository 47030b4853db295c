// Package scalodb is the Go package of ScaloDB, an embedded, ordered key-value store with a
// write-ahead log, snapshots, transactions and a Redis-protocol server mode. It calls the ScaloDB
// engine (written in Rust) through its C library, linked statically into the program.
//
// Module path: github.com/scalodb/scalodb/bindings/go (the package name is scalodb).
//
// # Coming from the original Go package
//
// The original API is kept: New(*Config), Put, Get (ErrNotFound for a missing key), Delete, Scan,
// Stats (TotalKeys, TotalSize), Close, and the server control Start, StartAndWait and Stop.
// Changing the import line is enough, with one deliberate difference:
//
// EnableWAL no longer turns the write-ahead log off. The original documented
// "EnableWAL bool // default: true", which a Go bool cannot express: its zero value is false, so
// Config{WALPath: "sessions.wal"} (meant to persist) and Config{EnableWAL: false} (meant as a
// cache) were the same value. To keep data safe, the log is now on unless Config.InMemory is set:
// a cache that relied on EnableWAL: false must say InMemory: true. EnableWAL is kept, deprecated
// and ignored, so that old code compiles.
//
// Config.WALPath names the directory where all the data lives (default "scalodb.wal"): log
// segments, checkpoints and a LOCK file, nothing outside it. A log file written by the original
// package at that path is refused rather than overwritten.
//
// # Beyond the original
//
//   - Ordered iteration with Go 1.23 iterators: ScanPrefix, Range and their Reverse forms, from
//     one consistent version: for k, v := range db.ScanPrefix("user:") { ... }
//   - Time-to-live: PutTTL, Expire, Persist, TTL.
//   - Conditional writes: PutIfAbsent, CompareAndSwap, Increment.
//   - Atomic batches (Batch, Write), snapshots (Snapshot), and transactions in bbolt's style:
//     View(func(tx *Tx) error) and Update(func(tx *Tx) error), retried on ErrConflict.
//   - Backup, Verify, Sync, Checkpoint, memory limits with LRU eviction (Config.MaxMemory).
//
// Errors are sentinel values for errors.Is: ErrNotFound, ErrClosed, ErrLocked, ErrConflict,
// ErrCorruption, ErrKeyTooLarge, ErrOutOfMemory, and so on.
//
// A DB is safe for use by many goroutines at once. Close it when done; as a safety net a DB (or
// Snapshot, or Tx) that becomes unreachable is released by the garbage collector.
//
// # Linking
//
// On linux/amd64 the package links the static library inside the module,
// lib/linux_amd64/libscalodb.a: a released module carries it, and inside the ScaloDB repository
// `make test-go` (or `make go-stage-lib`) stages it there. A program in another module can use a
// checkout with a replace directive (see the README). With -tags scalodb_system the package
// instead links the library installed by `make install` (or unpacked from the release tarball),
// found with pkg-config; on other platforms that tag is required.
package scalodb
