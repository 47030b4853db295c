//! `scalodb_batch`: writes collected in C and applied atomically by `scalodb_write`.

use std::ffi::c_void;
use std::time::Duration;

use scalodb::WriteBatch;

use crate::args::{bytes, handle, handle_mut};
use crate::db::scalodb_db;
use crate::error::{guard, guard_value, scalodb_error, Failure};
use crate::status::scalodb_status::{self, SCALODB_OK};

/// A group of puts and deletes that readers and recovery see entirely or not at all. Keys and
/// values are copied in when added; limits are checked when the batch is written.
///
/// Ownership: made by `scalodb_batch_new`, freed by `scalodb_batch_free`.
/// Threads: not synchronised: one thread at a time per batch (it may move between threads).
pub struct scalodb_batch {
    inner: WriteBatch,
}

/// A new, empty batch. Never returns null.
///
/// Ownership: the caller owns it and frees it with `scalodb_batch_free`. Threads: any thread.
#[no_mangle]
pub extern "C" fn scalodb_batch_new() -> *mut scalodb_batch {
    guard_value(std::ptr::null_mut(), || Box::into_raw(Box::new(scalodb_batch { inner: WriteBatch::new() })))
}

/// Frees a batch. Null is accepted and does nothing.
///
/// Ownership: `batch` must not be used afterwards. Threads: no other thread may be using it.
#[no_mangle]
pub unsafe extern "C" fn scalodb_batch_free(batch: *mut scalodb_batch) {
    guard_value((), || {
        if !batch.is_null() {
            // SAFETY: made by `scalodb_batch_new` with `Box::into_raw`; the caller gives it up.
            drop(unsafe { Box::from_raw(batch) });
        }
    })
}

/// Runs a change on a batch after checking the handle.
///
/// # Safety
/// `batch` must be null or a live batch that no other thread uses now.
unsafe fn edit(
    batch: *mut scalodb_batch,
    err: *mut *mut scalodb_error,
    change: impl FnOnce(&mut WriteBatch) -> Result<(), Failure>,
) -> scalodb_status {
    guard(err, || {
        // SAFETY: forwarded from the caller.
        change(&mut unsafe { handle_mut(batch, "batch") }?.inner)?;
        Ok(SCALODB_OK)
    })
}

/// Adds "set `key` to `value`" to the batch.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `batch`, or a null key or value with a length above 0).
/// Ownership: `key` and `value` are copied; they stay the caller's.
/// Threads: one thread at a time per batch.
#[no_mangle]
pub unsafe extern "C" fn scalodb_batch_put(
    batch: *mut scalodb_batch,
    key: *const c_void,
    key_len: usize,
    value: *const c_void,
    value_len: usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: `batch` per the contract of `edit`; key and value point to their lengths in bytes.
    unsafe {
        edit(batch, err, |b| {
            b.put(bytes(key, key_len, "key")?, bytes(value, value_len, "value")?);
            Ok(())
        })
    }
}

/// Adds "set `key` to `value`, expiring `ttl_ms` milliseconds from now" (the clock starts when this
/// function is called, not when the batch is written).
///
/// Errors, ownership and threads: as for `scalodb_batch_put`.
#[no_mangle]
pub unsafe extern "C" fn scalodb_batch_put_with_ttl(
    batch: *mut scalodb_batch,
    key: *const c_void,
    key_len: usize,
    value: *const c_void,
    value_len: usize,
    ttl_ms: u64,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: `batch` per the contract of `edit`; key and value point to their lengths in bytes.
    unsafe {
        edit(batch, err, |b| {
            b.put_with_ttl(
                bytes(key, key_len, "key")?,
                bytes(value, value_len, "value")?,
                Duration::from_millis(ttl_ms),
            );
            Ok(())
        })
    }
}

/// Adds "delete `key`" (nothing happens for an absent key).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `batch`, or a null key with a length above 0).
/// Ownership: `key` is copied. Threads: one thread at a time per batch.
#[no_mangle]
pub unsafe extern "C" fn scalodb_batch_delete(
    batch: *mut scalodb_batch,
    key: *const c_void,
    key_len: usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: `batch` per the contract of `edit`; `key` points to `key_len` bytes.
    unsafe {
        edit(batch, err, |b| {
            b.delete(bytes(key, key_len, "key")?);
            Ok(())
        })
    }
}

/// Empties the batch so it can be reused.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `batch`). Threads: one thread at a time per batch.
#[no_mangle]
pub unsafe extern "C" fn scalodb_batch_clear(
    batch: *mut scalodb_batch,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: `batch` per the contract of `edit`.
    unsafe {
        edit(batch, err, |b| {
            b.clear();
            Ok(())
        })
    }
}

/// The number of writes in the batch; 0 if `batch` is null.
///
/// Threads: one thread at a time per batch.
#[no_mangle]
pub unsafe extern "C" fn scalodb_batch_count(batch: *const scalodb_batch) -> usize {
    guard_value(0, || {
        // SAFETY: `batch` is null or a live batch per the contract.
        unsafe { batch.as_ref() }.map_or(0, |b| b.inner.len())
    })
}

/// Applies every write of `batch` atomically, in order (a later write to the same key wins). The
/// batch is left unchanged, so it can be written again or cleared; an empty batch writes nothing.
///
/// Errors: SCALODB_INVALID_ARGUMENT, SCALODB_KEY_TOO_LARGE, SCALODB_VALUE_TOO_LARGE (then nothing
/// of the batch is written), SCALODB_CLOSED, SCALODB_READ_ONLY, SCALODB_IO.
/// Ownership: `batch` stays the caller's.
/// Threads: any thread, concurrently with other calls on `db`; but no other thread may use `batch`
/// during the call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_write(
    db: *const scalodb_db,
    batch: *const scalodb_batch,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        // SAFETY: `db` and `batch` are null or live handles per the contract.
        let (h, b) = unsafe { (handle(db, "db")?, handle(batch, "batch")?) };
        // The core consumes the batch it writes; a copy keeps the caller's batch reusable.
        h.db.write(b.inner.clone())?;
        Ok(SCALODB_OK)
    })
}
