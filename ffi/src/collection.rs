//! What the typed operations (hashes, lists, sets, sorted sets) share: `scalodb_slice` for
//! arrays of byte strings passed in, `scalodb_list` for every multi-element result (byte strings,
//! field/value pairs or member/score pairs, owned by the library and read in place), and
//! `scalodb_type`, which tells what a key holds. The families are in `types_*.rs`.

use std::ffi::{c_char, c_void};

use scalodb::{Db, Kind};

use crate::args::{bytes, handle, out};
use crate::db::scalodb_db;
use crate::error::{guard, guard_value, scalodb_error, Failure};
use crate::status::scalodb_status::{self, SCALODB_INVALID_ARGUMENT, SCALODB_NOT_FOUND, SCALODB_OK};

/// One byte string of an array argument (the fields of `scalodb_hset`, the members of
/// `scalodb_sadd`...): `len` bytes at `data`. `data` may be NULL only when `len` is 0.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct scalodb_slice {
    /// The bytes.
    pub data: *const c_void,
    /// How many.
    pub len: usize,
}

/// What a key holds, as `scalodb_type` reports it. New kinds may be added in later versions.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum scalodb_kind {
    /// The key is absent (or expired).
    SCALODB_KIND_NONE = 0,
    /// A plain value (`scalodb_put`).
    SCALODB_KIND_STRING = 1,
    /// A hash: fields with values (`scalodb_hset`).
    SCALODB_KIND_HASH = 2,
    /// A list of elements (`scalodb_push`).
    SCALODB_KIND_LIST = 3,
    /// A set of distinct members (`scalodb_sadd`).
    SCALODB_KIND_SET = 4,
    /// A sorted set: members with scores (`scalodb_zadd`).
    SCALODB_KIND_ZSET = 5,
}

/// The result of a typed operation that returns several elements: an array of entries, each a
/// byte string (an element, a field or a member), with a second byte string (the value of a hash
/// field) or a score (of a sorted-set member) for the operations that return them. It never
/// changes once made, whatever is written to the database afterwards.
///
/// Ownership: made by the typed operations (`scalodb_hgetall`, `scalodb_lrange`,
/// `scalodb_smembers`, `scalodb_zrange`...), freed by `scalodb_list_free`; the pointers
/// `scalodb_list_get` gives stay valid until then.
/// Threads: immutable: may be read from any thread, also concurrently, and freed from any thread
/// once no other thread reads it.
pub struct scalodb_list {
    items: Items,
}

/// The entries of a list, as the core returned them (moved in, never copied again).
pub(crate) enum Items {
    Bytes(Vec<Vec<u8>>),
    Pairs(Vec<(Vec<u8>, Vec<u8>)>),
    Scored(Vec<(Vec<u8>, f64)>),
}

impl Items {
    fn len(&self) -> usize {
        match self {
            Items::Bytes(v) => v.len(),
            Items::Pairs(v) => v.len(),
            Items::Scored(v) => v.len(),
        }
    }

    /// Entry `i` as (item, second byte string, score).
    fn get(&self, i: usize) -> Option<(&[u8], &[u8], f64)> {
        match self {
            Items::Bytes(v) => v.get(i).map(|b| (&b[..], &[][..], 0.0)),
            Items::Pairs(v) => v.get(i).map(|(f, x)| (&f[..], &x[..], 0.0)),
            Items::Scored(v) => v.get(i).map(|(m, s)| (&m[..], &[][..], *s)),
        }
    }
}

/// Checks a list output pointer; call before the operation, so nothing is done when it is null.
pub(crate) fn list_out(list: *mut *mut scalodb_list) -> Result<*mut *mut scalodb_list, Failure> {
    out(list, "list")
}

/// Hands a new list to the caller.
///
/// # Safety
/// `dest` must be non-null (see [`list_out`]) and writable.
pub(crate) unsafe fn give_list(dest: *mut *mut scalodb_list, items: Items) -> Result<scalodb_status, Failure> {
    let boxed = Box::into_raw(Box::new(scalodb_list { items }));
    // SAFETY: per this function's contract; the caller frees the box with `scalodb_list_free`.
    unsafe { dest.write(boxed) };
    Ok(SCALODB_OK)
}

