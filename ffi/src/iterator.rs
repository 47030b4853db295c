//! `scalodb_iterator`: ordered iteration over a range or a prefix, from either end, of a database,
//! a snapshot or a transaction.

use std::collections::VecDeque;
use std::ffi::c_void;
use std::ops::Bound;

use scalodb::Iter;

use crate::args::{bound, bytes, handle, handle_mut, out, write_opt};
use crate::db::scalodb_db;
use crate::error::{guard, guard_value, scalodb_error, Failure};
use crate::status::scalodb_status::{self, SCALODB_END, SCALODB_OK};

/// An iterator over the entries of a range, in key order (bytewise, like memcmp), all from one
/// consistent version: writes made after it was created are not seen. It streams, so memory stays
/// small whatever the range.
///
/// Ownership: made by `scalodb_scan`, `scalodb_scan_prefix`, `scalodb_snapshot_scan`,
/// `scalodb_snapshot_scan_prefix`, `scalodb_txn_scan` or `scalodb_txn_scan_prefix`; freed by
/// `scalodb_iterator_free`. It may outlive its database handle, snapshot or transaction (a
/// database or snapshot iterator then returns SCALODB_CLOSED once the database is closed).
/// Threads: not synchronised: one thread at a time per iterator (it may move between threads).
pub struct scalodb_iterator {
    iter: Source,
    /// The entry last returned, which the caller reads in place until its next call.
    current: Option<(Vec<u8>, Vec<u8>)>,
}

/// Where an iterator's entries come from.
pub(crate) enum Source {
    /// A streaming iterator of the store (a database or a snapshot).
    Store(Iter),
    /// Entries already gathered (a transaction's scan, which merges its own writes).
    Gathered(VecDeque<(Vec<u8>, Vec<u8>)>),
}

impl Source {
    fn step(&mut self, from_back: bool) -> Option<scalodb::Result<(Vec<u8>, Vec<u8>)>> {
        match self {
            Source::Store(it) if from_back => it.next_back(),
            Source::Store(it) => it.next(),
            Source::Gathered(entries) if from_back => entries.pop_back().map(Ok),
            Source::Gathered(entries) => entries.pop_front().map(Ok),
        }
    }
}

/// A range given as optional (start, end) keys; `None` is unbounded.
pub(crate) type KeyRange<'a> = (Option<&'a [u8]>, Option<&'a [u8]>);

/// The bounds of `[start, end)`, where a missing end is unbounded.
pub(crate) fn range<'a>(start: Option<&'a [u8]>, end: Option<&'a [u8]>) -> (Bound<&'a [u8]>, Bound<&'a [u8]>) {
    (start.map_or(Bound::Unbounded, Bound::Included), end.map_or(Bound::Unbounded, Bound::Excluded))
}

/// Reads (`start`, `end`) range arguments: null means unbounded (with length 0).
///
/// # Safety
/// Each non-null pointer must point to its length in readable bytes.
pub(crate) unsafe fn range_args<'a>(
    start: *const c_void,
    start_len: usize,
    end: *const c_void,
    end_len: usize,
) -> Result<KeyRange<'a>, Failure> {
    // SAFETY: forwarded from the caller.
    unsafe { Ok((bound(start, start_len, "start")?, bound(end, end_len, "end")?)) }
}

/// Reads a prefix argument (null only with length 0, the empty prefix: everything).
///
/// # Safety
/// `prefix` must be null or point to `prefix_len` readable bytes.
pub(crate) unsafe fn prefix_arg<'a>(prefix: *const c_void, prefix_len: usize) -> Result<&'a [u8], Failure> {
    // SAFETY: forwarded from the caller.
    unsafe { bytes(prefix, prefix_len, "prefix") }
}

/// Hands a new iterator to the caller's output pointer.
///
/// # Safety
/// `dest` must be null (then SCALODB_INVALID_ARGUMENT) or writable.
pub(crate) unsafe fn give(
    dest: *mut *mut scalodb_iterator,
    make: impl FnOnce() -> Result<Source, Failure>,
) -> Result<scalodb_status, Failure> {
    let dest = out(dest, "iterator")?;
    let iter = make()?;
    let boxed = Box::into_raw(Box::new(scalodb_iterator { iter, current: None }));
    // SAFETY: checked non-null, writable per the contract; the caller frees the box with
    // `scalodb_iterator_free`.
    unsafe { dest.write(boxed) };
    Ok(SCALODB_OK)
}

