//! Whole-store operations: `scalodb_backup` (a consistent copy of an open database) and
//! `scalodb_verify` (a read-only check of a store's files), with its `scalodb_verify_report`.

use std::ffi::c_char;

use crate::args::{handle, out, path};
use crate::db::scalodb_db;
use crate::error::{guard, scalodb_error};
use crate::sized::copy_sized;
use crate::status::scalodb_status::{self, SCALODB_OK};

/// Writes a consistent copy of the database as of now into the directory `dest` (a NUL-terminated
/// path that must be empty or not exist yet), while other threads go on reading and writing. The
/// copy opens on its own with `scalodb_open`. Works for in-memory databases too.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db`, null or empty `dest`, `dest` not empty),
/// SCALODB_CLOSED, SCALODB_IO.
/// Ownership: `dest` stays the caller's. Threads: any thread, concurrently with any other call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_backup(
    db: *const scalodb_db,
    dest: *const c_char,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        // SAFETY: `db` is null or live; `dest` null or NUL-terminated (contract).
        let (h, dir) = unsafe { (handle(db, "db")?, path(dest)?) };
        h.db.backup(dir)?;
        Ok(SCALODB_OK)
    })
}

/// What `scalodb_verify` found in a healthy store. Set `struct_size` to
/// `sizeof(scalodb_verify_report)` before the call: as for `scalodb_stats`, the library fills only
/// the fields that fit, and fields are only ever added at the end.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct scalodb_verify_report {
    /// Set by the caller: sizeof(scalodb_verify_report) as compiled.
    pub struct_size: usize,
    /// Sequence number of the newest checkpoint (0 if there is none; see has_checkpoint).
    pub checkpoint_seq: u64,
    /// Entries in that checkpoint.
    pub checkpoint_entries: u64,
    /// Log segment files.
    pub segments: u64,
    /// Log records after the checkpoint, all checked.
    pub records: u64,
    /// Sequence number of the last record (or of the checkpoint).
    pub last_seq: u64,
    /// Whether the store has a checkpoint.
    pub has_checkpoint: bool,
    /// A torn record at the end of the log, which opening the store would cut off (not damage).
    pub torn_tail: bool,
}

/// Reads every checkpoint entry and log record of the store in directory `dir` (NUL-terminated)
/// and checks their checksums, framing and order, changing nothing and taking no lock. Run it on a
/// closed store (or a backup) for an exact answer. On SCALODB_OK `*report` describes the store.
///
/// Errors: SCALODB_CORRUPTION (the message names the file and offset), SCALODB_INVALID_ARGUMENT
/// (null or empty `dir`, `dir` not a directory, null `report`, `struct_size` too small), SCALODB_IO.
/// Ownership: `dir` stays the caller's; `*report` is the caller's memory.
/// Threads: any thread.
#[no_mangle]
pub unsafe extern "C" fn scalodb_verify(
    dir: *const c_char,
    report: *mut scalodb_verify_report,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        let dest = out(report, "report")?;
        // SAFETY: `dir` is null or NUL-terminated (contract).
        let found = scalodb::verify(unsafe { path(dir) }?)?;
        let full = scalodb_verify_report {
            struct_size: std::mem::size_of::<scalodb_verify_report>(),
            checkpoint_seq: found.checkpoint_seq.unwrap_or(0),
            checkpoint_entries: found.checkpoint_entries,
            segments: found.segments,
            records: found.records,
            last_seq: found.last_seq,
            has_checkpoint: found.checkpoint_seq.is_some(),
            torn_tail: found.torn_tail,
        };
        // SAFETY: `dest` is non-null and the caller's struct has `struct_size` bytes (contract).
        unsafe { copy_sized(dest, &full, "report") }?;
        Ok(SCALODB_OK)
    })
}