/// The byte strings of an array argument (`count` slices at `items`).
///
/// # Safety
/// `items` must be null or point to `count` readable `scalodb_slice`s, each of whose `data` is
/// null or points to its `len` readable bytes, unchanged for `'a`.
pub(crate) unsafe fn slices<'a>(
    items: *const scalodb_slice,
    count: usize,
    what: &str,
) -> Result<Vec<&'a [u8]>, Failure> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if items.is_null() {
        return Err(Failure::invalid(format!("{what} is NULL but its count is {count}")));
    }
    if count > isize::MAX as usize / std::mem::size_of::<scalodb_slice>() {
        return Err(Failure::invalid(format!("{what} count {count} is larger than any array can be")));
    }
    // SAFETY: non-null, the size fits in isize, and the caller guarantees `count` slices.
    let array = unsafe { std::slice::from_raw_parts(items, count) };
    array
        .iter()
        .enumerate()
        // SAFETY: each slice points to its length in bytes, per the contract.
        .map(|(i, s)| unsafe { bytes(s.data, s.len, &format!("{what}[{i}]")) })
        .collect()
}

/// The scores of `scalodb_zadd` (`count` doubles at `scores`).
///
/// # Safety
/// `scores` must be null or point to `count` readable doubles, unchanged for `'a`.
pub(crate) unsafe fn doubles<'a>(scores: *const f64, count: usize) -> Result<&'a [f64], Failure> {
    if count == 0 {
        return Ok(&[]);
    }
    if scores.is_null() {
        return Err(Failure::invalid(format!("scores is NULL but its count is {count}")));
    }
    if count > isize::MAX as usize / 8 {
        return Err(Failure::invalid(format!("scores count {count} is larger than any array can be")));
    }
    // SAFETY: non-null, the size fits in isize, and the caller guarantees `count` doubles.
    Ok(unsafe { std::slice::from_raw_parts(scores, count) })
}

/// Fails unless `count` is above 0 (for the operations that need at least one key).
pub(crate) fn at_least_one(count: usize, what: &str) -> Result<(), Failure> {
    if count == 0 {
        return Err(Failure::invalid(format!("{what} must hold at least one entry")));
    }
    Ok(())
}

/// Runs a typed operation on the database at `db` and the key at (`key`, `key_len`).
///
/// # Safety
/// `db` must be null or a live handle; `key` null or pointing to `key_len` readable bytes.
pub(crate) unsafe fn with_key(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    err: *mut *mut scalodb_error,
    body: impl FnOnce(&Db, &[u8]) -> Result<scalodb_status, Failure>,
) -> scalodb_status {
    guard(err, || {
        // SAFETY: forwarded from the caller.
        let (h, k) = unsafe { (handle(db, "db")?, bytes(key, key_len, "key")?) };
        body(&h.db, k)
    })
}

/// The type of the value at `key`: on SCALODB_OK `*kind` is its `scalodb_kind`; on
/// SCALODB_NOT_FOUND (absent or expired) it is SCALODB_KIND_NONE. `scalodb_kind_name` names it as
/// Redis's TYPE does.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db` or `kind`), SCALODB_CLOSED.
/// Ownership: `key` stays the caller's. Threads: any thread, concurrently with any other call.
#[no_mangle]
pub unsafe extern "C" fn scalodb_type(
    db: *const scalodb_db,
    key: *const c_void,
    key_len: usize,
    kind: *mut scalodb_kind,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    use scalodb_kind::*;
    // SAFETY: `db` and `key` per this function's contract.
    unsafe {
        with_key(db, key, key_len, err, |db, k| {
            let dest = out(kind, "kind")?;
            let (found, status) = match db.kind_of(k)? {
                None => (SCALODB_KIND_NONE, SCALODB_NOT_FOUND),
                Some(Kind::String) => (SCALODB_KIND_STRING, SCALODB_OK),
                Some(Kind::Hash) => (SCALODB_KIND_HASH, SCALODB_OK),
                Some(Kind::List) => (SCALODB_KIND_LIST, SCALODB_OK),
                Some(Kind::Set) => (SCALODB_KIND_SET, SCALODB_OK),
                Some(Kind::ZSet) => (SCALODB_KIND_ZSET, SCALODB_OK),
            };
            // SAFETY: checked non-null, writable per the contract.
            dest.write(found);
            Ok(status)
        })
    }
}

/// Redis's name of a `scalodb_kind` ("none", "string", "hash", "list", "set", "zset"), or
/// "unknown" for a value this version does not know.
///
/// Ownership: the string is static; never free it. Threads: any thread, any time.
#[no_mangle]
pub extern "C" fn scalodb_kind_name(kind: i32) -> *const c_char {
    // A plain integer, not `scalodb_kind`: an out-of-range Rust enum would be undefined behaviour.
    let name: &'static std::ffi::CStr = match kind {
        0 => c"none",
        1 => c"string",
        2 => c"hash",
        3 => c"list",
        4 => c"set",
        5 => c"zset",
        _ => c"unknown",
    };
    name.as_ptr()
}

/// The number of entries of a list; 0 if `list` is null.
///
/// Threads: any thread, also concurrently.
#[no_mangle]
pub unsafe extern "C" fn scalodb_list_len(list: *const scalodb_list) -> usize {
    guard_value(0, || {
        // SAFETY: `list` is null or a live list per the contract.
        unsafe { list.as_ref() }.map_or(0, |l| l.items.len())
    })
}

