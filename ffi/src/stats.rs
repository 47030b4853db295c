//! `scalodb_stats`: counts and sizes of a database, in a struct that carries its own size so that
//! fields can be added at the end without breaking programs compiled with an older header. Its
//! fields are the engine's `Stats::FIELDS`, in that order; a test checks this struct and the
//! committed header against that list.

use crate::args::{handle, out};
use crate::db::scalodb_db;
use crate::error::{guard, scalodb_error};
use crate::sized::copy_sized;
use crate::status::scalodb_status::{self, SCALODB_OK};

/// A picture of a database at one moment. Set `struct_size` to `sizeof(scalodb_stats)` before
/// calling `scalodb_get_stats`: the library fills only the fields that fit in that size, so a
/// program built against an older header (a smaller struct) keeps working with a newer library.
/// Fields are only ever added at the end.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct scalodb_stats {
    /// Set by the caller: sizeof(scalodb_stats) as compiled.
    pub struct_size: usize,
    /// Live keys (not deleted).
    pub keys: u64,
    /// Bytes of the live keys.
    pub key_bytes: u64,
    /// Bytes of the live values.
    pub value_bytes: u64,
    /// Bytes of memory held for data: items, versions kept for readers, the indexes, and memory
    /// unlinked that waits for readers to move on (`pending_free_bytes`).
    pub memory_bytes: u64,
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
    /// Reads since the database was opened.
    pub gets: u64,
    /// Puts since the database was opened.
    pub puts: u64,
    /// Deletes since the database was opened.
    pub deletes: u64,
    /// Batches written since the database was opened.
    pub batches: u64,
    /// Iterators created since the database was opened.
    pub scans: u64,
    /// fsync calls made on the log (group commit makes this far fewer than durable writes).
    pub fsyncs: u64,
    /// Torn records cut off the end of the log when the database was opened.
    pub torn_records_truncated: u64,
    /// Open snapshots, iterators and checkpoints holding old versions.
    pub open_views: u64,
    /// Keys deleted to stay under the memory limit (`scalodb_options_set_max_memory`).
    pub evictions: u64,
    /// Keys whose time-to-live ran out and whose memory was reclaimed.
    pub expired_keys: u64,
    /// Transactions committed.
    pub transactions: u64,
    /// Transaction commits that failed with a conflict (every `scalodb_txn_commit` that returned
    /// SCALODB_CONFLICT included).
    pub conflicts: u64,
    /// Objects (versions, items, index nodes) unlinked but not yet freed: they wait for readers
    /// that may still hold them, which takes milliseconds.
    pub pending_free_objects: u64,
    /// Bytes of the versions and items among `pending_free_objects` (counted in `memory_bytes`).
    pub pending_free_bytes: u64,
}

/// The core's stats in the C layout.
fn from_core(s: &scalodb::Stats) -> scalodb_stats {
    scalodb_stats {
        struct_size: std::mem::size_of::<scalodb_stats>(),
        keys: s.keys,
        key_bytes: s.key_bytes,
        value_bytes: s.value_bytes,
        memory_bytes: s.memory_bytes,
        wal_bytes: s.wal_bytes,
        wal_segments: s.wal_segments,
        last_checkpoint_seq: s.last_checkpoint_seq,
        last_checkpoint_unix_ms: s.last_checkpoint_unix_ms,
        last_checkpoint_keys: s.last_checkpoint_keys,
        sequence: s.sequence,
        gets: s.gets,
        puts: s.puts,
        deletes: s.deletes,
        batches: s.batches,
        scans: s.scans,
        fsyncs: s.fsyncs,
        torn_records_truncated: s.torn_records_truncated,
        open_views: s.open_views,
        evictions: s.evictions,
        expired_keys: s.expired_keys,
        transactions: s.transactions,
        conflicts: s.conflicts,
        pending_free_objects: s.pending_free_objects,
        pending_free_bytes: s.pending_free_bytes,
    }
}

/// Fills `*stats` with the current counts and sizes. `stats->struct_size` must be set by the
/// caller (normally to sizeof(scalodb_stats)); fields beyond it are not touched, and
/// `struct_size` itself is left as the caller set it.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `stats`, `struct_size` smaller than the
/// struct_size field), SCALODB_CLOSED.
/// Ownership: `*stats` is the caller's memory (usually on its stack).
/// Threads: any thread, concurrently with any other call on `db`.
#[no_mangle]
pub unsafe extern "C" fn scalodb_get_stats(
    db: *const scalodb_db,
    stats: *mut scalodb_stats,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        let dest = out(stats, "stats")?;
        // SAFETY: `db` is null or a live handle per the contract.
        let full = from_core(&unsafe { handle(db, "db") }?.db.stats()?);
        // SAFETY: `dest` is non-null and the caller's struct has `struct_size` bytes (contract).
        unsafe { copy_sized(dest, &full, "stats") }?;
        Ok(SCALODB_OK)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The field names of `typedef struct { ... } scalodb_stats;` in the committed header.
    fn header_fields() -> Vec<String> {
        let header = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../include/scalodb.h")).unwrap();
        let end = header.find("} scalodb_stats;").expect("the header declares scalodb_stats");
        let start = header[..end].rfind("typedef struct").expect("a typedef struct before it");
        header[start..end]
            .lines()
            .map(str::trim)
            .filter(|l| !l.starts_with('*') && !l.starts_with("/*") && l.ends_with(';'))
            .map(|l| l.trim_end_matches(';').rsplit(' ').next().unwrap().to_string())
            .collect()
    }

    #[test]
    fn the_c_struct_mirrors_every_engine_counter_in_order() {
        let mut want = vec!["struct_size".to_string()];
        want.extend(scalodb::Stats::FIELDS.iter().map(|f| f.to_string()));
        assert_eq!(header_fields(), want, "include/scalodb.h's scalodb_stats and the engine's Stats differ");
        assert_eq!(std::mem::size_of::<scalodb_stats>(), 8 * want.len(), "a field is not a u64, or one is missing");
    }

    #[test]
    fn each_counter_lands_in_its_own_field() {
        let db = scalodb::Db::memory();
        db.put("a", "1").unwrap();
        db.put("b", "22").unwrap();
        db.delete("a").unwrap();
        let core = db.stats().unwrap();
        let c = from_core(&core);
        // The C struct read as struct_size followed by u64 fields, in the header's order.
        // SAFETY: scalodb_stats is repr(C) with a usize and then only u64 fields (checked above),
        // so it is a sequence of 8-byte integers.
        let words: &[u64] = unsafe {
            std::slice::from_raw_parts(
                &c as *const scalodb_stats as *const u64,
                std::mem::size_of::<scalodb_stats>() / 8,
            )
        };
        assert_eq!(&words[1..], core.values().as_slice());
    }
}
