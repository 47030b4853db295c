//! What the collection methods (`types_*.rs`: hashes, lists, sets, sorted sets) share: reading
//! their JavaScript arguments (arrays of keys or elements, `{ field: value }` records, Maps,
//! `[score, member]` pairs, indexes and counts, list ends) into what the engine's typed API takes,
//! and the shapes results come back in (`[field, value]`, `[member, score]`, a `Map` for
//! `hgetall`). Plus `db.type(key)`. Conversion only: every decision stays in the engine.
//!
//! Arrays and objects are read with raw napi calls, like single keys in `bytes.rs`, so that a bad
//! argument is an `ERR_SCALODB_INVALID_ARGUMENT` naming what was wrong, and elements given as
//! Uint8Arrays are read in place.

use std::ptr;

use napi::bindgen_prelude::*;
use napi::{sys, JsValue};
use napi_derive::napi;
use scalodb::{End, Kind};

use crate::bytes::{bytes_of, check, optional_bytes, Blob, Bytes, Encoding};
use crate::db::Database;
use crate::error::{invalid, OrThrow, Result};

/// 2^53 - 1, the largest integer a JavaScript number holds exactly.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

fn type_of(env: sys::napi_env, raw: sys::napi_value) -> Result<sys::napi_valuetype> {
    let mut kind = 0;
    // SAFETY: `env` and `raw` come from a live napi callback; `kind` is a valid out pointer.
    check(unsafe { sys::napi_typeof(env, raw, &mut kind) }, "typeof")?;
    Ok(kind)
}

fn is_array(env: sys::napi_env, raw: sys::napi_value) -> Result<bool> {
    let mut yes = false;
    // SAFETY: as above; `yes` is a valid out pointer.
    check(unsafe { sys::napi_is_array(env, raw, &mut yes) }, "is_array")?;
    Ok(yes)
}

fn is_typed_array(env: sys::napi_env, raw: sys::napi_value) -> Result<bool> {
    let mut yes = false;
    // SAFETY: as above.
    check(unsafe { sys::napi_is_typedarray(env, raw, &mut yes) }, "is_typedarray")?;
    Ok(yes)
}

fn global_property(env: sys::napi_env, object: sys::napi_value, name: &std::ffi::CStr) -> Result<sys::napi_value> {
    let mut out = ptr::null_mut();
    // SAFETY: `object` is a live object of this call; `name` is NUL-terminated.
    check(unsafe { sys::napi_get_named_property(env, object, name.as_ptr(), &mut out) }, "get_named_property")?;
    Ok(out)
}

fn global(env: sys::napi_env) -> Result<sys::napi_value> {
    let mut out = ptr::null_mut();
    // SAFETY: `env` is live; `out` is a valid out pointer.
    check(unsafe { sys::napi_get_global(env, &mut out) }, "get_global")?;
    Ok(out)
}

/// If `raw` is a `Map`, its entries as an array of `[key, value]` arrays (`Array.from(map)`).
fn map_entries(env: sys::napi_env, raw: sys::napi_value) -> Result<Option<sys::napi_value>> {
    let g = global(env)?;
    let map = global_property(env, g, c"Map")?;
    let mut yes = false;
    // SAFETY: `map` is the global Map constructor; `raw` an object of this call.
    check(unsafe { sys::napi_instanceof(env, raw, map, &mut yes) }, "instanceof")?;
    if !yes {
        return Ok(None);
    }
    let array = global_property(env, g, c"Array")?;
    let from = global_property(env, array, c"from")?;
    let mut out = ptr::null_mut();
    let args = [raw];
    // SAFETY: `from` is `Array.from`, called with `Array` as `this` and one argument.
    check(unsafe { sys::napi_call_function(env, array, from, 1, args.as_ptr(), &mut out) }, "Array.from")?;
    Ok(Some(out))
}

/// The elements of the JavaScript array `raw`.
fn elements<'a>(env: sys::napi_env, raw: sys::napi_value) -> Result<Vec<Unknown<'a>>> {
    let mut len = 0u32;
    // SAFETY: `raw` is an array (checked by the callers); `len` is a valid out pointer.
    check(unsafe { sys::napi_get_array_length(env, raw, &mut len) }, "get_array_length")?;
    let mut out = Vec::with_capacity(len as usize);
    for i in 0..len {
        let mut item = ptr::null_mut();
        // SAFETY: as above, `i` is below the length.
        check(unsafe { sys::napi_get_element(env, raw, i, &mut item) }, "get_element")?;
        // SAFETY: `item` is a live value, held by the array for the whole native call.
        out.push(unsafe { Unknown::from_raw_unchecked(env, item) });
    }
    Ok(out)
}

/// An array argument (named `what` in errors) as its elements.
fn array_of<'a>(value: &Unknown<'a>, what: &str) -> Result<Vec<Unknown<'a>>> {
    let (env, raw) = (value.value().env, value.raw());
    if !is_array(env, raw)? {
        return Err(invalid(format!("{what} must be an array")));
    }
    elements(env, raw)
}

