//! `scalodb_db`: opening, closing and the single-key operations (put, get, delete, TTL), plus
//! sync, checkpoint and path.

use std::ffi::{c_char, c_void};
use std::time::Duration;

use scalodb::{Db, Options};

use crate::args::{bytes, handle, out, write_opt};
use crate::buffer::to_c_buffer;
use crate::error::{guard, guard_value, scalodb_error};
use crate::options::scalodb_options;
use crate::status::scalodb_status::{self, SCALODB_NOT_FOUND, SCALODB_OK};
use crate::value::scalodb_value;

/// An open database.
///
/// Ownership: made by `scalodb_open` or `scalodb_open_memory`, freed by `scalodb_db_free`.
/// Threads: every function taking a `scalodb_db *` may be called from any number of threads at
/// once, except `scalodb_db_free`, which must be the last call on the handle. After
/// `scalodb_close` (from any thread) every call on the handle returns SCALODB_CLOSED.
pub struct scalodb_db {
    pub(crate) db: Db,
}

/// Hands a new database handle to the caller.
///
/// # Safety
/// `dest` must be writable (checked non-null by the caller of this function).
unsafe fn give(dest: *mut *mut scalodb_db, db: Db) -> scalodb_status {
    // SAFETY: per this function's contract; the caller frees the box with `scalodb_db_free`.
    unsafe { dest.write(Box::into_raw(Box::new(scalodb_db { db }))) };
    SCALODB_OK
}

/// The options to open with: a copy of the caller's, or the defaults when it passed null.
///
/// # Safety
/// `options` must be null or live options.
unsafe fn options_or_default(options: *const scalodb_options, in_memory: bool) -> Options {
    // SAFETY: forwarded from the caller.
    match unsafe { options.as_ref() } {
        Some(o) => o.inner.clone(),
        None if in_memory => Options::in_memory(),
        None => Options::default(),
    }
}

/// Opens (or creates) the database in directory `path`, a NUL-terminated string. `options` may be
/// null for the defaults. On success `*db` is the new handle; on failure it is left unchanged.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `path` or `db`, bad options), SCALODB_LOCKED (another
/// handle or process has the directory open), SCALODB_CORRUPTION, SCALODB_IO.
/// Ownership: `path` and `options` stay the caller's (options are copied). The caller owns `*db`
/// and frees it with `scalodb_db_free`. `err` (may be null) as described at the top of this header.
/// Threads: any thread.
#[no_mangle]
pub unsafe extern "C" fn scalodb_open(
    path: *const c_char,
    options: *const scalodb_options,
    db: *mut *mut scalodb_db,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        let dest = out(db, "db")?;
        // SAFETY: `path` is NUL-terminated or null, `options` null or live, per the contract.
        let (dir, opts) = unsafe { (crate::args::path(path)?, options_or_default(options, false)) };
        let opened = Db::open_with(dir, opts)?;
        // SAFETY: `dest` was checked non-null and is writable per the contract.
        Ok(unsafe { give(dest, opened) })
    })
}

/// Opens a database that lives in memory only and disappears with its handle. `options` may be
/// null for the defaults; its wal setting is ignored.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db`, bad options).
/// Ownership: as for `scalodb_open`. Threads: any thread.
#[no_mangle]
pub unsafe extern "C" fn scalodb_open_memory(
    options: *const scalodb_options,
    db: *mut *mut scalodb_db,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        let dest = out(db, "db")?;
        // SAFETY: `options` is null or live per the contract.
        let opts = unsafe { options_or_default(options, true) };
        let opened = Db::memory_with(opts)?;
        // SAFETY: `dest` was checked non-null and is writable per the contract.
        Ok(unsafe { give(dest, opened) })
    })
}

/// Closes the database: syncs the log and releases the directory, reporting any failure. The
/// handle itself stays allocated: every later call on it returns SCALODB_CLOSED, and it must still
/// be freed with `scalodb_db_free`. Iterators and snapshots of a closed database return
/// SCALODB_CLOSED too.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db`), SCALODB_CLOSED (already closed), SCALODB_IO.
/// Ownership: `db` stays the caller's. Threads: any thread, also while others use the handle
/// (their calls then fail with SCALODB_CLOSED).
#[no_mangle]
pub unsafe extern "C" fn scalodb_close(db: *const scalodb_db, err: *mut *mut scalodb_error) -> scalodb_status {
    guard(err, || {
        // SAFETY: `db` is null or a live handle per the contract.
        unsafe { handle(db, "db") }?.db.close()?;
        Ok(SCALODB_OK)
    })
}

