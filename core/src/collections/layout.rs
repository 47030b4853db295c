//! `Layout`: how the value at a key is laid out, for tools that ask (Redis's OBJECT ENCODING).
//!
//! A collection is *compact* while all its elements fit one packed leaf of its tree (up to 64
//! entries and 2 KiB, one allocation: `ptree/leaf.rs`) and a multi-level tree above that. The
//! element facts a caller needs to name Redis's equivalent encoding (the longest element, whether
//! every set member is an integer) are gathered for compact collections only, where reading every
//! element costs at most one leaf: a larger collection is past every compact threshold anyway.

use super::coll::{Coll, Kind};
use crate::db::Db;
use crate::error::Result;
use crate::item::VersionRef;

/// See the file comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    pub kind: Kind,
    /// Elements (for a string: its length in bytes).
    pub len: usize,
    /// Bytes of the elements (fields and values, members, list elements; a string's length).
    pub bytes: usize,
    /// One packed leaf (a string: always).
    pub compact: bool,
    /// When compact: the longest field, value, member or element in bytes (else 0).
    pub longest: usize,
    /// When compact: whether every set member, or the string, is an integer in the canonical
    /// form of a signed 64-bit number (else false).
    pub integers: bool,
}

fn is_integer(b: &[u8]) -> bool {
    std::str::from_utf8(b).ok().and_then(|s| s.parse::<i64>().ok()).is_some_and(|n| n.to_string().as_bytes() == b)
}

fn layout_of(v: VersionRef<'_>) -> Layout {
    let Some(coll) = v.coll() else {
        let s = v.value();
        let n = s.len();
        return Layout { kind: Kind::String, len: n, bytes: n, compact: true, longest: n, integers: is_integer(s) };
    };
    let t = coll.elements();
    let compact = match coll {
        Coll::ZSet(z) => z.members.is_one_leaf() && z.scores.is_one_leaf(),
        _ => t.is_one_leaf(),
    };
    let (mut longest, mut integers) = (0, false);
    if compact {
        // Entries as `Coll::elements` holds them: (field, value), (member, empty), (empty,
        // element), (member, score).
        let size = |(k, v): (&[u8], &[u8])| match coll.kind() {
            Kind::Hash => k.len().max(v.len()),
            Kind::List => v.len(),
            _ => k.len(),
        };
        longest = t.iter().map(size).max().unwrap_or(0);
        integers = coll.kind() == Kind::Set && t.iter().all(|(k, _)| is_integer(k));
    }
    Layout { kind: coll.kind(), len: coll.len(), bytes: coll.data_bytes(), compact, longest, integers }
}

impl Db {
    /// How the value at `key` is laid out (see [`Layout`]), None if the key holds nothing.
    pub fn layout(&self, key: impl AsRef<[u8]>) -> Result<Option<Layout>> {
        self.read_latest(key.as_ref(), |v| v.map(layout_of))
    }
}
