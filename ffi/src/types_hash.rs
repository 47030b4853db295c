//! Hashes (Redis's H* commands) in the C ABI: `scalodb_hset`, `scalodb_hget`, `scalodb_hdel`,
//! `scalodb_hlen`, `scalodb_hgetall`, `scalodb_hincrby`, `scalodb_hexists`, `scalodb_hkeys` and
//! `scalodb_hvals`. A key holding another type gives
//! SCALODB_WRONG_TYPE and changes nothing.

use std::ffi::c_void;

use crate::args::{bytes, out, write_opt};
use crate::collection::{give_list, list_out, scalodb_list, scalodb_slice, slices, with_key, Items};
use crate::db::{give_copy, scalodb_db};
use crate::error::scalodb_error;
use crate::status::scalodb_status::{self, SCALODB_OK};

/// Sets `count` fields of the hash at `key` (created if absent): `fields[i]` to `values[i]`, in
/// order (a field given twice ends with its last value). `added` may be NULL; otherwise it is set
/// to how many fields were new (HSET).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db`; null `fields` or `values` with `count` above 0; a
/// null pointer with a length above 0), SCALODB_WRONG_TYPE (the key holds another type),
/// SCALODB_KEY_TOO_LARGE, SCALODB_VALUE_TOO_LARGE (a field or value over max_value_size),
/// SCALODB_CLOSED, SCALODB_READ_ONLY, SCALODB_OUT_OF_MEMORY, SCALODB_IO. Nothing is written on an
/// error.
/// Ownership: every input stays the caller's and is copied before the call returns.
/// Threads: any thread, concurrently with any other call on `db`; the fields are set atomically.
#[no_mangle]
pub unsafe extern "C" fn scalodb_hset(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    fields: *const scalodb_slice,
    values: *const scalodb_slice,
    count: usize,
    added: *mut usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            let (f, v) = (slices(fields, count, "fields")?, slices(values, count, "values")?);
            let pairs: Vec<(&[u8], &[u8])> = f.into_iter().zip(v).collect();
            write_opt(added, db.hset(k, &pairs)?);
            Ok(SCALODB_OK)
        })
    }
}

/// Copies the value of `field` in the hash at `key` into a new buffer, as `scalodb_get` does: on
/// SCALODB_OK `*value` points to `*value_len` bytes and an uncounted NUL; on SCALODB_NOT_FOUND
/// (no such field or key) `*value` is NULL and `*value_len` 0 (HGET).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db`, `value` or `value_len`), SCALODB_WRONG_TYPE,
/// SCALODB_CLOSED.
/// Ownership: the caller owns `*value` and frees it with `scalodb_free`.
/// Threads: any thread, concurrently with any other call on `db`.
#[no_mangle]
pub unsafe extern "C" fn scalodb_hget(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    field: *const c_void,
    field_len: usize,
    value: *mut *mut u8,
    value_len: *mut usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            let (value, value_len) = (out(value, "value")?, out(value_len, "value_len")?);
            let found = db.hget(k, bytes(field, field_len, "field")?)?;
            give_copy(found, value, value_len)
        })
    }
}

/// Removes `count` fields from the hash at `key` (deleting the key when none is left). `removed`
/// may be NULL; otherwise it is set to how many of them existed (HDEL).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db`, null `fields` with `count` above 0),
/// SCALODB_WRONG_TYPE, SCALODB_CLOSED, SCALODB_READ_ONLY, SCALODB_IO.
/// Ownership: the inputs stay the caller's. Threads: any thread, concurrently with any other call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_hdel(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    fields: *const scalodb_slice,
    count: usize,
    removed: *mut usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            write_opt(removed, db.hdel(k, &slices(fields, count, "fields")?)?);
            Ok(SCALODB_OK)
        })
    }
}

/// Sets `*len` to the number of fields of the hash at `key`, 0 if the key is absent (HLEN).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `len`), SCALODB_WRONG_TYPE, SCALODB_CLOSED.
/// Ownership: `key` stays the caller's. Threads: any thread, concurrently with any other call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_hlen(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    len: *mut usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            let dest = out(len, "len")?;
            dest.write(db.hlen(k)?);
            Ok(SCALODB_OK)
        })
    }
}

/// Every field of the hash at `key` with its value, in field order (bytewise), as a new list of
/// pairs: `scalodb_list_get` gives the field as the item and its value as the value. An absent key
/// gives an empty list (HGETALL).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `list`), SCALODB_WRONG_TYPE, SCALODB_CLOSED.
/// Ownership: the caller owns `*list` and frees it with `scalodb_list_free`.
/// Threads: any thread, concurrently with any other call on `db`; the list is one consistent
/// version of the hash.
#[no_mangle]
pub unsafe extern "C" fn scalodb_hgetall(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    list: *mut *mut scalodb_list,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            let dest = list_out(list)?;
            give_list(dest, Items::Pairs(db.hgetall(k)?))
        })
    }
}

/// Adds `delta` to the integer (decimal text) in `field` of the hash at `key`, an absent field or
/// key counting as 0, and sets `*result` to the new value (HINCRBY).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `result`, the sum overflows a 64-bit signed
/// integer), SCALODB_WRONG_TYPE (the key holds another type, or the field's value is not an
/// integer), SCALODB_KEY_TOO_LARGE, SCALODB_VALUE_TOO_LARGE, SCALODB_CLOSED, SCALODB_READ_ONLY,
/// SCALODB_IO. On an error nothing changes.
/// Ownership: the inputs stay the caller's. Threads: any thread; concurrent increments never lose
/// one.
#[no_mangle]
pub unsafe extern "C" fn scalodb_hincrby(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    field: *const c_void,
    field_len: usize,
    delta: i64,
    result: *mut i64,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            let dest = out(result, "result")?;
            let now = db.hincrby(k, bytes(field, field_len, "field")?, delta)?;
            dest.write(now);
            Ok(SCALODB_OK)
        })
    }
}

/// Sets `*exists` to whether the hash at `key` has `field` (false for an absent key) (HEXISTS).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `exists`), SCALODB_WRONG_TYPE, SCALODB_CLOSED.
/// Ownership: the inputs stay the caller's. Threads: any thread, concurrently with any other call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_hexists(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    field: *const c_void,
    field_len: usize,
    exists: *mut bool,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            let dest = out(exists, "exists")?;
            dest.write(db.hexists(k, bytes(field, field_len, "field")?)?);
            Ok(SCALODB_OK)
        })
    }
}

/// Every field of the hash at `key`, in order, as a new list; empty for an absent key (HKEYS).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `list`), SCALODB_WRONG_TYPE, SCALODB_CLOSED.
/// Ownership: the caller owns `*list` and frees it with `scalodb_list_free`.
/// Threads: any thread, concurrently with any other call on `db`.
#[no_mangle]
pub unsafe extern "C" fn scalodb_hkeys(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    list: *mut *mut scalodb_list,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            let dest = list_out(list)?;
            give_list(dest, Items::Bytes(db.hkeys(k)?))
        })
    }
}

/// Every value of the hash at `key`, in field order, as a new list; empty for an absent key
/// (HVALS).
///
/// Errors, ownership and threads: as for `scalodb_hkeys`.
#[no_mangle]
pub unsafe extern "C" fn scalodb_hvals(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    list: *mut *mut scalodb_list,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            let dest = list_out(list)?;
            give_list(dest, Items::Bytes(db.hvals(k)?))
        })
    }
}