/// Frees a database handle, closing the database first if `scalodb_close` was not called (errors
/// from that close are lost: call `scalodb_close` to see them). Null is accepted and does nothing.
/// Iterators and snapshots may outlive the handle; they then return SCALODB_CLOSED.
///
/// Ownership: `db` must not be used afterwards. Threads: no other thread may be using `db`.
#[no_mangle]
pub unsafe extern "C" fn scalodb_db_free(db: *mut scalodb_db) {
    guard_value((), || {
        if !db.is_null() {
            // SAFETY: made by `give` with `Box::into_raw`; the caller gives it up.
            drop(unsafe { Box::from_raw(db) });
        }
    })
}

/// Sets `key` to `value`. A null pointer is accepted only with length 0 (the empty string).
///
/// Errors: SCALODB_INVALID_ARGUMENT, SCALODB_KEY_TOO_LARGE, SCALODB_VALUE_TOO_LARGE,
/// SCALODB_CLOSED, SCALODB_READ_ONLY, SCALODB_IO.
/// Ownership: `key` and `value` stay the caller's and are copied before the call returns.
/// Threads: any thread, concurrently with any other call on `db`.
#[no_mangle]
pub unsafe extern "C" fn scalodb_put(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    value: *const c_void,
    value_len: usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        // SAFETY: `db` is null or live; key and value point to their lengths in bytes (contract).
        let (h, k, v) = unsafe { (handle(db, "db")?, bytes(key, key_len, "key")?, bytes(value, value_len, "value")?) };
        h.db.put(k, v)?;
        Ok(SCALODB_OK)
    })
}

/// Sets `key` to `value`, to expire `ttl_ms` milliseconds from now; an expired key reads as absent.
///
/// Errors, ownership and threads: as for `scalodb_put`.
#[no_mangle]
pub unsafe extern "C" fn scalodb_put_with_ttl(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    value: *const c_void,
    value_len: usize,
    ttl_ms: u64,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        // SAFETY: `db` is null or live; key and value point to their lengths in bytes (contract).
        let (h, k, v) = unsafe { (handle(db, "db")?, bytes(key, key_len, "key")?, bytes(value, value_len, "value")?) };
        h.db.put_with_ttl(k, v, Duration::from_millis(ttl_ms))?;
        Ok(SCALODB_OK)
    })
}

/// Copies the value of `key` into a new buffer: on SCALODB_OK, `*value` points to `*value_len`
/// bytes followed by a NUL byte (not counted), so text values print as C strings. On
/// SCALODB_NOT_FOUND (absent or expired) `*value` is set to NULL and `*value_len` to 0. Never waits
/// for writers.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db`, `value` or `value_len`), SCALODB_CLOSED.
/// Ownership: `key` stays the caller's. The caller owns `*value` and frees it with `scalodb_free`
/// (never `free()`). See `scalodb_get_pinned` to avoid the copy.
/// Threads: any thread, concurrently with any other call on `db`.
#[no_mangle]
pub unsafe extern "C" fn scalodb_get(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    value: *mut *mut u8,
    value_len: *mut usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        let (value, value_len) = (out(value, "value")?, out(value_len, "value_len")?);
        // SAFETY: `db` is null or live; `key` points to `key_len` bytes (contract).
        let (h, k) = unsafe { (handle(db, "db")?, bytes(key, key_len, "key")?) };
        let found = h.db.get(k)?;
        // SAFETY: both outputs were checked non-null and are writable per the contract.
        unsafe { give_copy(found, value, value_len) }
    })
}

/// Writes an optional value to a (buffer, length) output pair as a new C buffer.
///
/// # Safety
/// Both pointers must be non-null and writable.
pub(crate) unsafe fn give_copy(
    found: Option<Vec<u8>>,
    value: *mut *mut u8,
    value_len: *mut usize,
) -> Result<scalodb_status, crate::error::Failure> {
    let (ptr, len, status) = match found {
        Some(v) => (to_c_buffer(&v)?, v.len(), SCALODB_OK),
        None => (std::ptr::null_mut(), 0, SCALODB_NOT_FOUND),
    };
    // SAFETY: per this function's contract.
    unsafe {
        value.write(ptr);
        value_len.write(len);
    }
    Ok(status)
}

