//! Hashes: `Db` methods for a key holding field → value pairs (Redis's H* commands).
//!
//! Every method reads without a lock (`read_coll`) or writes in one commit (`edit_coll`); a key
//! of another type is a `WrongType` error that changes nothing. A hash left with no field is
//! deleted.

use super::coll::{Coll, Kind};
use super::edit::Edit;
use super::ptree::PTree;
use super::random::ScanPage;
use super::typed::{typed_api, Access};
use crate::error::{Error, Result};

fn tree(c: &Coll) -> &PTree {
    match c {
        Coll::Hash(t) => t,
        _ => unreachable!("read_coll checked the kind"),
    }
}

typed_api! {
    /// Sets each `(field, value)` of `pairs` in the hash at `key` (created if absent). Returns how
    /// many fields were new (HSET).
    fn hset<F: AsRef<[u8]>, V: AsRef<[u8]>>(key: impl AsRef<[u8]>, pairs: &[(F, V)]) -> usize;

    /// Sets `field` only if the hash has no such field (HSETNX). Returns whether it was set.
    fn hsetnx(key: impl AsRef<[u8]>, field: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> bool;

    /// The value of `field` (HGET).
    fn hget(key: impl AsRef<[u8]>, field: impl AsRef<[u8]>) -> Option<Vec<u8>>;

    /// The values of `fields`, None for each that is absent (HMGET).
    fn hmget<F: AsRef<[u8]>>(key: impl AsRef<[u8]>, fields: &[F]) -> Vec<Option<Vec<u8>>>;

    /// Removes `fields`. Returns how many existed (HDEL).
    fn hdel<F: AsRef<[u8]>>(key: impl AsRef<[u8]>, fields: &[F]) -> usize;

    /// Whether the hash has `field` (HEXISTS).
    fn hexists(key: impl AsRef<[u8]>, field: impl AsRef<[u8]>) -> bool;

    /// The number of fields, 0 for an absent key (HLEN).
    fn hlen(key: impl AsRef<[u8]>) -> usize;

    /// The length of `field`'s value, 0 if absent (HSTRLEN).
    fn hstrlen(key: impl AsRef<[u8]>, field: impl AsRef<[u8]>) -> usize;

    /// Every `(field, value)`, in field order (HGETALL).
    fn hgetall(key: impl AsRef<[u8]>) -> Vec<(Vec<u8>, Vec<u8>)>;

    /// Every field, in order (HKEYS).
    fn hkeys(key: impl AsRef<[u8]>) -> Vec<Vec<u8>>;

    /// Every value, in field order (HVALS).
    fn hvals(key: impl AsRef<[u8]>) -> Vec<Vec<u8>>;

    /// Adds `delta` to the integer in `field` (absent counts as 0) and returns the new value
    /// (HINCRBY). A value that is not an integer, or an overflow, is an error and writes nothing.
    fn hincrby(key: impl AsRef<[u8]>, field: impl AsRef<[u8]>, delta: i64) -> i64;

    /// Adds `delta` to the number in `field` (absent counts as 0) and returns the new value
    /// (HINCRBYFLOAT). The result must be finite.
    fn hincrbyfloat(key: impl AsRef<[u8]>, field: impl AsRef<[u8]>, delta: f64) -> f64;

    /// Random fields with their values (HRANDFIELD): `count` distinct ones if positive (at most
    /// the hash's size), `-count` with repetitions if negative.
    fn hrandfield(key: impl AsRef<[u8]>, count: i64) -> Vec<(Vec<u8>, Vec<u8>)>;

    /// Up to `count` fields after `after` (from the first if None), in field order, and the
    /// cursor to pass next (None when the walk is done). Fields present for the whole walk are
    /// returned exactly once (HSCAN).
    fn hscan(key: impl AsRef<[u8]>, after: Option<&[u8]>, count: usize) -> ScanPage<(Vec<u8>, Vec<u8>)>;
}

pub(crate) fn hset<A: Access, F: AsRef<[u8]>, V: AsRef<[u8]>>(
    a: &mut A,
    key: impl AsRef<[u8]>,
    pairs: &[(F, V)],
) -> Result<usize> {
    for (f, v) in pairs {
        a.check_element(f.as_ref())?;
        a.check_element(v.as_ref())?;
    }
    a.edit_coll(key.as_ref(), Kind::Hash, |e, _| {
        let mut added = 0;
        for (field, value) in pairs {
            let (field, value) = (field.as_ref(), value.as_ref());
            let Coll::Hash(t) = &e.coll else { unreachable!() };
            match t.get(field) {
                Some(old) if old == value => continue,
                Some(_) => {}
                None => added += 1,
            }
            e.push(Edit::HSet { field, value });
        }
        Ok(added)
    })
}

fn hsetnx<A: Access>(
    a: &mut A,
    key: impl AsRef<[u8]>,
    field: impl AsRef<[u8]>,
    value: impl AsRef<[u8]>,
) -> Result<bool> {
    let (field, value) = (field.as_ref(), value.as_ref());
    a.check_element(field)?;
    a.check_element(value)?;
    a.edit_coll(key.as_ref(), Kind::Hash, |e, _| {
        let Coll::Hash(t) = &e.coll else { unreachable!() };
        if t.get(field).is_some() {
            return Ok(false);
        }
        e.push(Edit::HSet { field, value });
        Ok(true)
    })
}

fn hget<A: Access>(a: &mut A, key: impl AsRef<[u8]>, field: impl AsRef<[u8]>) -> Result<Option<Vec<u8>>> {
    a.read_coll(key.as_ref(), Kind::Hash, |c| c.and_then(|c| tree(c).get(field.as_ref())).map(<[u8]>::to_vec))
}

fn hmget<A: Access, F: AsRef<[u8]>>(a: &mut A, key: impl AsRef<[u8]>, fields: &[F]) -> Result<Vec<Option<Vec<u8>>>> {
    a.read_coll(key.as_ref(), Kind::Hash, |c| {
        fields.iter().map(|f| c.and_then(|c| tree(c).get(f.as_ref())).map(<[u8]>::to_vec)).collect()
    })
}

pub(crate) fn hdel<A: Access, F: AsRef<[u8]>>(a: &mut A, key: impl AsRef<[u8]>, fields: &[F]) -> Result<usize> {
    a.edit_coll(key.as_ref(), Kind::Hash, |e, _| {
        let mut removed = 0;
        for field in fields {
            let field = field.as_ref();
            let Coll::Hash(t) = &e.coll else { unreachable!() };
            if t.get(field).is_some() {
                e.push(Edit::HDel { field });
                removed += 1;
            }
        }
        Ok(removed)
    })
}

fn hexists<A: Access>(a: &mut A, key: impl AsRef<[u8]>, field: impl AsRef<[u8]>) -> Result<bool> {
    a.read_coll(key.as_ref(), Kind::Hash, |c| c.is_some_and(|c| tree(c).get(field.as_ref()).is_some()))
}

fn hlen<A: Access>(a: &mut A, key: impl AsRef<[u8]>) -> Result<usize> {
    a.read_coll(key.as_ref(), Kind::Hash, |c| c.map_or(0, Coll::len))
}

fn hstrlen<A: Access>(a: &mut A, key: impl AsRef<[u8]>, field: impl AsRef<[u8]>) -> Result<usize> {
    a.read_coll(key.as_ref(), Kind::Hash, |c| c.and_then(|c| tree(c).get(field.as_ref())).map_or(0, <[u8]>::len))
}

fn hgetall<A: Access>(a: &mut A, key: impl AsRef<[u8]>) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
    a.read_coll(key.as_ref(), Kind::Hash, |c| {
        c.map_or_else(Vec::new, |c| tree(c).iter().map(|(f, v)| (f.to_vec(), v.to_vec())).collect())
    })
}

