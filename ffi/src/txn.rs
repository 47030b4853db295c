//! `scalodb_txn`: an optimistic, serializable transaction. It reads from a snapshot taken at
//! `scalodb_txn_begin`, buffers its writes, and at `scalodb_txn_commit` applies them atomically
//! unless something it read, wrote or scanned changed meanwhile (then SCALODB_CONFLICT, and
//! nothing is written: run it again).

use std::collections::VecDeque;
use std::ffi::c_void;

use scalodb::Transaction;

use crate::args::{bytes, handle, handle_mut, out};
use crate::db::{give_copy, scalodb_db};
use crate::error::{guard, guard_value, scalodb_error, Failure};
use crate::iterator::{give, prefix_arg, range, range_args, scalodb_iterator, Source};
use crate::status::scalodb_status::{self, SCALODB_OK};

/// A transaction in progress. Once committed or rolled back it is finished: every later call but
/// `scalodb_txn_free` returns SCALODB_INVALID_ARGUMENT.
///
/// Ownership: made by `scalodb_txn_begin`, freed by `scalodb_txn_free` (which rolls back a
/// transaction that was neither committed nor rolled back). It may outlive its database handle;
/// once the database is closed its reads, scans and commit return SCALODB_CLOSED.
/// Threads: not synchronised: one thread at a time per transaction (it may move between threads).
/// Any number of transactions may run at once on one database.
pub struct scalodb_txn {
    inner: Option<Transaction>,
}

impl scalodb_txn {
    fn live(&mut self) -> Result<&mut Transaction, Failure> {
        self.inner.as_mut().ok_or_else(|| Failure::invalid("the transaction was already committed or rolled back"))
    }

    fn finish(&mut self) -> Result<Transaction, Failure> {
        self.inner.take().ok_or_else(|| Failure::invalid("the transaction was already committed or rolled back"))
    }
}

/// Checks a transaction handle and hands its live transaction to `body`.
///
/// # Safety
/// `txn` must be null or a live transaction handle that no other thread uses now.
unsafe fn with_txn(
    txn: *mut scalodb_txn,
    err: *mut *mut scalodb_error,
    body: impl FnOnce(&mut Transaction) -> Result<scalodb_status, Failure>,
) -> scalodb_status {
    guard(err, || {
        // SAFETY: forwarded from the caller.
        body(unsafe { handle_mut(txn, "txn") }?.live()?)
    })
}

/// Starts a transaction that reads from a snapshot of the current version.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `txn`), SCALODB_CLOSED.
/// Ownership: the caller owns `*txn` and frees it with `scalodb_txn_free`.
/// Threads: any thread, concurrently with any other call on `db`.
#[no_mangle]
pub unsafe extern "C" fn scalodb_txn_begin(
    db: *const scalodb_db,
    txn: *mut *mut scalodb_txn,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        let dest = out(txn, "txn")?;
        // SAFETY: `db` is null or a live handle per the contract.
        let inner = unsafe { handle(db, "db") }?.db.begin()?;
        // SAFETY: checked non-null and writable; the caller frees the box with `scalodb_txn_free`.
        unsafe { dest.write(Box::into_raw(Box::new(scalodb_txn { inner: Some(inner) }))) };
        Ok(SCALODB_OK)
    })
}

/// Frees a transaction, rolling it back if it was neither committed nor rolled back. Null is
/// accepted and does nothing.
///
/// Ownership: `txn` must not be used afterwards. Threads: no other thread may be using it.
#[no_mangle]
pub unsafe extern "C" fn scalodb_txn_free(txn: *mut scalodb_txn) {
    guard_value((), || {
        if !txn.is_null() {
            // SAFETY: made by `scalodb_txn_begin` with `Box::into_raw`; the caller gives it up.
            drop(unsafe { Box::from_raw(txn) });
        }
    })
}

/// The value of `key` as the transaction sees it: its own writes first, then its snapshot. Results
/// as for `scalodb_get` (SCALODB_OK with a new buffer, or SCALODB_NOT_FOUND with NULL and 0). The key
/// counts as read: a commit by someone else that changes it before this transaction commits makes
/// the commit fail with SCALODB_CONFLICT.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `txn`, `value` or `value_len`; a finished transaction),
/// SCALODB_CLOSED.
/// Ownership: the caller owns `*value` and frees it with `scalodb_free`.
/// Threads: one thread at a time per transaction.
#[no_mangle]
pub unsafe extern "C" fn scalodb_txn_get(
    txn: *mut scalodb_txn,
    key: *const c_void,
    key_len: usize,
    value: *mut *mut u8,
    value_len: *mut usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: `txn` per the contract of `with_txn`; the other pointers per this function's.
    unsafe {
        with_txn(txn, err, |t| {
            let (value, value_len) = (out(value, "value")?, out(value_len, "value_len")?);
            let found = t.get(bytes(key, key_len, "key")?)?;
            give_copy(found, value, value_len)
        })
    }
}

