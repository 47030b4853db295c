//! Time-to-live of existing keys: `scalodb_expire`, `scalodb_persist` and `scalodb_ttl` (writing a
//! key with a TTL is `scalodb_put_with_ttl`).

use std::ffi::c_void;
use std::time::Duration;

use scalodb::Ttl;

use crate::args::{bytes, handle, out, write_opt};
use crate::db::scalodb_db;
use crate::error::{guard, scalodb_error};
use crate::status::scalodb_status::{self, SCALODB_NOT_FOUND, SCALODB_OK};

/// Gives `key` a time-to-live of `ttl_ms` milliseconds from now (replacing any it had). `applied`
/// may be null; otherwise it is set to whether the key held a live value (false: nothing changed).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db`), SCALODB_KEY_TOO_LARGE, SCALODB_CLOSED,
/// SCALODB_READ_ONLY, SCALODB_IO.
/// Ownership: `key` stays the caller's. Threads: any thread, concurrently with any other call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_expire(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    ttl_ms: u64,
    applied: *mut bool,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        // SAFETY: `db` is null or live; `key` points to `key_len` bytes (contract).
        let (h, k) = unsafe { (handle(db, "db")?, bytes(key, key_len, "key")?) };
        let done = h.db.expire(k, Duration::from_millis(ttl_ms))?;
        // SAFETY: `applied` is null or writable per the contract.
        unsafe { write_opt(applied, done) };
        Ok(SCALODB_OK)
    })
}

/// Removes the time-to-live of `key`, so it never expires. `applied` may be null; otherwise it is
/// set to whether the key was live and had a time-to-live.
///
/// Errors, ownership and threads: as for `scalodb_expire`.
#[no_mangle]
pub unsafe extern "C" fn scalodb_persist(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    applied: *mut bool,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        // SAFETY: `db` is null or live; `key` points to `key_len` bytes (contract).
        let (h, k) = unsafe { (handle(db, "db")?, bytes(key, key_len, "key")?) };
        let done = h.db.persist(k)?;
        // SAFETY: `applied` is null or writable per the contract.
        unsafe { write_opt(applied, done) };
        Ok(SCALODB_OK)
    })
}

/// The time-to-live of `key`. On SCALODB_OK `*expires` tells whether the key has one, and
/// `*remaining_ms` how many milliseconds are left (0 when it has none). On SCALODB_NOT_FOUND (absent
/// or expired) both are set to false and 0.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db`, `expires` or `remaining_ms`), SCALODB_CLOSED.
/// Ownership: `key` stays the caller's. Threads: any thread, concurrently with any other call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_ttl(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    expires: *mut bool,
    remaining_ms: *mut u64,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        let (expires, remaining_ms) = (out(expires, "expires")?, out(remaining_ms, "remaining_ms")?);
        // SAFETY: `db` is null or live; `key` points to `key_len` bytes (contract).
        let (h, k) = unsafe { (handle(db, "db")?, bytes(key, key_len, "key")?) };
        let (has, left, status) = match h.db.ttl(k)? {
            Ttl::Missing => (false, 0, SCALODB_NOT_FOUND),
            Ttl::Forever => (false, 0, SCALODB_OK),
            Ttl::Remaining(d) => (true, u64::try_from(d.as_millis()).unwrap_or(u64::MAX), SCALODB_OK),
        };
        // SAFETY: both checked non-null and writable per the contract.
        unsafe {
            expires.write(has);
            remaining_ms.write(left);
        }
        Ok(status)
    })
}
