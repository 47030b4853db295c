//! `db.stats()`: the engine's counters as a plain JavaScript object.

use napi_derive::napi;

/// Counts and sizes of a store at one moment. Byte and operation counts are numbers (exact up
/// to 2^53).
#[napi(object)]
pub struct Stats {
    /// Live keys.
    pub keys: f64,
    /// Bytes of the live keys.
    pub key_bytes: f64,
    /// Bytes of the live values.
    pub value_bytes: f64,
    /// Bytes of memory held for data, old versions kept for readers and the indexes.
    pub memory_bytes: f64,
    /// Bytes of log segments on disk.
    pub wal_bytes: f64,
    /// Log segment files on disk.
    pub wal_segments: f64,
    /// Sequence number covered by the last checkpoint (0 if none).
    pub last_checkpoint_seq: f64,
    /// When the last checkpoint was written, in ms since the Unix epoch (0 if none).
    pub last_checkpoint_unix_ms: f64,
    /// Keys written by the last checkpoint.
    pub last_checkpoint_keys: f64,
    /// Sequence number of the last commit.
    pub sequence: f64,
    pub gets: f64,
    pub puts: f64,
    pub deletes: f64,
    pub batches: f64,
    pub scans: f64,
    /// fsync calls made on the log.
    pub fsyncs: f64,
    /// Torn records cut off the end of the log when the store was opened.
    pub torn_records_truncated: f64,
    /// Open snapshots, scans and checkpoints holding old versions.
    pub open_views: f64,
    /// Keys whose TTL ran out and whose memory the background sweep reclaimed.
    pub expired_keys: f64,
    /// Transactions committed.
    pub transactions: f64,
    /// Transaction commits that failed with a conflict (each retry that conflicts counts).
    pub conflicts: f64,
}

impl From<scalodb::Stats> for Stats {
    fn from(s: scalodb::Stats) -> Stats {
        Stats {
            keys: s.keys as f64,
            key_bytes: s.key_bytes as f64,
            value_bytes: s.value_bytes as f64,
            memory_bytes: s.memory_bytes as f64,
            wal_bytes: s.wal_bytes as f64,
            wal_segments: s.wal_segments as f64,
            last_checkpoint_seq: s.last_checkpoint_seq as f64,
            last_checkpoint_unix_ms: s.last_checkpoint_unix_ms as f64,
            last_checkpoint_keys: s.last_checkpoint_keys as f64,
            sequence: s.sequence as f64,
            gets: s.gets as f64,
            puts: s.puts as f64,
            deletes: s.deletes as f64,
            batches: s.batches as f64,
            scans: s.scans as f64,
            fsyncs: s.fsyncs as f64,
            torn_records_truncated: s.torn_records_truncated as f64,
            open_views: s.open_views as f64,
            expired_keys: s.expired_keys as f64,
            transactions: s.transactions as f64,
            conflicts: s.conflicts as f64,
        }
    }
}
