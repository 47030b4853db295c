//! Single-key operations beyond put/get/delete: `scalodb_contains`, `scalodb_clear`, and the
//! conditional writes `scalodb_put_if_absent`, `scalodb_compare_and_swap` and `scalodb_increment`.

use std::ffi::c_void;

use scalodb::CasOutcome;

use crate::args::{bytes, handle, out, write_opt};
use crate::buffer::to_c_buffer;
use crate::db::scalodb_db;
use crate::error::{guard, scalodb_error, Failure};
use crate::status::scalodb_status::{self, SCALODB_OK};

/// Sets `*found` to whether `key` holds a live value (absent and expired keys do not). Copies
/// nothing: cheaper than `scalodb_get` when only presence matters.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `found`), SCALODB_CLOSED.
/// Ownership: `key` stays the caller's. Threads: any thread, concurrently with any other call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_contains(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    found: *mut bool,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        let dest = out(found, "found")?;
        // SAFETY: `db` is null or live; `key` points to `key_len` bytes (contract).
        let (h, k) = unsafe { (handle(db, "db")?, bytes(key, key_len, "key")?) };
        let live = h.db.contains(k)?;
        // SAFETY: checked non-null, writable per the contract.
        unsafe { dest.write(live) };
        Ok(SCALODB_OK)
    })
}

/// Deletes every key, atomically (readers see all the keys or none; recovery too).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db`), SCALODB_CLOSED, SCALODB_READ_ONLY, SCALODB_IO.
/// Ownership: `db` stays the caller's. Threads: any thread, concurrently with any other call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_clear(db: *const scalodb_db, err: *mut *mut scalodb_error) -> scalodb_status {
    guard(err, || {
        // SAFETY: `db` is null or a live handle per the contract.
        unsafe { handle(db, "db") }?.db.clear()?;
        Ok(SCALODB_OK)
    })
}

/// Sets `key` to `value` only if it holds no live value. `written` may be null; otherwise it is set
/// to whether the value was written (false: the key already had a value, which is left as it was).
///
/// Errors: as for `scalodb_put`.
/// Ownership: `key` and `value` stay the caller's. Threads: any thread, concurrently with any
/// other call; two concurrent calls for one key never both write.
#[no_mangle]
pub unsafe extern "C" fn scalodb_put_if_absent(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    value: *const c_void,
    value_len: usize,
    written: *mut bool,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        // SAFETY: `db` is null or live; key and value point to their lengths in bytes (contract).
        let (h, k, v) = unsafe { (handle(db, "db")?, bytes(key, key_len, "key")?, bytes(value, value_len, "value")?) };
        let done = h.db.put_if_absent(k, v)?;
        // SAFETY: `written` is null or writable per the contract.
        unsafe { write_opt(written, done) };
        Ok(SCALODB_OK)
    })
}

/// Replaces the value of `key` with `new_value` if the value is `expected`, atomically.
///
/// `expected_exists` false means "the key must be absent" (`expected` is then ignored);
/// `new_exists` false means "delete the key" (`new_value` is then ignored). A pointer that is used
/// may be NULL only with length 0 (the empty value, which is not the same as absent).
///
/// On SCALODB_OK `*swapped` tells whether the swap happened. When it did not and `current` is not
/// NULL, `*current` and `*current_len` receive a copy of the value the key holds, or NULL and 0 if
/// it is absent (the reason the swap failed); after a swap they are set to NULL and 0. `current`
/// and `current_len` must both be NULL or both be set.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `swapped`, only one of `current` and
/// `current_len` given, a null pointer with a length above 0), SCALODB_KEY_TOO_LARGE,
/// SCALODB_VALUE_TOO_LARGE, SCALODB_CLOSED, SCALODB_READ_ONLY, SCALODB_IO.
/// Ownership: the inputs stay the caller's. The caller owns `*current` and frees it with
/// `scalodb_free`.
/// Threads: any thread, concurrently with any other call on `db`.
#[no_mangle]
pub unsafe extern "C" fn scalodb_compare_and_swap(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    expected: *const c_void,
    expected_len: usize,
    expected_exists: bool,
    new_value: *const c_void,
    new_len: usize,
    new_exists: bool,
    swapped: *mut bool,
    current: *mut *mut u8,
    current_len: *mut usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        let swapped = out(swapped, "swapped")?;
        if current.is_null() != current_len.is_null() {
            return Err(Failure::invalid("current and current_len must both be NULL or both be set"));
        }
        // SAFETY: `db` is null or live; every used pointer points to its length (contract).
        let (h, k, old, new) = unsafe {
            (
                handle(db, "db")?,
                bytes(key, key_len, "key")?,
                if expected_exists { Some(bytes(expected, expected_len, "expected")?) } else { None },
                if new_exists { Some(bytes(new_value, new_len, "new_value")?) } else { None },
            )
        };
        let (done, now) = match h.db.compare_and_swap(k, old, new)? {
            CasOutcome::Swapped => (true, None),
            CasOutcome::Failed { current } => (false, current),
        };
        let (ptr, len) = match (&now, current.is_null()) {
            (Some(v), false) => (to_c_buffer(v)?, v.len()),
            _ => (std::ptr::null_mut(), 0),
        };
        // SAFETY: `swapped` checked non-null; `current`/`current_len` null (skipped) or writable.
        unsafe {
            swapped.write(done);
            write_opt(current, ptr);
            write_opt(current_len, len);
        }
        Ok(SCALODB_OK)
    })
}

/// Adds `delta` to the integer stored at `key` as decimal text (an absent key counts as 0, as
/// Redis's INCRBY does) and sets `*result` to the new value. The key's time-to-live is kept.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `result`, or the sum overflows a 64-bit signed
/// integer), SCALODB_WRONG_TYPE (the value is not an integer in decimal text), SCALODB_CLOSED,
/// SCALODB_READ_ONLY, SCALODB_IO. On an error the value is unchanged.
/// Ownership: `key` stays the caller's. Threads: any thread; concurrent increments never lose one.
#[no_mangle]
pub unsafe extern "C" fn scalodb_increment(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    delta: i64,
    result: *mut i64,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        let dest = out(result, "result")?;
        // SAFETY: `db` is null or live; `key` points to `key_len` bytes (contract).
        let (h, k) = unsafe { (handle(db, "db")?, bytes(key, key_len, "key")?) };
        let now = h.db.increment(k, delta)?;
        // SAFETY: checked non-null, writable per the contract.
        unsafe { dest.write(now) };
        Ok(SCALODB_OK)
    })
}
