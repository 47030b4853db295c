//! `Stats`: what `Db::stats` reports.

/// A picture of a database at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Live keys (not deleted).
    pub keys: u64,
    /// Bytes of the live keys.
    pub key_bytes: u64,
    /// Bytes of the live values.
    pub value_bytes: u64,
    /// Bytes of memory held for data: items, versions kept for readers, the indexes, and memory
    /// already unlinked that is waiting for readers to move on (`pending_free_bytes`).
    pub memory_bytes: u64,
    /// Objects (versions, items, index nodes) unlinked but not yet freed: they wait for readers
    /// that might hold them to move on, which takes milliseconds. Stays small under any load.
    pub pending_free_objects: u64,
    /// Bytes of the versions and items among `pending_free_objects`.
    pub pending_free_bytes: u64,
    /// Bytes in the log segments on disk.
    pub wal_bytes: u64,
    /// Log segment files on disk.
    pub wal_segments: u64,
    /// Sequence number covered by the last checkpoint (0 if none).
    pub last_checkpoint_seq: u64,
    /// When the last checkpoint was written, in ms since the Unix epoch (0 if none).
    pub last_checkpoint_unix_ms: u64,
    /// Keys written by the last checkpoint.
    pub last_checkpoint_keys: u64,
    /// Sequence number of the last commit.
    pub sequence: u64,
    pub gets: u64,
    pub puts: u64,
    pub deletes: u64,
    pub batches: u64,
    pub scans: u64,
    /// fsync calls made on the log (group commit makes this far fewer than durable writes).
    pub fsyncs: u64,
    /// Torn records cut off the end of the log when the store was opened.
    pub torn_records_truncated: u64,
    /// Open snapshots, scans and checkpoints holding old versions.
    pub open_views: u64,
    /// Keys deleted to stay under `Options::max_memory`.
    pub evictions: u64,
    /// Keys whose time-to-live ran out and whose memory was reclaimed.
    pub expired_keys: u64,
    /// Transactions committed.
    pub transactions: u64,
    /// Transaction commits that failed with a conflict.
    pub conflicts: u64,
}
