//! Lists (Redis's L* commands) in the C ABI: `scalodb_push` and `scalodb_pop` at either end
//! (`scalodb_list_end`), `scalodb_llen`, `scalodb_lrange`, `scalodb_lindex`, `scalodb_lset`,
//! `scalodb_ltrim`, `scalodb_lrem` and `scalodb_lmove`. Indexes are Redis's: negative ones count from the end
//! (-1 is the last element). A key holding another type gives SCALODB_WRONG_TYPE.

use std::ffi::c_void;

use scalodb::End;

use crate::args::{bytes, out, write_opt};
use crate::collection::{give_list, list_out, scalodb_list, scalodb_slice, slices, with_key, Items};
use crate::db::{give_copy, scalodb_db};
use crate::error::{scalodb_error, Failure};
use crate::status::scalodb_status::{self, SCALODB_OK};

/// An end of a list, for `scalodb_push` and `scalodb_pop`.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum scalodb_list_end {
    /// The head (LPUSH, LPOP).
    SCALODB_LEFT = 0,
    /// The tail (RPUSH, RPOP).
    SCALODB_RIGHT = 1,
}

/// The end an `int32_t` names, or an error for a value that is not a `scalodb_list_end`.
fn end_of(end: i32) -> Result<End, Failure> {
    match end {
        0 => Ok(End::Left),
        1 => Ok(End::Right),
        _ => Err(Failure::invalid(format!("end {end} is not a scalodb_list_end"))),
    }
}

/// Pushes `count` values one by one at `end` (a `scalodb_list_end`) of the list at `key`, which
/// is created if absent: LPUSH with SCALODB_LEFT (pushing a, b, c leaves c first), RPUSH with
/// SCALODB_RIGHT. `len` may be NULL; otherwise it is set to the new length.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db`, `end` not a scalodb_list_end, null `values` with
/// `count` above 0), SCALODB_WRONG_TYPE, SCALODB_KEY_TOO_LARGE, SCALODB_VALUE_TOO_LARGE,
/// SCALODB_CLOSED, SCALODB_READ_ONLY, SCALODB_OUT_OF_MEMORY, SCALODB_IO. Nothing is written on an
/// error.
/// Ownership: the inputs stay the caller's. Threads: any thread, concurrently with any other
/// call; the values are pushed atomically.
#[no_mangle]
pub unsafe extern "C" fn scalodb_push(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    end: i32,
    values: *const scalodb_slice,
    count: usize,
    len: *mut usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            let end = end_of(end)?;
            write_opt(len, db.push(k, end, &slices(values, count, "values")?)?);
            Ok(SCALODB_OK)
        })
    }
}

/// Removes up to `count` elements from `end` of the list at `key` and returns them, in the order
/// they were popped, as a new list (LPOP / RPOP with a count). An absent key gives an empty list;
/// a list left empty is deleted.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `list`, `end` not a scalodb_list_end),
/// SCALODB_WRONG_TYPE, SCALODB_CLOSED, SCALODB_READ_ONLY, SCALODB_IO.
/// Ownership: the caller owns `*list` and frees it with `scalodb_list_free`.
/// Threads: any thread; concurrent pops never return one element twice.
#[no_mangle]
pub unsafe extern "C" fn scalodb_pop(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    end: i32,
    count: usize,
    list: *mut *mut scalodb_list,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            let (dest, end) = (list_out(list)?, end_of(end)?);
            give_list(dest, Items::Bytes(db.pop(k, end, count)?))
        })
    }
}

/// Sets `*len` to the length of the list at `key`, 0 if absent (LLEN).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `len`), SCALODB_WRONG_TYPE, SCALODB_CLOSED.
/// Ownership: `key` stays the caller's. Threads: any thread, concurrently with any other call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_llen(
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
            dest.write(db.llen(k)?);
            Ok(SCALODB_OK)
        })
    }
}

/// The elements from index `start` to `stop`, both included, of the list at `key`, as a new list
/// (LRANGE: `0, -1` is the whole list; indexes past either end are clamped; an empty range or an
/// absent key gives an empty list).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `list`), SCALODB_WRONG_TYPE, SCALODB_CLOSED.
/// Ownership: the caller owns `*list` and frees it with `scalodb_list_free`.
/// Threads: any thread, concurrently with any other call; one consistent version of the list.
#[no_mangle]
pub unsafe extern "C" fn scalodb_lrange(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    start: i64,
    stop: i64,
    list: *mut *mut scalodb_list,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            let dest = list_out(list)?;
            give_list(dest, Items::Bytes(db.lrange(k, start, stop)?))
        })
    }
}