/// Like `scalodb_get`, but hands over the value without copying it again: on SCALODB_OK `*value`
/// is a `scalodb_value` whose bytes stay valid and unchanged until `scalodb_value_free`, whatever
/// is written to the database meanwhile. On SCALODB_NOT_FOUND `*value` is set to NULL.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `value`), SCALODB_CLOSED.
/// Ownership: the caller owns `*value` and frees it with `scalodb_value_free`.
/// Threads: any thread, concurrently with any other call on `db`.
#[no_mangle]
pub unsafe extern "C" fn scalodb_get_pinned(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    value: *mut *mut scalodb_value,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        let value = out(value, "value")?;
        // SAFETY: `db` is null or live; `key` points to `key_len` bytes (contract).
        let (h, k) = unsafe { (handle(db, "db")?, bytes(key, key_len, "key")?) };
        let found = h.db.get(k)?;
        // SAFETY: `value` was checked non-null and is writable per the contract.
        Ok(unsafe { scalodb_value::give(found, value) })
    })
}

/// Deletes `key`. `existed` may be null; otherwise it is set to whether the key held a live value
/// (nothing is logged if it did not).
///
/// Errors: SCALODB_INVALID_ARGUMENT, SCALODB_KEY_TOO_LARGE, SCALODB_CLOSED, SCALODB_READ_ONLY,
/// SCALODB_IO.
/// Ownership: `key` stays the caller's. Threads: any thread, concurrently with any other call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_delete(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    existed: *mut bool,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        // SAFETY: `db` is null or live; `key` points to `key_len` bytes (contract).
        let (h, k) = unsafe { (handle(db, "db")?, bytes(key, key_len, "key")?) };
        let was = h.db.delete(k)?;
        // SAFETY: `existed` is null or writable per the contract.
        unsafe { write_opt(existed, was) };
        Ok(SCALODB_OK)
    })
}

/// Forces every write so far to stable storage (whatever the sync mode).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db`), SCALODB_CLOSED, SCALODB_READ_ONLY, SCALODB_IO.
/// Ownership: `db` stays the caller's. Threads: any thread, concurrently with any other call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_sync(db: *const scalodb_db, err: *mut *mut scalodb_error) -> scalodb_status {
    guard(err, || {
        // SAFETY: `db` is null or a live handle per the contract.
        unsafe { handle(db, "db") }?.db.sync()?;
        Ok(SCALODB_OK)
    })
}

/// Writes a checkpoint now and removes the log it covers, so the next open is fast (does nothing
/// for an in-memory database).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db`), SCALODB_CLOSED, SCALODB_READ_ONLY, SCALODB_IO.
/// Ownership: `db` stays the caller's. Threads: any thread, concurrently with any other call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_checkpoint(db: *const scalodb_db, err: *mut *mut scalodb_error) -> scalodb_status {
    guard(err, || {
        // SAFETY: `db` is null or a live handle per the contract.
        unsafe { handle(db, "db") }?.db.checkpoint()?;
        Ok(SCALODB_OK)
    })
}

/// The directory of the database as a new NUL-terminated string in `*path`, or SCALODB_NOT_FOUND
/// (and `*path` = NULL) for an in-memory database. Works on a closed handle too.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `path`).
/// Ownership: the caller owns `*path` and frees it with `scalodb_free`.
/// Threads: any thread, concurrently with any other call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_path(
    db: *const scalodb_db,
    path: *mut *mut c_char,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        let dest = out(path, "path")?;
        // SAFETY: `db` is null or a live handle per the contract.
        let h = unsafe { handle(db, "db") }?;
        let (ptr, status) = match h.db.path() {
            Some(p) => (to_c_buffer(p.as_os_str().as_encoded_bytes())?.cast::<c_char>(), SCALODB_OK),
            None => (std::ptr::null_mut(), SCALODB_NOT_FOUND),
        };
        // SAFETY: `dest` was checked non-null and is writable per the contract.
        unsafe { dest.write(ptr) };
        Ok(status)
    })
}
