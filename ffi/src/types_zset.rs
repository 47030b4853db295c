//! Sorted sets (Redis's Z* commands) in the C ABI: `scalodb_zadd` (with the SCALODB_ZADD_* flags),
//! `scalodb_zincrby`, `scalodb_zrem`, `scalodb_zscore`, `scalodb_zcard`, `scalodb_zrank`,
//! `scalodb_zrange`, `scalodb_zrangebyscore` and `scalodb_zcount` (score ranges given as
//! `scalodb_score_bound`s), `scalodb_zpop` (ZPOPMIN / ZPOPMAX), `scalodb_zremrangebyscore` and
//! `scalodb_zremrangebyrank`. Results with scores are lists of scored members (`scalodb_list_get`
//! gives the score). A key holding another type gives SCALODB_WRONG_TYPE.

use std::ffi::c_void;
use std::ops::Bound;

use scalodb::{ScoreBound, ZAddFlags};

use crate::args::{bytes, out, write_opt};
use crate::collection::{doubles, give_list, list_out, scalodb_list, scalodb_slice, slices, with_key, Items};
use crate::db::scalodb_db;
use crate::error::{scalodb_error, Failure};
use crate::status::scalodb_status::{self, SCALODB_NOT_FOUND, SCALODB_OK};

/// `scalodb_zadd` flag: only add new members, never update (NX).
pub const SCALODB_ZADD_NX: u32 = 1;
/// `scalodb_zadd` flag: only update existing members, never add (XX).
pub const SCALODB_ZADD_XX: u32 = 2;
/// `scalodb_zadd` flag: only update a member when the new score is greater (GT).
pub const SCALODB_ZADD_GT: u32 = 4;
/// `scalodb_zadd` flag: only update a member when the new score is less (LT).
pub const SCALODB_ZADD_LT: u32 = 8;
/// `scalodb_zadd` flag: count the members changed (added or given a new score), not only the
/// added ones (CH).
pub const SCALODB_ZADD_CH: u32 = 16;

const ALL_FLAGS: u32 = SCALODB_ZADD_NX | SCALODB_ZADD_XX | SCALODB_ZADD_GT | SCALODB_ZADD_LT | SCALODB_ZADD_CH;

/// One end of a score range: `value` itself is in the range unless `exclusive` (Redis's `(1.5`).
/// Use INFINITY / -INFINITY (math.h) for an open end (`+inf`, `-inf`). NaN is refused.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct scalodb_score_bound {
    /// The score at the end of the range.
    pub value: f64,
    /// Whether `value` itself is left out.
    pub exclusive: bool,
}

fn bound_of(b: scalodb_score_bound, what: &str) -> Result<ScoreBound, Failure> {
    if b.value.is_nan() {
        return Err(Failure::invalid(format!("{what} is not a number (NaN)")));
    }
    Ok(if b.exclusive { Bound::Excluded(b.value) } else { Bound::Included(b.value) })
}

fn flags_of(flags: u32) -> Result<ZAddFlags, Failure> {
    if flags & !ALL_FLAGS != 0 {
        return Err(Failure::invalid(format!("flags {flags:#x} has bits that are no SCALODB_ZADD_* flag")));
    }
    let has = |f: u32| flags & f != 0;
    Ok(ZAddFlags {
        nx: has(SCALODB_ZADD_NX),
        xx: has(SCALODB_ZADD_XX),
        gt: has(SCALODB_ZADD_GT),
        lt: has(SCALODB_ZADD_LT),
        ch: has(SCALODB_ZADD_CH),
    })
}

/// Adds `count` members to the sorted set at `key` (created if absent), `members[i]` with score
/// `scores[i]`, or updates their scores, under `flags` (SCALODB_ZADD_* or'ed together, 0 for
/// none) (ZADD). `counted` may be NULL; otherwise it is set to how many members were added (or,
/// with SCALODB_ZADD_CH, added or changed).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db`; null `scores` or `members` with `count` above 0;
/// a NaN score; an unknown flag; NX with XX, GT or LT; GT with LT), SCALODB_WRONG_TYPE,
/// SCALODB_KEY_TOO_LARGE, SCALODB_VALUE_TOO_LARGE, SCALODB_CLOSED, SCALODB_READ_ONLY,
/// SCALODB_OUT_OF_MEMORY, SCALODB_IO. Nothing is written on an error.
/// Ownership: the inputs stay the caller's. Threads: any thread, concurrently with any other call;
/// the members are added atomically.
#[no_mangle]
pub unsafe extern "C" fn scalodb_zadd(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    scores: *const f64,
    members: *const scalodb_slice,
    count: usize,
    flags: u32,
    counted: *mut usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            let flags = flags_of(flags)?;
            let (s, m) = (doubles(scores, count)?, slices(members, count, "members")?);
            let entries: Vec<(f64, &[u8])> = s.iter().copied().zip(m).collect();
            write_opt(counted, db.zadd(k, &entries, flags)?);
            Ok(SCALODB_OK)
        })
    }
}