/// An iterator over the keys `k` with `start <= k < end` of the database's current version.
/// `start` null (with `start_len` 0) means from the first key; `end` null (with `end_len` 0) means
/// to the last. For an inclusive end, append a 0 byte to it. `start` = `end` = NULL iterates
/// everything.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `iterator`, a null bound with a length above 0),
/// SCALODB_CLOSED.
/// Ownership: `start` and `end` are copied. The caller owns `*iterator` and frees it with
/// `scalodb_iterator_free`.
/// Threads: any thread, concurrently with any other call on `db`.
#[no_mangle]
pub unsafe extern "C" fn scalodb_scan(
    db: *const scalodb_db,
    start: *const c_void,
    start_len: usize,
    end: *const c_void,
    end_len: usize,
    iterator: *mut *mut scalodb_iterator,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        // SAFETY: `db` is null or live; bounds point to their lengths; `iterator` is null or
        // writable (contract).
        unsafe {
            let h = handle(db, "db")?;
            let (lo, hi) = range_args(start, start_len, end, end_len)?;
            give(iterator, || Ok(Source::Store(h.db.scan::<&[u8]>(range(lo, hi))?)))
        }
    })
}

/// An iterator over the keys that start with `prefix`, in order, of the database's current version.
/// An empty prefix (NULL with length 0) iterates everything.
///
/// Errors, ownership and threads: as for `scalodb_scan`.
#[no_mangle]
pub unsafe extern "C" fn scalodb_scan_prefix(
    db: *const scalodb_db,
    prefix: *const c_void,
    prefix_len: usize,
    iterator: *mut *mut scalodb_iterator,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        // SAFETY: `db` is null or live; `prefix` points to its length; `iterator` is null or
        // writable (contract).
        unsafe {
            let h = handle(db, "db")?;
            let p = prefix_arg(prefix, prefix_len)?;
            give(iterator, || Ok(Source::Store(h.db.scan_prefix(p)?)))
        }
    })
}

/// Steps an iterator from one end and exposes the entry in place.
///
/// # Safety
/// `iterator` must be null or live and unused by other threads; each output null or writable.
unsafe fn step(
    iterator: *mut scalodb_iterator,
    from_back: bool,
    key: *mut *const u8,
    key_len: *mut usize,
    value: *mut *const u8,
    value_len: *mut usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        // SAFETY: forwarded from the caller.
        let it = unsafe { handle_mut(iterator, "iterator") }?;
        let next = it.iter.step(from_back);
        // The previous entry is released here: the caller was told its pointers last until now.
        it.current = next.transpose()?;
        let (k, v, status): (&[u8], &[u8], _) = match &it.current {
            Some((k, v)) => (k, v, SCALODB_OK),
            None => (&[], &[], SCALODB_END),
        };
        let null_if_end = |s: &[u8]| if status == SCALODB_END { std::ptr::null() } else { s.as_ptr() };
        // SAFETY: each output is null (skipped) or writable per the contract.
        unsafe {
            write_opt(key, null_if_end(k));
            write_opt(key_len, k.len());
            write_opt(value, null_if_end(v));
            write_opt(value_len, v.len());
        }
        Ok(status)
    })
}

/// Moves to the next entry from the front (ascending order). On SCALODB_OK the outputs point to the
/// entry's key and value; on SCALODB_END (no entries left; returned again on later calls) they are
/// set to NULL and 0. Any output may be NULL if not wanted. The front and the back of one iterator
/// meet in the middle: together they return each entry once.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `iterator`), SCALODB_CLOSED. After an error the iterator
/// returns SCALODB_END.
/// Ownership: the key and value bytes belong to the iterator and stay valid until the next call of
/// `scalodb_iterator_next`, `scalodb_iterator_next_back` or `scalodb_iterator_free` on it; copy
/// them to keep them. Never free them.
/// Threads: one thread at a time per iterator.
#[no_mangle]
pub unsafe extern "C" fn scalodb_iterator_next(
    iterator: *mut scalodb_iterator,
    key: *mut *const u8,
    key_len: *mut usize,
    value: *mut *const u8,
    value_len: *mut usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: the contract of this function is the contract of `step`.
    unsafe { step(iterator, false, key, key_len, value, value_len, err) }
}

/// Moves to the next entry from the back (descending order): iterate a range in reverse by calling
/// only this. Otherwise as `scalodb_iterator_next`.
#[no_mangle]
pub unsafe extern "C" fn scalodb_iterator_next_back(
    iterator: *mut scalodb_iterator,
    key: *mut *const u8,
    key_len: *mut usize,
    value: *mut *const u8,
    value_len: *mut usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: the contract of this function is the contract of `step`.
    unsafe { step(iterator, true, key, key_len, value, value_len, err) }
}

/// Frees an iterator and the version it pinned. Null is accepted and does nothing.
///
/// Ownership: `iterator` and the entry pointers it gave must not be used afterwards.
/// Threads: no other thread may be using it.
#[no_mangle]
pub unsafe extern "C" fn scalodb_iterator_free(iterator: *mut scalodb_iterator) {
    guard_value((), || {
        if !iterator.is_null() {
            // SAFETY: made by `give` with `Box::into_raw`; the caller gives it up.
            drop(unsafe { Box::from_raw(iterator) });
        }
    })
}