/// Buffers "set `key` to `value`" in the transaction; it is written at commit. Size limits are
/// checked at commit.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `txn`, a null pointer with a length above 0, a finished
/// transaction).
/// Ownership: `key` and `value` are copied. Threads: one thread at a time per transaction.
#[no_mangle]
pub unsafe extern "C" fn scalodb_txn_put(
    txn: *mut scalodb_txn,
    key: *const c_void,
    key_len: usize,
    value: *const c_void,
    value_len: usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: `txn` per the contract of `with_txn`; key and value point to their lengths.
    unsafe {
        with_txn(txn, err, |t| {
            t.put(bytes(key, key_len, "key")?, bytes(value, value_len, "value")?);
            Ok(SCALODB_OK)
        })
    }
}

/// Buffers "delete `key`" in the transaction.
///
/// Errors, ownership and threads: as for `scalodb_txn_put`.
#[no_mangle]
pub unsafe extern "C" fn scalodb_txn_delete(
    txn: *mut scalodb_txn,
    key: *const c_void,
    key_len: usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: `txn` per the contract of `with_txn`; `key` points to `key_len` bytes.
    unsafe {
        with_txn(txn, err, |t| {
            t.delete(bytes(key, key_len, "key")?);
            Ok(SCALODB_OK)
        })
    }
}

/// An iterator over the keys `k` with `start <= k < end` as the transaction sees them (its
/// snapshot merged with its own writes); bounds as for `scalodb_scan`. The whole range counts as
/// read: a key added to it, changed or removed by another commit makes this commit conflict. The
/// entries are gathered when this is called, so the iterator does not see later writes of the
/// transaction.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `txn` or `iterator`, a null bound with a length above
/// 0, a finished transaction), SCALODB_CLOSED.
/// Ownership: the caller owns `*iterator` and frees it with `scalodb_iterator_free`; it may
/// outlive the transaction. Threads: one thread at a time per transaction.
#[no_mangle]
pub unsafe extern "C" fn scalodb_txn_scan(
    txn: *mut scalodb_txn,
    start: *const c_void,
    start_len: usize,
    end: *const c_void,
    end_len: usize,
    iterator: *mut *mut scalodb_iterator,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: `txn` per the contract of `with_txn`; bounds point to their lengths; `iterator` is
    // null or writable.
    unsafe {
        with_txn(txn, err, |t| {
            let (lo, hi) = range_args(start, start_len, end, end_len)?;
            out(iterator, "iterator")?;
            give(iterator, || Ok(Source::Gathered(VecDeque::from(t.scan::<&[u8]>(range(lo, hi))?))))
        })
    }
}

/// An iterator over the keys starting with `prefix` as the transaction sees them; as
/// `scalodb_txn_scan`.
#[no_mangle]
pub unsafe extern "C" fn scalodb_txn_scan_prefix(
    txn: *mut scalodb_txn,
    prefix: *const c_void,
    prefix_len: usize,
    iterator: *mut *mut scalodb_iterator,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: `txn` per the contract of `with_txn`; `prefix` points to its length; `iterator` is
    // null or writable.
    unsafe {
        with_txn(txn, err, |t| {
            let p = prefix_arg(prefix, prefix_len)?;
            out(iterator, "iterator")?;
            give(iterator, || Ok(Source::Gathered(VecDeque::from(t.scan_prefix(p)?))))
        })
    }
}

/// The sequence number of the snapshot the transaction reads.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `txn` or `sequence`, a finished transaction).
/// Threads: one thread at a time per transaction.
#[no_mangle]
pub unsafe extern "C" fn scalodb_txn_sequence(
    txn: *mut scalodb_txn,
    sequence: *mut u64,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: `txn` per the contract of `with_txn`; `sequence` null (refused) or writable.
    unsafe {
        with_txn(txn, err, |t| {
            out(sequence, "sequence")?.write(t.sequence());
            Ok(SCALODB_OK)
        })
    }
}

/// Commits: checks that nothing the transaction read, wrote or scanned was changed by another
/// commit since its snapshot, then applies all its writes atomically (one log record). Either way
/// the transaction is finished afterwards; free it with `scalodb_txn_free`. A transaction with no
/// writes commits without checking (it saw one consistent snapshot).
///
/// Errors: SCALODB_CONFLICT (nothing was written: begin a new transaction and run it again),
/// SCALODB_INVALID_ARGUMENT (null `txn`, already finished), SCALODB_KEY_TOO_LARGE,
/// SCALODB_VALUE_TOO_LARGE, SCALODB_CLOSED, SCALODB_READ_ONLY, SCALODB_IO.
/// Threads: any thread, one at a time per transaction.
#[no_mangle]
pub unsafe extern "C" fn scalodb_txn_commit(txn: *mut scalodb_txn, err: *mut *mut scalodb_error) -> scalodb_status {
    guard(err, || {
        // SAFETY: `txn` is null or a live handle no other thread uses (contract).
        let t = unsafe { handle_mut(txn, "txn") }?.finish()?;
        t.commit()?;
        Ok(SCALODB_OK)
    })
}

/// Drops every buffered write; the transaction is finished afterwards.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `txn`, already finished).
/// Threads: one thread at a time per transaction.
#[no_mangle]
pub unsafe extern "C" fn scalodb_txn_rollback(txn: *mut scalodb_txn, err: *mut *mut scalodb_error) -> scalodb_status {
    guard(err, || {
        // SAFETY: `txn` is null or a live handle no other thread uses (contract).
        unsafe { handle_mut(txn, "txn") }?.finish()?.rollback();
        Ok(SCALODB_OK)
    })
}