/// An array of keys or elements (strings, Buffers or Uint8Arrays), as `lpush`'s values or
/// `sinter`'s keys arrive from the `scalodb.js` wrapper of their rest parameters.
pub fn byte_list<'a>(value: &Unknown<'a>, what: &str) -> Result<Vec<Bytes<'a>>> {
    let each = || invalid(format!("each of {what} must be a string, a Buffer or a Uint8Array"));
    array_of(value, what)?.iter().map(|item| bytes_of(item, what).map_err(|_| each())).collect()
}

/// `[a, b]` pairs from an array of two-element arrays, a `Map`, or a plain object's own
/// enumerable string keys (as `Object.entries` would list them). `what` names the argument.
fn pairs_of<'a>(value: &Unknown<'a>, what: &str) -> Result<Vec<(Unknown<'a>, Unknown<'a>)>> {
    let (env, raw) = (value.value().env, value.raw());
    let wrong = || invalid(format!("{what} must be an object, a Map or an array of pairs"));
    if type_of(env, raw)? != sys::ValueType::napi_object || is_typed_array(env, raw)? {
        return Err(wrong());
    }
    let list = if is_array(env, raw)? { Some(raw) } else { map_entries(env, raw)? };
    if let Some(list) = list {
        return elements(env, list)?
            .iter()
            .map(|pair| {
                let (penv, praw) = (pair.value().env, pair.raw());
                if !is_array(penv, praw)? {
                    return Err(invalid(format!("each of {what} must be a two-element array")));
                }
                match <[Unknown<'a>; 2]>::try_from(elements(penv, praw)?) {
                    Ok([a, b]) => Ok((a, b)),
                    Err(_) => Err(invalid(format!("each of {what} must be a two-element array"))),
                }
            })
            .collect();
    }
    let mut names = ptr::null_mut();
    // SAFETY: `raw` is an object; the flags ask for own enumerable string keys, numbers as text.
    check(
        unsafe {
            sys::napi_get_all_property_names(
                env,
                raw,
                sys::KeyCollectionMode::own_only,
                sys::KeyFilter::enumerable | sys::KeyFilter::skip_symbols,
                sys::KeyConversion::numbers_to_strings,
                &mut names,
            )
        },
        "get_all_property_names",
    )?;
    let mut out = Vec::new();
    for name in elements(env, names)? {
        let mut item = ptr::null_mut();
        // SAFETY: `name` is one of the object's own keys.
        check(unsafe { sys::napi_get_property(env, raw, name.raw(), &mut item) }, "get_property")?;
        // SAFETY: `item` is a live value held by the object for the call.
        out.push((name, unsafe { Unknown::from_raw_unchecked(env, item) }));
    }
    Ok(out)
}

/// `hset`'s fields: `{ field: value }`, a `Map` or `[[field, value], ...]`.
pub fn field_values<'a>(value: &Unknown<'a>) -> Result<Vec<(Bytes<'a>, Bytes<'a>)>> {
    pairs_of(value, "fields")?
        .iter()
        .map(|(f, v)| Ok((bytes_of(f, "a field")?, bytes_of(v, "a field's value")?)))
        .collect()
}

fn number_of(value: &Unknown, what: &str) -> Result<f64> {
    let (env, raw) = (value.value().env, value.raw());
    if type_of(env, raw)? != sys::ValueType::napi_number {
        return Err(invalid(format!("{what} must be a number")));
    }
    let mut out = 0.0;
    // SAFETY: `raw` is a number (checked above).
    check(unsafe { sys::napi_get_value_double(env, raw, &mut out) }, "get_value_double")?;
    Ok(out)
}

/// `zadd`'s entries: `[[score, member], ...]`, or `{ member: score }` / a `Map` of member to
/// score.
pub fn scored_entries<'a>(value: &Unknown<'a>) -> Result<Vec<(f64, Bytes<'a>)>> {
    let by_score = is_array(value.value().env, value.raw())?;
    pairs_of(value, "entries")?
        .iter()
        .map(|(a, b)| {
            let (score, member) = if by_score { (a, b) } else { (b, a) };
            Ok((number_of(score, "a score")?, bytes_of(member, "a member")?))
        })
        .collect()
}

/// A JavaScript number that must be a safe integer (an index, a signed count, an increment).
pub fn int_of(name: &str, v: f64) -> Result<i64> {
    if v.fract() == 0.0 && v.abs() <= MAX_SAFE_INTEGER {
        Ok(v as i64)
    } else {
        Err(invalid(format!("{name} must be a safe integer, not {v}")))
    }
}

/// A JavaScript number that must be a non-negative safe integer.
pub fn count_of(name: &str, v: f64) -> Result<usize> {
    match int_of(name, v) {
        Ok(n) if n >= 0 => Ok(n as usize),
        _ => Err(invalid(format!("{name} must be a non-negative integer, not {v}"))),
    }
}

