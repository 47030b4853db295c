//! `db.stats()`: the engine's counters as a plain JavaScript object. The fields are listed once,
//! below; the compiler checks them against the engine's `Stats`: a field the engine lacks does
//! not compile (`From`), and one the engine has and this list lacks fails the const assertion.

use napi_derive::napi;

/// Declares `Stats` (each field a number), its conversion from the engine's, and `FIELDS`.
macro_rules! node_stats {
    ($($(#[doc = $doc:literal])* $name:ident,)*) => {
        /// Counts and sizes of a store at one moment. Byte and operation counts are numbers
        /// (exact up to 2^53).
        #[napi(object)]
        pub struct Stats {
            $($(#[doc = $doc])* pub $name: f64,)*
        }

        impl From<scalodb::Stats> for Stats {
            fn from(s: scalodb::Stats) -> Stats {
                Stats { $($name: s.$name as f64,)* }
            }
        }

        const FIELDS: &[&str] = &[$(stringify!($name)),*];
    };
}

// Docs as `#[doc = "..."]` strings: napi's typings generator takes the raw strings that `///`
// comments become inside a macro literally.
node_stats! {
    #[doc = "Live keys."]
    keys,
    #[doc = "Bytes of the live keys."]
    key_bytes,
    #[doc = "Bytes of the live values."]
    value_bytes,
    #[doc = "Bytes of memory held for data, old versions kept for readers and the indexes."]
    memory_bytes,
    #[doc = "Bytes of log segments on disk."]
    wal_bytes,
    #[doc = "Log segment files on disk."]
    wal_segments,
    #[doc = "Sequence number covered by the last checkpoint (0 if none)."]
    last_checkpoint_seq,
    #[doc = "When the last checkpoint was written, in ms since the Unix epoch (0 if none)."]
    last_checkpoint_unix_ms,
    #[doc = "Keys written by the last checkpoint."]
    last_checkpoint_keys,
    #[doc = "Sequence number of the last commit."]
    sequence,
    gets,
    puts,
    deletes,
    batches,
    scans,
    #[doc = "fsync calls made on the log."]
    fsyncs,
    #[doc = "Torn records cut off the end of the log when the store was opened."]
    torn_records_truncated,
    #[doc = "Open snapshots, scans and checkpoints holding old versions."]
    open_views,
    #[doc = "Keys deleted to stay under the memory limit."]
    evictions,
    #[doc = "Keys whose TTL ran out and whose memory the background sweep reclaimed."]
    expired_keys,
    #[doc = "Transactions committed."]
    transactions,
    #[doc = "Transaction commits that failed with a conflict (each retry that conflicts counts)."]
    conflicts,
    #[doc = "Versions, items and index nodes unlinked but not yet freed (waiting for readers)."]
    pending_free_objects,
    #[doc = "Bytes of those, counted in `memoryBytes`."]
    pending_free_bytes,
}

/// Whether two lists of names are equal, at compile time.
const fn same_names(a: &[&str], b: &[&str]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        let (x, y) = (a[i].as_bytes(), b[i].as_bytes());
        if x.len() != y.len() {
            return false;
        }
        let mut j = 0;
        while j < x.len() {
            if x[j] != y[j] {
                return false;
            }
            j += 1;
        }
        i += 1;
    }
    true
}

const _: () = assert!(
    same_names(FIELDS, scalodb::Stats::FIELDS),
    "bindings/node/src/stats.rs must list every field of scalodb::Stats, in the same order"
);