fn hkeys<A: Access>(a: &mut A, key: impl AsRef<[u8]>) -> Result<Vec<Vec<u8>>> {
    a.read_coll(key.as_ref(), Kind::Hash, |c| {
        c.map_or_else(Vec::new, |c| tree(c).iter().map(|(f, _)| f.to_vec()).collect())
    })
}

fn hvals<A: Access>(a: &mut A, key: impl AsRef<[u8]>) -> Result<Vec<Vec<u8>>> {
    a.read_coll(key.as_ref(), Kind::Hash, |c| {
        c.map_or_else(Vec::new, |c| tree(c).iter().map(|(_, v)| v.to_vec()).collect())
    })
}

fn hincrby<A: Access>(a: &mut A, key: impl AsRef<[u8]>, field: impl AsRef<[u8]>, delta: i64) -> Result<i64> {
    let field = field.as_ref();
    a.check_element(field)?;
    a.edit_coll(key.as_ref(), Kind::Hash, |e, _| {
        let Coll::Hash(t) = &e.coll else { unreachable!() };
        let old = match t.get(field) {
            None => 0,
            Some(v) => std::str::from_utf8(v)
                .ok()
                .and_then(|s| s.parse::<i64>().ok())
                .ok_or_else(|| Error::WrongType("the hash value is not an integer".into()))?,
        };
        let new = old
            .checked_add(delta)
            .ok_or_else(|| Error::InvalidArgument(format!("incrementing {old} by {delta} overflows")))?;
        e.push(Edit::HSet { field, value: new.to_string().as_bytes() });
        Ok(new)
    })
}

