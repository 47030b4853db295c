//! Sets (Redis's S* commands) in the C ABI: `scalodb_sadd`, `scalodb_srem`, `scalodb_sismember`,
//! `scalodb_scard`, `scalodb_smembers`, `scalodb_spop`, `scalodb_smove`, `scalodb_srandmember`, and the algebra over several keys
//! (`scalodb_set_algebra` and `scalodb_set_algebra_store`, for SINTER, SUNION, SDIFF and their
//! STORE forms). A key holding another type gives SCALODB_WRONG_TYPE.

use std::ffi::c_void;

use scalodb::SetOp;

use crate::args::{bytes, out, write_opt};
use crate::collection::{at_least_one, give_list, list_out, scalodb_list, scalodb_slice, slices, with_key, Items};
use crate::db::scalodb_db;
use crate::error::{guard, scalodb_error, Failure};
use crate::status::scalodb_status::{self, SCALODB_OK};

/// Which combination `scalodb_set_algebra` and `scalodb_set_algebra_store` compute.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum scalodb_set_op {
    /// The members in every set (SINTER).
    SCALODB_SET_INTER = 0,
    /// The members in any set (SUNION).
    SCALODB_SET_UNION = 1,
    /// The members of the first set that are in none of the others (SDIFF).
    SCALODB_SET_DIFF = 2,
}

fn op_of(op: i32) -> Result<SetOp, Failure> {
    match op {
        0 => Ok(SetOp::Inter),
        1 => Ok(SetOp::Union),
        2 => Ok(SetOp::Diff),
        _ => Err(Failure::invalid(format!("op {op} is not a scalodb_set_op"))),
    }
}

/// Adds `count` members to the set at `key` (created if absent). `added` may be NULL; otherwise
/// it is set to how many were new (SADD).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db`, null `members` with `count` above 0),
/// SCALODB_WRONG_TYPE, SCALODB_KEY_TOO_LARGE, SCALODB_VALUE_TOO_LARGE, SCALODB_CLOSED,
/// SCALODB_READ_ONLY, SCALODB_OUT_OF_MEMORY, SCALODB_IO. Nothing is written on an error.
/// Ownership: the inputs stay the caller's. Threads: any thread, concurrently with any other call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_sadd(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    members: *const scalodb_slice,
    count: usize,
    added: *mut usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            write_opt(added, db.sadd(k, &slices(members, count, "members")?)?);
            Ok(SCALODB_OK)
        })
    }
}

/// Removes `count` members from the set at `key` (deleting the key when none is left). `removed`
/// may be NULL; otherwise it is set to how many were there (SREM).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db`, null `members` with `count` above 0),
/// SCALODB_WRONG_TYPE, SCALODB_CLOSED, SCALODB_READ_ONLY, SCALODB_IO.
/// Ownership: the inputs stay the caller's. Threads: any thread, concurrently with any other call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_srem(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    members: *const scalodb_slice,
    count: usize,
    removed: *mut usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            write_opt(removed, db.srem(k, &slices(members, count, "members")?)?);
            Ok(SCALODB_OK)
        })
    }
}

/// Sets `*is_member` to whether `member` is in the set at `key` (false for an absent key)
/// (SISMEMBER).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `is_member`), SCALODB_WRONG_TYPE,
/// SCALODB_CLOSED.
/// Ownership: the inputs stay the caller's. Threads: any thread, concurrently with any other call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_sismember(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    member: *const c_void,
    member_len: usize,
    is_member: *mut bool,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            let dest = out(is_member, "is_member")?;
            dest.write(db.sismember(k, bytes(member, member_len, "member")?)?);
            Ok(SCALODB_OK)
        })
    }
}

/// Sets `*len` to the number of members of the set at `key`, 0 if absent (SCARD).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `len`), SCALODB_WRONG_TYPE, SCALODB_CLOSED.
/// Ownership: `key` stays the caller's. Threads: any thread, concurrently with any other call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_scard(
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
            dest.write(db.scard(k)?);
            Ok(SCALODB_OK)
        })
    }
}

/// Every member of the set at `key`, in byte order, as a new list; empty for an absent key
/// (SMEMBERS).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `list`), SCALODB_WRONG_TYPE, SCALODB_CLOSED.
/// Ownership: the caller owns `*list` and frees it with `scalodb_list_free`.
/// Threads: any thread, concurrently with any other call; one consistent version of the set.
#[no_mangle]
pub unsafe extern "C" fn scalodb_smembers(
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
            give_list(dest, Items::Bytes(db.smembers(k)?))
        })
    }
}

