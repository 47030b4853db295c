//! `Stats`: what `Db::stats` reports. The fields are declared once, in the `stats!` list below,
//! which also gives `Stats::FIELDS` and `Stats::values`: every binding (C, Go, Python, Node) is
//! checked against that list by a test, so a counter added here cannot be forgotten in one.

/// Declares `Stats` from one list of documented `u64` fields, with its `FIELDS` and `values`.
macro_rules! stats {
    ($($(#[doc = $doc:literal])* $name:ident,)*) => {
        /// A picture of a database at one moment.
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        #[non_exhaustive]
        pub struct Stats {
            $($(#[doc = $doc])* pub $name: u64,)*
        }

        impl Stats {
            /// The names of the fields, in declaration order, which is also the order of the C
            /// ABI's `scalodb_stats` fields: a new field goes at the end, where a program built
            /// against an older (smaller) C struct does not see it.
            pub const FIELDS: &'static [&'static str] = &[$(stringify!($name)),*];

            /// The values of the fields, in the order of `FIELDS`.
            pub fn values(&self) -> Vec<u64> {
                vec![$(self.$name),*]
            }

            /// `(name, value)` for every field, in the order of `FIELDS`.
            pub fn fields(&self) -> impl Iterator<Item = (&'static str, u64)> {
                Self::FIELDS.iter().copied().zip(self.values())
            }
        }
    };
}

stats! {
    /// Live keys (not deleted).
    keys,
    /// Bytes of the live keys.
    key_bytes,
    /// Bytes of the live values.
    value_bytes,
    /// Bytes of memory held for data: items, versions kept for readers, the indexes, and memory
    /// already unlinked that is waiting for readers to move on (`pending_free_bytes`).
    memory_bytes,
    /// Bytes in the log segments on disk.
    wal_bytes,
    /// Log segment files on disk.
    wal_segments,
    /// Sequence number covered by the last checkpoint (0 if none).
    last_checkpoint_seq,
    /// When the last checkpoint was written, in ms since the Unix epoch (0 if none).
    last_checkpoint_unix_ms,
    /// Keys written by the last checkpoint.
    last_checkpoint_keys,
    /// Sequence number of the last commit.
    sequence,
    /// Point reads since the store was opened.
    gets,
    /// Puts since the store was opened (each pair of a `put_many` counts).
    puts,
    /// Deletes since the store was opened.
    deletes,
    /// Batches written since the store was opened.
    batches,
    /// Scans (iterators) opened since the store was opened.
    scans,
    /// fsync calls made on the log (group commit makes this far fewer than durable writes).
    fsyncs,
    /// Torn records cut off the end of the log when the store was opened.
    torn_records_truncated,
    /// Open snapshots, scans and checkpoints holding old versions.
    open_views,
    /// Keys deleted to stay under `Options::max_memory`.
    evictions,
    /// Keys whose time-to-live ran out and whose memory was reclaimed.
    expired_keys,
    /// Transactions committed.
    transactions,
    /// Transaction commits that failed with a conflict.
    conflicts,
    /// Objects (versions, items, index nodes) unlinked but not yet freed: they wait for readers
    /// that might hold them to move on, which takes milliseconds. Stays small under any load.
    pending_free_objects,
    /// Bytes of the versions and items among `pending_free_objects`.
    pending_free_bytes,
}