/// Copies the element at `index` of the list at `key` into a new buffer, as `scalodb_get` does;
/// SCALODB_NOT_FOUND (with NULL and 0) if the index is outside the list or the key is absent
/// (LINDEX).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db`, `value` or `value_len`), SCALODB_WRONG_TYPE,
/// SCALODB_CLOSED.
/// Ownership: the caller owns `*value` and frees it with `scalodb_free`.
/// Threads: any thread, concurrently with any other call on `db`.
#[no_mangle]
pub unsafe extern "C" fn scalodb_lindex(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    index: i64,
    value: *mut *mut u8,
    value_len: *mut usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            let (value, value_len) = (out(value, "value")?, out(value_len, "value_len")?);
            give_copy(db.lindex(k, index)?, value, value_len)
        })
    }
}

/// Sets the element at `index` of the list at `key` to `value` (LSET).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db`; the key is absent or the index is outside the
/// list, as the message says), SCALODB_WRONG_TYPE, SCALODB_VALUE_TOO_LARGE, SCALODB_CLOSED,
/// SCALODB_READ_ONLY, SCALODB_IO.
/// Ownership: the inputs stay the caller's. Threads: any thread, concurrently with any other call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_lset(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    index: i64,
    value: *const c_void,
    value_len: usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            db.lset(k, index, bytes(value, value_len, "value")?)?;
            Ok(SCALODB_OK)
        })
    }
}

/// Keeps only the elements from index `start` to `stop`, both included, of the list at `key`
/// (LTRIM); an empty range deletes the key. An absent key stays absent.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db`), SCALODB_WRONG_TYPE, SCALODB_CLOSED,
/// SCALODB_READ_ONLY, SCALODB_IO.
/// Ownership: `key` stays the caller's. Threads: any thread, concurrently with any other call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_ltrim(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    start: i64,
    stop: i64,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            db.ltrim(k, start, stop)?;
            Ok(SCALODB_OK)
        })
    }
}

/// Removes elements equal to `value` from the list at `key` (LREM): the first `count` from the
/// head if `count` is positive, the last `-count` if it is negative, all of them if 0. `removed`
/// may be NULL; otherwise it is set to how many went.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db`), SCALODB_WRONG_TYPE, SCALODB_CLOSED,
/// SCALODB_READ_ONLY, SCALODB_IO.
/// Ownership: the inputs stay the caller's. Threads: any thread, concurrently with any other call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_lrem(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    count: i64,
    value: *const c_void,
    value_len: usize,
    removed: *mut usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            write_opt(removed, db.lrem(k, count, bytes(value, value_len, "value")?)?);
            Ok(SCALODB_OK)
        })
    }
}

/// Pops an element from `from` (a `scalodb_list_end`) of the list at `src` and pushes it at `to`
/// of the list at `dst`, in one atomic step (LMOVE; `src` may be `dst`, a rotation). On
/// SCALODB_OK `*value` is a copy of the element moved, as `scalodb_get` gives it; on
/// SCALODB_NOT_FOUND (`src` is absent) `*value` is NULL, `*value_len` 0, and nothing changes.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db`, `value` or `value_len`, an end that is not a
/// scalodb_list_end), SCALODB_WRONG_TYPE (either key holds another type), SCALODB_KEY_TOO_LARGE,
/// SCALODB_CLOSED, SCALODB_READ_ONLY, SCALODB_IO.
/// Ownership: the caller owns `*value` and frees it with `scalodb_free`.
/// Threads: any thread; concurrent moves never move one element twice.
#[no_mangle]
pub unsafe extern "C" fn scalodb_lmove(
    db: *const scalodb_db,
    src: *const c_void,
    src_len: usize,
    dst: *const c_void,
    dst_len: usize,
    from: i32,
    to: i32,
    value: *mut *mut u8,
    value_len: *mut usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract (`src` is the key `with_key` checks).
    unsafe {
        with_key(db, src, src_len, err, |db, s| {
            let (value, value_len) = (out(value, "value")?, out(value_len, "value_len")?);
            let (from, to, d) = (end_of(from)?, end_of(to)?, bytes(dst, dst_len, "dst")?);
            give_copy(db.lmove(s, d, from, to)?, value, value_len)
        })
    }
}