/// Removes up to `count` random members of the set at `key` and returns them as a new list
/// (SPOP with a count); an absent key gives an empty list.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `list`), SCALODB_WRONG_TYPE, SCALODB_CLOSED,
/// SCALODB_READ_ONLY, SCALODB_IO.
/// Ownership: the caller owns `*list` and frees it with `scalodb_list_free`.
/// Threads: any thread; concurrent pops never return one member twice.
#[no_mangle]
pub unsafe extern "C" fn scalodb_spop(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    count: usize,
    list: *mut *mut scalodb_list,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            let dest = list_out(list)?;
            give_list(dest, Items::Bytes(db.spop(k, count)?))
        })
    }
}

/// The members of `op` (a `scalodb_set_op`) over the `count` sets at `keys`, in byte order, as a
/// new list (SINTER, SUNION, SDIFF). An absent key is an empty set; every key is read at one
/// consistent version.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `list`, `op` not a scalodb_set_op, `count` 0),
/// SCALODB_WRONG_TYPE (a key holds something other than a set), SCALODB_CLOSED.
/// Ownership: the caller owns `*list` and frees it with `scalodb_list_free`.
/// Threads: any thread, concurrently with any other call on `db`.
#[no_mangle]
pub unsafe extern "C" fn scalodb_set_algebra(
    db: *const scalodb_db,
    op: i32,
    keys: *const scalodb_slice,
    count: usize,
    list: *mut *mut scalodb_list,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        let (dest, op) = (list_out(list)?, op_of(op)?);
        at_least_one(count, "keys")?;
        // SAFETY: `db` is null or live; `keys` points to `count` slices (contract).
        let (h, keys) = unsafe { (crate::args::handle(db, "db")?, slices(keys, count, "keys")?) };
        let members = h.db.set_algebra(op, &keys)?;
        // SAFETY: `dest` was checked non-null and is writable per the contract.
        unsafe { give_list(dest, Items::Bytes(members)) }
    })
}

/// Like `scalodb_set_algebra`, storing the result as a set at `dst` (replacing whatever it held,
/// of any type; deleting it when the result is empty) in one atomic step (SINTERSTORE,
/// SUNIONSTORE, SDIFFSTORE). `len` may be NULL; otherwise it is set to the result's size. `dst`
/// may be one of `keys`.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db`, `op` not a scalodb_set_op, `count` 0),
/// SCALODB_WRONG_TYPE (a source is not a set), SCALODB_KEY_TOO_LARGE, SCALODB_CLOSED,
/// SCALODB_READ_ONLY, SCALODB_IO.
/// Ownership: the inputs stay the caller's. Threads: any thread, concurrently with any other call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_set_algebra_store(
    db: *const scalodb_db,
    op: i32,
    dst: *const c_void,
    dst_len: usize,
    keys: *const scalodb_slice,
    count: usize,
    len: *mut usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        let op = op_of(op)?;
        at_least_one(count, "keys")?;
        // SAFETY: `db` is null or live; `dst` points to `dst_len` bytes and `keys` to `count`
        // slices (contract).
        let (h, d, keys) =
            unsafe { (crate::args::handle(db, "db")?, bytes(dst, dst_len, "dst")?, slices(keys, count, "keys")?) };
        let size = h.db.set_algebra_store(op, d, &keys)?;
        // SAFETY: `len` is null or writable per the contract.
        unsafe { write_opt(len, size) };
        Ok(SCALODB_OK)
    })
}

/// Moves `member` from the set at `src` to the set at `dst` in one atomic step (SMOVE). `moved`
/// may be NULL; otherwise it is set to whether `src` held the member (false: nothing changed).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db`), SCALODB_WRONG_TYPE (either key holds another
/// type), SCALODB_KEY_TOO_LARGE, SCALODB_CLOSED, SCALODB_READ_ONLY, SCALODB_IO.
/// Ownership: the inputs stay the caller's. Threads: any thread, concurrently with any other call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_smove(
    db: *const scalodb_db,
    src: *const c_void,
    src_len: usize,
    dst: *const c_void,
    dst_len: usize,
    member: *const c_void,
    member_len: usize,
    moved: *mut bool,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract (`src` is the key `with_key` checks).
    unsafe {
        with_key(db, src, src_len, err, |db, s| {
            let (d, m) = (bytes(dst, dst_len, "dst")?, bytes(member, member_len, "member")?);
            write_opt(moved, db.smove(s, d, m)?);
            Ok(SCALODB_OK)
        })
    }
}

/// Random members of the set at `key`, without removing them, as a new list (SRANDMEMBER): up to
/// `count` distinct ones if `count` is positive, exactly `-count` (possibly repeated) if it is
/// negative; empty for an absent key or a `count` of 0.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `list`), SCALODB_WRONG_TYPE, SCALODB_CLOSED.
/// Ownership: the caller owns `*list` and frees it with `scalodb_list_free`.
/// Threads: any thread, concurrently with any other call on `db`.
#[no_mangle]
pub unsafe extern "C" fn scalodb_srandmember(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    count: i64,
    list: *mut *mut scalodb_list,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            let dest = list_out(list)?;
            give_list(dest, Items::Bytes(db.srandmember(k, count)?))
        })
    }
}