/// Adds `delta` to the score of `member` in the sorted set at `key` (an absent member or key
/// counting as 0) and sets `*score` to the new score (ZINCRBY).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `score`, a NaN `delta` or result),
/// SCALODB_WRONG_TYPE, SCALODB_KEY_TOO_LARGE, SCALODB_VALUE_TOO_LARGE, SCALODB_CLOSED,
/// SCALODB_READ_ONLY, SCALODB_IO.
/// Ownership: the inputs stay the caller's. Threads: any thread; concurrent increments never lose
/// one.
#[no_mangle]
pub unsafe extern "C" fn scalodb_zincrby(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    delta: f64,
    member: *const c_void,
    member_len: usize,
    score: *mut f64,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            let dest = out(score, "score")?;
            dest.write(db.zincrby(k, delta, bytes(member, member_len, "member")?)?);
            Ok(SCALODB_OK)
        })
    }
}

/// Removes `count` members from the sorted set at `key` (deleting the key when none is left).
/// `removed` may be NULL; otherwise it is set to how many were there (ZREM).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db`, null `members` with `count` above 0),
/// SCALODB_WRONG_TYPE, SCALODB_CLOSED, SCALODB_READ_ONLY, SCALODB_IO.
/// Ownership: the inputs stay the caller's. Threads: any thread, concurrently with any other call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_zrem(
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
            write_opt(removed, db.zrem(k, &slices(members, count, "members")?)?);
            Ok(SCALODB_OK)
        })
    }
}

/// Sets `*score` to the score of `member` in the sorted set at `key`; SCALODB_NOT_FOUND (and
/// `*score` = 0) if there is no such member or key (ZSCORE).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `score`), SCALODB_WRONG_TYPE, SCALODB_CLOSED.
/// Ownership: the inputs stay the caller's. Threads: any thread, concurrently with any other call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_zscore(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    member: *const c_void,
    member_len: usize,
    score: *mut f64,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            let dest = out(score, "score")?;
            let found = db.zscore(k, bytes(member, member_len, "member")?)?;
            dest.write(found.unwrap_or(0.0));
            Ok(if found.is_some() { SCALODB_OK } else { SCALODB_NOT_FOUND })
        })
    }
}

/// Sets `*len` to the number of members of the sorted set at `key`, 0 if absent (ZCARD).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `len`), SCALODB_WRONG_TYPE, SCALODB_CLOSED.
/// Ownership: `key` stays the caller's. Threads: any thread, concurrently with any other call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_zcard(
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
            dest.write(db.zcard(k)?);
            Ok(SCALODB_OK)
        })
    }
}

/// Sets `*rank` to the rank (from 0) of `member` in the sorted set at `key` by ascending score,
/// or by descending score with `rev` (ZRANK / ZREVRANK); `score` may be NULL, otherwise it is
/// set to the member's score. SCALODB_NOT_FOUND (with 0 and 0) if there is no such member or key.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `rank`), SCALODB_WRONG_TYPE, SCALODB_CLOSED.
/// Ownership: the inputs stay the caller's. Threads: any thread, concurrently with any other call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_zrank(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    member: *const c_void,
    member_len: usize,
    rev: bool,
    rank: *mut usize,
    score: *mut f64,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            let dest = out(rank, "rank")?;
            let found = db.zrank(k, bytes(member, member_len, "member")?, rev)?;
            let (r, s) = found.unwrap_or((0, 0.0));
            dest.write(r);
            write_opt(score, s);
            Ok(if found.is_some() { SCALODB_OK } else { SCALODB_NOT_FOUND })
        })
    }
}

/// The members from rank `start` to `stop`, both included (negative ranks count from the end),
/// by ascending score, or descending with `rev` (ranks then count from the highest), as a new list
/// of scored members (ZRANGE, ZREVRANGE). Members with equal scores are in byte order.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `list`), SCALODB_WRONG_TYPE, SCALODB_CLOSED.
/// Ownership: the caller owns `*list` and frees it with `scalodb_list_free`.
/// Threads: any thread, concurrently with any other call; one consistent version.
#[no_mangle]
pub unsafe extern "C" fn scalodb_zrange(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    start: i64,
    stop: i64,
    rev: bool,
    list: *mut *mut scalodb_list,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            let dest = list_out(list)?;
            give_list(dest, Items::Scored(db.zrange(k, start, stop, rev)?))
        })
    }
}