/// The elements a cursor scan returns per call when `count` is not given (Redis's default).
const SCAN_COUNT: f64 = 10.0;

/// A scan's page size, at least 1.
pub fn page_size(count: Option<f64>) -> Result<usize> {
    let n = int_of("count", count.unwrap_or(SCAN_COUNT))?;
    if n < 1 {
        return Err(invalid(format!("count must be at least 1, not {n}")));
    }
    Ok(n as usize)
}

/// A scan's `cursor` argument: absent, `null` or `undefined` start from the first element.
pub fn cursor_of<'a>(cursor: &Option<Unknown<'a>>) -> Result<Option<Bytes<'a>>> {
    match cursor {
        Some(c) => optional_bytes(c, "cursor"),
        None => Ok(None),
    }
}

/// `'left'` or `'right'`.
pub fn end_of(name: &str, s: &str) -> Result<End> {
    match s {
        "left" => Ok(End::Left),
        "right" => Ok(End::Right),
        other => Err(invalid(format!("{name} must be 'left' or 'right', not '{other}'"))),
    }
}

/// Bytes handed back as a Buffer.
pub fn buffer(bytes: Vec<u8>) -> Blob {
    Blob { bytes, encoding: Encoding::Buffer }
}

/// Byte strings handed back as Buffers.
pub fn buffers(list: Vec<Vec<u8>>) -> Vec<Blob> {
    list.into_iter().map(buffer).collect()
}

/// A hash's `[field, value]`, as `hrandfield` and `hscan` return them.
#[napi(array)]
pub struct FieldValue(
    #[napi(js_name = "field", ts_type = "Buffer")] pub Blob,
    #[napi(js_name = "value", ts_type = "Buffer")] pub Blob,
);

impl FieldValue {
    pub fn from_pairs(pairs: Vec<(Vec<u8>, Vec<u8>)>) -> Vec<FieldValue> {
        pairs.into_iter().map(|(f, v)| FieldValue(buffer(f), buffer(v))).collect()
    }
}

/// A sorted set's `[member, score]`, as `zrange` and the other sorted-set reads return them.
#[napi(array)]
pub struct ScoredMember(#[napi(js_name = "member", ts_type = "Buffer")] pub Blob, #[napi(js_name = "score")] pub f64);

impl ScoredMember {
    pub fn from_scored(list: Vec<scalodb::Scored>) -> Vec<ScoredMember> {
        list.into_iter().map(|(m, s)| ScoredMember(buffer(m), s)).collect()
    }
}

/// A whole hash as a JavaScript `Map` from field (decoded as UTF-8) to value (a Buffer), in
/// field order. A Map rather than an object: any field name is safe (`__proto__` included) and
/// the order is the hash's.
pub struct FieldMap(pub Vec<(Vec<u8>, Vec<u8>)>);

impl TypeName for FieldMap {
    fn type_name() -> &'static str {
        "Map<string, Buffer>"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ToNapiValue for FieldMap {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        let status = |e: napi::Error<crate::error::Code>| napi::Error::new(Status::GenericFailure, e.reason);
        let ctor = global(env).and_then(|g| global_property(env, g, c"Map")).map_err(status)?;
        let mut map = ptr::null_mut();
        // SAFETY: `ctor` is the global Map constructor, called with no arguments.
        check(unsafe { sys::napi_new_instance(env, ctor, 0, ptr::null(), &mut map) }, "new Map").map_err(status)?;
        let set = global_property(env, map, c"set").map_err(status)?;
        for (field, value) in val.0 {
            let text = String::from_utf8_lossy(&field);
            // SAFETY: `env` is the live environment napi-rs passed in, on this thread.
            let args =
                unsafe { [<&str>::to_napi_value(env, text.as_ref())?, Blob::to_napi_value(env, buffer(value))?] };
            let mut ignored = ptr::null_mut();
            // SAFETY: `set` is the map's `set` method, called on it with two live arguments.
            check(unsafe { sys::napi_call_function(env, map, set, 2, args.as_ptr(), &mut ignored) }, "Map#set")
                .map_err(status)?;
        }
        Ok(map)
    }
}

#[napi]
impl Database {
    /// What `key` holds: `'string'`, `'hash'`, `'list'`, `'set'` or `'zset'`, or `null` if it is
    /// absent (or expired), as Redis's TYPE answers.
    #[napi(
        js_name = "type",
        ts_args_type = "key: string | Uint8Array",
        ts_return_type = "'string' | 'hash' | 'list' | 'set' | 'zset' | null"
    )]
    pub fn kind(&self, key: Unknown) -> Result<Option<&'static str>> {
        Ok(self.db.kind_of(bytes_of(&key, "key")?).or_throw()?.map(Kind::name))
    }
}
