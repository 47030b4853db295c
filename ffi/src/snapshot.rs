//! `scalodb_snapshot`: a read view fixed at one version, with get and iterators of its own.

use std::ffi::c_void;

use scalodb::Snapshot;

use crate::args::{bytes, handle, out};
use crate::db::{give_copy, scalodb_db};
use crate::error::{guard, guard_value, scalodb_error};
use crate::iterator::{give, prefix_arg, range, range_args, scalodb_iterator, Source};
use crate::status::scalodb_status::{self, SCALODB_OK};
use crate::value::scalodb_value;

/// A consistent, unchanging view of the database as it was when the snapshot was taken. The
/// versions it can see are kept in memory until it is freed, so free snapshots you are done with.
///
/// Ownership: made by `scalodb_snapshot_new`, freed by `scalodb_snapshot_free`. It may outlive its
/// database handle (it then returns SCALODB_CLOSED once the database is closed).
/// Threads: every function taking a `const scalodb_snapshot *` may be called from any number of
/// threads at once; `scalodb_snapshot_free` must be the last call.
pub struct scalodb_snapshot {
    snap: Snapshot,
}

/// Takes a snapshot of the current version (cheap: one registration, no copy).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `snapshot`), SCALODB_CLOSED.
/// Ownership: the caller owns `*snapshot` and frees it with `scalodb_snapshot_free`.
/// Threads: any thread, concurrently with any other call on `db`.
#[no_mangle]
pub unsafe extern "C" fn scalodb_snapshot_new(
    db: *const scalodb_db,
    snapshot: *mut *mut scalodb_snapshot,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        let dest = out(snapshot, "snapshot")?;
        // SAFETY: `db` is null or a live handle per the contract.
        let snap = unsafe { handle(db, "db") }?.db.snapshot()?;
        // SAFETY: `dest` was checked non-null and is writable; the caller frees the box with
        // `scalodb_snapshot_free`.
        unsafe { dest.write(Box::into_raw(Box::new(scalodb_snapshot { snap }))) };
        Ok(SCALODB_OK)
    })
}

/// Frees a snapshot, releasing the versions it kept. Null is accepted and does nothing.
/// Iterators made from it stay valid.
///
/// Ownership: `snapshot` must not be used afterwards. Threads: no other thread may be using it.
#[no_mangle]
pub unsafe extern "C" fn scalodb_snapshot_free(snapshot: *mut scalodb_snapshot) {
    guard_value((), || {
        if !snapshot.is_null() {
            // SAFETY: made by `scalodb_snapshot_new` with `Box::into_raw`; the caller gives it up.
            drop(unsafe { Box::from_raw(snapshot) });
        }
    })
}

/// The value of `key` as of the snapshot, copied into a new buffer: as `scalodb_get`.
///
/// Errors: SCALODB_INVALID_ARGUMENT, SCALODB_CLOSED.
/// Ownership: the caller frees `*value` with `scalodb_free`.
/// Threads: any thread, concurrently with other calls on the snapshot.
#[no_mangle]
pub unsafe extern "C" fn scalodb_snapshot_get(
    snapshot: *const scalodb_snapshot,
    key: *const c_void,
    key_len: usize,
    value: *mut *mut u8,
    value_len: *mut usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        let (value, value_len) = (out(value, "value")?, out(value_len, "value_len")?);
        // SAFETY: `snapshot` is null or live; `key` points to `key_len` bytes (contract).
        let (s, k) = unsafe { (handle(snapshot, "snapshot")?, bytes(key, key_len, "key")?) };
        let found = s.snap.get(k)?;
        // SAFETY: both outputs were checked non-null and are writable per the contract.
        unsafe { give_copy(found, value, value_len) }
    })
}

/// The value of `key` as of the snapshot, without a second copy: as `scalodb_get_pinned`.
///
/// Ownership: the caller frees `*value` with `scalodb_value_free`.
/// Threads: any thread, concurrently with other calls on the snapshot.
#[no_mangle]
pub unsafe extern "C" fn scalodb_snapshot_get_pinned(
    snapshot: *const scalodb_snapshot,
    key: *const c_void,
    key_len: usize,
    value: *mut *mut scalodb_value,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        let value = out(value, "value")?;
        // SAFETY: `snapshot` is null or live; `key` points to `key_len` bytes (contract).
        let (s, k) = unsafe { (handle(snapshot, "snapshot")?, bytes(key, key_len, "key")?) };
        let found = s.snap.get(k)?;
        // SAFETY: `value` was checked non-null and is writable per the contract.
        Ok(unsafe { scalodb_value::give(found, value) })
    })
}

/// An iterator over `[start, end)` as of the snapshot: arguments as for `scalodb_scan`.
///
/// Ownership: the caller frees `*iterator` with `scalodb_iterator_free`; it may outlive the snapshot.
/// Threads: any thread, concurrently with other calls on the snapshot.
#[no_mangle]
pub unsafe extern "C" fn scalodb_snapshot_scan(
    snapshot: *const scalodb_snapshot,
    start: *const c_void,
    start_len: usize,
    end: *const c_void,
    end_len: usize,
    iterator: *mut *mut scalodb_iterator,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        // SAFETY: `snapshot` is null or live; bounds point to their lengths; `iterator` is null or
        // writable (contract).
        unsafe {
            let s = handle(snapshot, "snapshot")?;
            let (lo, hi) = range_args(start, start_len, end, end_len)?;
            give(iterator, || Ok(Source::Store(s.snap.scan::<&[u8]>(range(lo, hi))?)))
        }
    })
}

/// An iterator over the keys starting with `prefix` as of the snapshot: as `scalodb_scan_prefix`.
///
/// Ownership and threads: as for `scalodb_snapshot_scan`.
#[no_mangle]
pub unsafe extern "C" fn scalodb_snapshot_scan_prefix(
    snapshot: *const scalodb_snapshot,
    prefix: *const c_void,
    prefix_len: usize,
    iterator: *mut *mut scalodb_iterator,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        // SAFETY: `snapshot` is null or live; `prefix` points to its length; `iterator` is null or
        // writable (contract).
        unsafe {
            let s = handle(snapshot, "snapshot")?;
            let p = prefix_arg(prefix, prefix_len)?;
            give(iterator, || Ok(Source::Store(s.snap.scan_prefix(p)?)))
        }
    })
}

/// The sequence number the snapshot reads at (the number of the last commit it sees).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `snapshot` or `sequence`).
/// Threads: any thread, concurrently with other calls on the snapshot.
#[no_mangle]
pub unsafe extern "C" fn scalodb_snapshot_sequence(
    snapshot: *const scalodb_snapshot,
    sequence: *mut u64,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        let dest = out(sequence, "sequence")?;
        // SAFETY: `snapshot` is null or live; `dest` checked non-null and writable (contract).
        unsafe { dest.write(handle(snapshot, "snapshot")?.snap.sequence()) };
        Ok(SCALODB_OK)
    })
}