/// The members with a score between `min` and `max`, by ascending score, or descending with `rev`
/// (`min` is still the low end), as a new list of scored members (ZRANGEBYSCORE,
/// ZREVRANGEBYSCORE). Then LIMIT: `offset` members are skipped and at most `count` returned; a
/// negative `count` means all (`0, -1`: no limit).
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `list`, a NaN bound), SCALODB_WRONG_TYPE,
/// SCALODB_CLOSED.
/// Ownership: the caller owns `*list` and frees it with `scalodb_list_free`.
/// Threads: any thread, concurrently with any other call; one consistent version.
#[no_mangle]
pub unsafe extern "C" fn scalodb_zrangebyscore(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    min: scalodb_score_bound,
    max: scalodb_score_bound,
    rev: bool,
    offset: usize,
    count: i64,
    list: *mut *mut scalodb_list,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            let dest = list_out(list)?;
            let (lo, hi) = (bound_of(min, "min")?, bound_of(max, "max")?);
            let limit = (offset != 0 || count >= 0).then_some((offset, count));
            give_list(dest, Items::Scored(db.zrange_by_score(k, lo, hi, rev, limit)?))
        })
    }
}

/// Removes up to `count` members with the lowest scores (ZPOPMIN), or the highest with `max`
/// (ZPOPMAX), of the sorted set at `key`, and returns them in that order as a new list of scored
/// members; an absent key gives an empty list.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `list`), SCALODB_WRONG_TYPE, SCALODB_CLOSED,
/// SCALODB_READ_ONLY, SCALODB_IO.
/// Ownership: the caller owns `*list` and frees it with `scalodb_list_free`.
/// Threads: any thread; concurrent pops never return one member twice.
#[no_mangle]
pub unsafe extern "C" fn scalodb_zpop(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    max: bool,
    count: usize,
    list: *mut *mut scalodb_list,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            let dest = list_out(list)?;
            give_list(dest, Items::Scored(db.zpop(k, max, count)?))
        })
    }
}

/// Sets `*len` to how many members of the sorted set at `key` have a score between `min` and
/// `max` (ZCOUNT); 0 for an absent key.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `len`, a NaN bound), SCALODB_WRONG_TYPE,
/// SCALODB_CLOSED.
/// Ownership: `key` stays the caller's. Threads: any thread, concurrently with any other call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_zcount(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    min: scalodb_score_bound,
    max: scalodb_score_bound,
    len: *mut usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            let dest = out(len, "len")?;
            let (lo, hi) = (bound_of(min, "min")?, bound_of(max, "max")?);
            dest.write(db.zcount(k, lo, hi)?);
            Ok(SCALODB_OK)
        })
    }
}

/// Removes the members of the sorted set at `key` with a score between `min` and `max`
/// (ZREMRANGEBYSCORE). `removed` may be NULL; otherwise it is set to how many went.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db`, a NaN bound), SCALODB_WRONG_TYPE, SCALODB_CLOSED,
/// SCALODB_READ_ONLY, SCALODB_IO.
/// Ownership: `key` stays the caller's. Threads: any thread, concurrently with any other call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_zremrangebyscore(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    min: scalodb_score_bound,
    max: scalodb_score_bound,
    removed: *mut usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            let (lo, hi) = (bound_of(min, "min")?, bound_of(max, "max")?);
            write_opt(removed, db.zremrange_by_score(k, lo, hi)?);
            Ok(SCALODB_OK)
        })
    }
}

/// Removes the members of the sorted set at `key` from rank `start` to `stop`, both included
/// (negative ranks count from the end), by ascending score (ZREMRANGEBYRANK). `removed` may be
/// NULL; otherwise it is set to how many went.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db`), SCALODB_WRONG_TYPE, SCALODB_CLOSED,
/// SCALODB_READ_ONLY, SCALODB_IO.
/// Ownership: `key` stays the caller's. Threads: any thread, concurrently with any other call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_zremrangebyrank(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    start: i64,
    stop: i64,
    removed: *mut usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: every pointer per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            write_opt(removed, db.zremrange_by_rank(k, start, stop)?);
            Ok(SCALODB_OK)
        })
    }
}
