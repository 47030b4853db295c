//! Options that shape a database: durability, size limits, log and checkpoint thresholds.

use std::time::Duration;

/// When a write is forced to stable storage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncMode {
    /// A write returns only after its log record is fsynced. Concurrent writers share fsyncs
    /// (group commit). Survives a power cut.
    Always,
    /// A write has reached the operating system when it returns (it survives a killed process);
    /// a background thread fsyncs every interval, so a power cut loses at most that interval.
    Interval(Duration),
    /// A write has reached the operating system when it returns; the OS decides when to write
    /// back, except that a full log segment is fsynced before the next one starts (one fsync per
    /// segment, 16 MiB by default). After a power cut the store holds a prefix of its commits.
    Never,
}

impl Default for SyncMode {
    fn default() -> Self {
        SyncMode::Interval(Duration::from_secs(1))
    }
}

/// What happens when a write would take memory past `Options::max_memory`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Eviction {
    /// The write fails with `Error::OutOfMemory`; reads and deletes go on.
    #[default]
    NoEviction,
    /// Delete the least recently used keys (approximately, by sampling) among all keys.
    AllKeysLru,
    /// Delete the least recently used keys among keys that have a time-to-live.
    VolatileLru,
}

/// How a database is opened. Build it with `Options::default()` and struct update syntax:
/// `Options { sync: SyncMode::Always, ..Options::default() }`.
#[derive(Clone, Debug)]
pub struct Options {
    /// Keep a write-ahead log and checkpoints in the directory. With `false` nothing touches the
    /// disk and the data lives only as long as the handle.
    pub wal: bool,
    /// Durability of each write; see [`SyncMode`].
    pub sync: SyncMode,
    /// Longest key accepted, in bytes (default 64 KiB).
    pub max_key_size: usize,
    /// Longest value accepted, in bytes (default 64 MiB).
    pub max_value_size: usize,
    /// Size of each preallocated log segment file (default 16 MiB). A record larger than this gets
    /// a segment of its own.
    pub wal_segment_size: u64,
    /// A background checkpoint starts when the log passes this many bytes (default 64 MiB)...
    pub checkpoint_wal_bytes: u64,
    /// ...and holds more than this many times the live data (default 2.0).
    pub checkpoint_wal_ratio: f64,
    /// Run checkpoints from a background thread when the thresholds are passed (default true).
    pub auto_checkpoint: bool,
    /// Memory for data (items, versions and indexes, as `Stats::memory_bytes` counts it, less
    /// `Stats::pending_free_bytes`) beyond which `eviction` applies. `None` (default): no limit.
    /// The check runs before each write, so usage can pass the limit by the hash table's next
    /// growth step and the write in flight (the tests allow 1 MiB above a 4 MiB limit); versions
    /// held by open snapshots cannot be evicted. Memory already unlinked and waiting for readers
    /// to move on (`pending_free_bytes`) is not counted: evicting more would not free it sooner.
    pub max_memory: Option<u64>,
    /// What to do at `max_memory`; evicted keys are deleted durably (a log record each).
    pub eviction: Eviction,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            wal: true,
            sync: SyncMode::default(),
            max_key_size: 64 * 1024,
            max_value_size: 64 * 1024 * 1024,
            wal_segment_size: 16 * 1024 * 1024,
            checkpoint_wal_bytes: 64 * 1024 * 1024,
            checkpoint_wal_ratio: 2.0,
            auto_checkpoint: true,
            max_memory: None,
            eviction: Eviction::NoEviction,
        }
    }
}

impl Options {
    /// Options for a store that keeps nothing on disk.
    pub fn in_memory() -> Options {
        Options { wal: false, ..Options::default() }
    }

    pub(crate) fn validate(&self) -> crate::Result<()> {
        use crate::Error::InvalidArgument;
        if self.max_key_size == 0 || self.max_key_size > u32::MAX as usize / 2 {
            return Err(InvalidArgument(format!("max_key_size {} is out of range", self.max_key_size)));
        }
        if self.max_value_size > u32::MAX as usize / 2 {
            return Err(InvalidArgument(format!("max_value_size {} is out of range", self.max_value_size)));
        }
        if self.wal_segment_size < 4096 {
            return Err(InvalidArgument("wal_segment_size must be at least 4096 bytes".into()));
        }
        if let SyncMode::Interval(d) = self.sync {
            if d.is_zero() {
                return Err(InvalidArgument("SyncMode::Interval needs a non-zero duration".into()));
            }
        }
        if self.checkpoint_wal_ratio.is_nan() || self.checkpoint_wal_ratio < 0.0 {
            return Err(InvalidArgument("checkpoint_wal_ratio must be a number >= 0".into()));
        }
        Ok(())
    }
}