/// Entry `index` (0 to `scalodb_list_len` - 1) of a list: `*item`/`*item_len` its element, field
/// or member; `*value`/`*value_len` the field's value for a list of field/value pairs
/// (`scalodb_hgetall`), NULL and 0 otherwise; `*score` the member's score for a list of scored
/// members (`scalodb_zrange`, `scalodb_zpop`...), 0 otherwise. Every output may be NULL if not
/// wanted. An empty byte string has a non-null pointer that must not be read.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `list`, `index` not below the length).
/// Ownership: the bytes belong to the list and stay valid until `scalodb_list_free`; never free
/// them. Threads: any thread, also concurrently.
#[no_mangle]
pub unsafe extern "C" fn scalodb_list_get(
    list: *const scalodb_list,
    index: usize,
    item: *mut *const u8,
    item_len: *mut usize,
    value: *mut *const u8,
    value_len: *mut usize,
    score: *mut f64,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        // SAFETY: `list` is null or a live list per the contract.
        let l = unsafe { handle(list, "list") }?;
        let len = l.items.len();
        let (i, v, s) = l.items.get(index).ok_or_else(|| Failure {
            status: SCALODB_INVALID_ARGUMENT,
            message: format!("index {index} is outside the list, which has {len} entries"),
        })?;
        let has_value = matches!(l.items, Items::Pairs(_));
        // SAFETY: each output is null (skipped) or writable per the contract.
        unsafe {
            crate::args::write_opt(item, i.as_ptr());
            crate::args::write_opt(item_len, i.len());
            crate::args::write_opt(value, if has_value { v.as_ptr() } else { std::ptr::null() });
            crate::args::write_opt(value_len, v.len());
            crate::args::write_opt(score, s);
        }
        Ok(SCALODB_OK)
    })
}

/// Frees a list. Null is accepted and does nothing.
///
/// Ownership: `list` and the pointers into it must not be used afterwards.
/// Threads: any thread, once no other thread reads the list.
#[no_mangle]
pub unsafe extern "C" fn scalodb_list_free(list: *mut scalodb_list) {
    guard_value((), || {
        if !list.is_null() {
            // SAFETY: made by `give_list` with `Box::into_raw`; the caller gives it up.
            drop(unsafe { Box::from_raw(list) });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_give_their_entries_and_refuse_indexes_past_the_end() {
        let mut l: *mut scalodb_list = std::ptr::null_mut();
        let items = Items::Scored(vec![(b"a".to_vec(), 1.5), (Vec::new(), -2.0)]);
        unsafe {
            give_list(&mut l, items).unwrap();
            assert_eq!(scalodb_list_len(l), 2);
            let (mut p, mut n, mut s) = (std::ptr::null(), 0, 0.0);
            let mut v: *const u8 = std::ptr::dangling();
            let st = scalodb_list_get(l, 0, &mut p, &mut n, &mut v, std::ptr::null_mut(), &mut s, std::ptr::null_mut());
            assert_eq!(st, SCALODB_OK);
            assert_eq!((std::slice::from_raw_parts(p, n), s, v.is_null()), (&b"a"[..], 1.5, true));
            let st = scalodb_list_get(l, 2, &mut p, &mut n, &mut v, std::ptr::null_mut(), &mut s, std::ptr::null_mut());
            assert_eq!(st, SCALODB_INVALID_ARGUMENT);
            scalodb_list_free(l);
            assert_eq!(scalodb_list_len(std::ptr::null()), 0);
            scalodb_list_free(std::ptr::null_mut());
        }
    }

    #[test]
    fn slice_arrays_are_checked() {
        let a =
            [scalodb_slice { data: b"xy".as_ptr().cast(), len: 2 }, scalodb_slice { data: std::ptr::null(), len: 0 }];
        unsafe {
            assert_eq!(slices(a.as_ptr(), 2, "members").unwrap(), vec![&b"xy"[..], &b""[..]]);
            assert!(slices(std::ptr::null(), 0, "members").unwrap().is_empty());
            assert!(slices(std::ptr::null(), 1, "members").is_err());
            let bad = [scalodb_slice { data: std::ptr::null(), len: 3 }];
            assert!(slices(bad.as_ptr(), 1, "members").unwrap_err().message.contains("members[0]"));
            assert!(doubles(std::ptr::null(), 1).is_err());
        }
        assert_eq!(unsafe { std::ffi::CStr::from_ptr(scalodb_kind_name(5)) }.to_bytes(), b"zset");
        assert_eq!(unsafe { std::ffi::CStr::from_ptr(scalodb_kind_name(-1)) }.to_bytes(), b"unknown");
    }
}
