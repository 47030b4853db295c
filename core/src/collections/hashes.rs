//! Hashes: `Db` methods for a key holding field → value pairs (Redis's H* commands).
//!
//! Every method reads without a lock (`read_coll`) or writes in one commit (`edit_coll`); a key
//! of another type is a `WrongType` error that changes nothing. A hash left with no field is
//! deleted.

use super::coll::{Coll, Kind};
use super::edit::Edit;
use super::ptree::PTree;
use super::random::ScanPage;
use crate::db::Db;
use crate::error::{Error, Result};

fn tree(c: &Coll) -> &PTree {
    match c {
        Coll::Hash(t) => t,
        _ => unreachable!("read_coll checked the kind"),
    }
}

impl Db {
    /// Sets each `(field, value)` of `pairs` in the hash at `key` (created if absent). Returns how
    /// many fields were new (HSET).
    pub fn hset<F: AsRef<[u8]>, V: AsRef<[u8]>>(&self, key: impl AsRef<[u8]>, pairs: &[(F, V)]) -> Result<usize> {
        for (f, v) in pairs {
            self.check_element(f.as_ref())?;
            self.check_element(v.as_ref())?;
        }
        self.edit_coll(key.as_ref(), Kind::Hash, |e, _| {
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

    /// Sets `field` only if the hash has no such field (HSETNX). Returns whether it was set.
    pub fn hsetnx(&self, key: impl AsRef<[u8]>, field: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Result<bool> {
        let (field, value) = (field.as_ref(), value.as_ref());
        self.check_element(field)?;
        self.check_element(value)?;
        self.edit_coll(key.as_ref(), Kind::Hash, |e, _| {
            let Coll::Hash(t) = &e.coll else { unreachable!() };
            if t.get(field).is_some() {
                return Ok(false);
            }
            e.push(Edit::HSet { field, value });
            Ok(true)
        })
    }

    /// The value of `field` (HGET).
    pub fn hget(&self, key: impl AsRef<[u8]>, field: impl AsRef<[u8]>) -> Result<Option<Vec<u8>>> {
        self.read_coll(key.as_ref(), Kind::Hash, |c| c.and_then(|c| tree(c).get(field.as_ref())).map(<[u8]>::to_vec))
    }

    /// The values of `fields`, None for each that is absent (HMGET).
    pub fn hmget<F: AsRef<[u8]>>(&self, key: impl AsRef<[u8]>, fields: &[F]) -> Result<Vec<Option<Vec<u8>>>> {
        self.read_coll(key.as_ref(), Kind::Hash, |c| {
            fields.iter().map(|f| c.and_then(|c| tree(c).get(f.as_ref())).map(<[u8]>::to_vec)).collect()
        })
    }

    /// Removes `fields`. Returns how many existed (HDEL).
    pub fn hdel<F: AsRef<[u8]>>(&self, key: impl AsRef<[u8]>, fields: &[F]) -> Result<usize> {
        self.edit_coll(key.as_ref(), Kind::Hash, |e, _| {
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

    /// Whether the hash has `field` (HEXISTS).
    pub fn hexists(&self, key: impl AsRef<[u8]>, field: impl AsRef<[u8]>) -> Result<bool> {
        self.read_coll(key.as_ref(), Kind::Hash, |c| c.is_some_and(|c| tree(c).get(field.as_ref()).is_some()))
    }

    /// The number of fields, 0 for an absent key (HLEN).
    pub fn hlen(&self, key: impl AsRef<[u8]>) -> Result<usize> {
        self.read_coll(key.as_ref(), Kind::Hash, |c| c.map_or(0, Coll::len))
    }

    /// The length of `field`'s value, 0 if absent (HSTRLEN).
    pub fn hstrlen(&self, key: impl AsRef<[u8]>, field: impl AsRef<[u8]>) -> Result<usize> {
        self.read_coll(key.as_ref(), Kind::Hash, |c| c.and_then(|c| tree(c).get(field.as_ref())).map_or(0, <[u8]>::len))
    }

    /// Every `(field, value)`, in field order (HGETALL).
    pub fn hgetall(&self, key: impl AsRef<[u8]>) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        self.read_coll(key.as_ref(), Kind::Hash, |c| {
            c.map_or_else(Vec::new, |c| tree(c).iter().map(|(f, v)| (f.to_vec(), v.to_vec())).collect())
        })
    }

    /// Every field, in order (HKEYS).
    pub fn hkeys(&self, key: impl AsRef<[u8]>) -> Result<Vec<Vec<u8>>> {
        self.read_coll(key.as_ref(), Kind::Hash, |c| {
            c.map_or_else(Vec::new, |c| tree(c).iter().map(|(f, _)| f.to_vec()).collect())
        })
    }

    /// Every value, in field order (HVALS).
    pub fn hvals(&self, key: impl AsRef<[u8]>) -> Result<Vec<Vec<u8>>> {
        self.read_coll(key.as_ref(), Kind::Hash, |c| {
            c.map_or_else(Vec::new, |c| tree(c).iter().map(|(_, v)| v.to_vec()).collect())
        })
    }

    /// Adds `delta` to the integer in `field` (absent counts as 0) and returns the new value
    /// (HINCRBY). A value that is not an integer, or an overflow, is an error and writes nothing.
    pub fn hincrby(&self, key: impl AsRef<[u8]>, field: impl AsRef<[u8]>, delta: i64) -> Result<i64> {
        let field = field.as_ref();
        self.check_element(field)?;
        self.edit_coll(key.as_ref(), Kind::Hash, |e, _| {
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

    /// Adds `delta` to the number in `field` (absent counts as 0) and returns the new value
    /// (HINCRBYFLOAT). The result must be finite.
    pub fn hincrbyfloat(&self, key: impl AsRef<[u8]>, field: impl AsRef<[u8]>, delta: f64) -> Result<f64> {
        let field = field.as_ref();
        self.check_element(field)?;
        self.edit_coll(key.as_ref(), Kind::Hash, |e, _| {
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

    /// Random fields with their values (HRANDFIELD): `count` distinct ones if positive (at most
    /// the hash's size), `-count` with repetitions if negative.
    pub fn hrandfield(&self, key: impl AsRef<[u8]>, count: i64) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        self.read_coll(key.as_ref(), Kind::Hash, |c| {
            let Some(c) = c else { return Vec::new() };
            let t = tree(c);
            super::random::pick_ranks(t.len(), count)
                .into_iter()
                .filter_map(|r| t.at(r).map(|(f, v)| (f.to_vec(), v.to_vec())))
                .collect()
        })
    }

    /// Up to `count` fields after `after` (from the first if None), in field order, and the
    /// cursor to pass next (None when the walk is done). Fields present for the whole walk are
    /// returned exactly once (HSCAN).
    pub fn hscan(
        &self,
        key: impl AsRef<[u8]>,
        after: Option<&[u8]>,
        count: usize,
    ) -> Result<ScanPage<(Vec<u8>, Vec<u8>)>> {
        self.read_coll(key.as_ref(), Kind::Hash, |c| match c {
            None => (Vec::new(), None),
            Some(c) => super::random::scan_tree(tree(c), after, count),
        })
    }

    /// An element (field, value, member) is held to the value size limit before anything is
    /// written.
    pub(crate) fn check_element(&self, b: &[u8]) -> Result<()> {
        let max = self.engine().opts.max_value_size;
        if b.len() > max {
            return Err(Error::ValueTooLarge { len: b.len(), max });
        }
        Ok(())
    }
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