fn hincrbyfloat<A: Access>(a: &mut A, key: impl AsRef<[u8]>, field: impl AsRef<[u8]>, delta: f64) -> Result<f64> {
    let field = field.as_ref();
    a.check_element(field)?;
    a.edit_coll(key.as_ref(), Kind::Hash, |e, _| {
        let Coll::Hash(t) = &e.coll else { unreachable!() };
        let old = match t.get(field) {
            None => 0.0,
            Some(v) => std::str::from_utf8(v)
                .ok()
                .and_then(parse_float)
                .ok_or_else(|| Error::WrongType("the hash value is not a float".into()))?,
        };
        let new = old + delta;
        if !new.is_finite() {
            return Err(Error::InvalidArgument("increment would produce NaN or Infinity".into()));
        }
        e.push(Edit::HSet { field, value: format_float(new).as_bytes() });
        Ok(new)
    })
}

fn hrandfield<A: Access>(a: &mut A, key: impl AsRef<[u8]>, count: i64) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
    a.read_coll(key.as_ref(), Kind::Hash, |c| {
        let Some(c) = c else { return Vec::new() };
        let t = tree(c);
        super::random::pick_ranks(t.len(), count)
            .into_iter()
            .filter_map(|r| t.at(r).map(|(f, v)| (f.to_vec(), v.to_vec())))
            .collect()
    })
}

fn hscan<A: Access>(
    a: &mut A,
    key: impl AsRef<[u8]>,
    after: Option<&[u8]>,
    count: usize,
) -> Result<ScanPage<(Vec<u8>, Vec<u8>)>> {
    a.read_coll(key.as_ref(), Kind::Hash, |c| match c {
        None => (Vec::new(), None),
        Some(c) => super::random::scan_tree(tree(c), after, count),
    })
}

/// Parses a float as Redis does for increments: decimal or exponent notation, `inf`, no NaN.
pub(crate) fn parse_float(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.len() != s.len() || t.is_empty() {
        return None;
    }
    let v: f64 = match t.to_ascii_lowercase().as_str() {
        "inf" | "+inf" | "infinity" | "+infinity" => f64::INFINITY,
        "-inf" | "-infinity" => f64::NEG_INFINITY,
        _ => t.parse().ok()?,
    };
    (!v.is_nan()).then_some(v)
}

/// Formats a float as Redis's INCRBYFLOAT replies: the shortest text that reads back the same,
/// without an exponent for ordinary magnitudes.
pub(crate) fn format_float(v: f64) -> String {
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if v == v.trunc() && v.abs() < 1e17 {
        return format!("{}", v as i64);
    }
    format!("{v}")
}
