//! `Kind` (what a key holds) and `Coll`, the value of a key holding a collection.
//!
//! Every collection is one or two `PTree`s:
//! - a hash maps field → value;
//! - a list is a positional tree of elements (empty keys), so both ends and any index are
//!   O(log n) away;
//! - a set maps member → empty;
//! - a sorted set keeps member → score (8 bytes, the `f64` bits little endian) for ZSCORE, and a
//!   second tree ordered by (score, member), whose keys are `score_key(score)` followed by the
//!   member, for ranks and score ranges. Lexicographic ranges read the member tree, which is in
//!   member order (Redis leaves BYLEX unspecified when scores differ).
//!
//! A small collection is a tree of one leaf: its elements packed in one buffer, the compact form
//! that Redis calls a listpack.

use std::fmt;

use super::ptree::PTree;

/// What a key holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    String,
    Hash,
    List,
    Set,
    ZSet,
}

impl Kind {
    /// Redis's name for it, as TYPE answers.
    pub fn name(self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::Hash => "hash",
            Kind::List => "list",
            Kind::Set => "set",
            Kind::ZSet => "zset",
        }
    }

    /// The code stored in version flags, log records and checkpoints.
    pub(crate) fn code(self) -> u8 {
        match self {
            Kind::String => 0,
            Kind::Hash => 1,
            Kind::List => 2,
            Kind::Set => 3,
            Kind::ZSet => 4,
        }
    }

    pub(crate) fn from_code(code: u8) -> Option<Kind> {
        Some(match code {
            0 => Kind::String,
            1 => Kind::Hash,
            2 => Kind::List,
            3 => Kind::Set,
            4 => Kind::ZSet,
            _ => return None,
        })
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A sorted set's two trees (see the file comment).
#[derive(Clone, Default)]
pub(crate) struct ZSet {
    pub members: PTree,
    pub scores: PTree,
}

/// The value of a collection key. Cloning is O(1): the trees are shared.
#[derive(Clone)]
pub(crate) enum Coll {
    Hash(PTree),
    List(PTree),
    Set(PTree),
    ZSet(ZSet),
}

impl fmt::Debug for Coll {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({} elements)", self.kind(), self.len())
    }
}

/// The 8 bytes that order scores as numbers when compared as bytes: the sign bit flipped for
/// positive numbers, every bit for negative ones, big endian. -0 is stored as 0.
pub(crate) fn score_key(score: f64) -> [u8; 8] {
    let score = if score == 0.0 { 0.0 } else { score };
    let bits = score.to_bits();
    let ordered = if bits >> 63 == 1 { !bits } else { bits | (1 << 63) };
    ordered.to_be_bytes()
}

/// The score of a `score_key`.
pub(crate) fn score_of_key(key: &[u8]) -> f64 {
    let ordered = u64::from_be_bytes(key[..8].try_into().expect("a score key has 8 bytes"));
    let bits = if ordered >> 63 == 1 { ordered & !(1 << 63) } else { !ordered };
    f64::from_bits(bits)
}

/// A score as the member tree stores it.
pub(crate) fn score_value(score: f64) -> [u8; 8] {
    let score = if score == 0.0 { 0.0 } else { score };
    score.to_bits().to_le_bytes()
}

pub(crate) fn score_of_value(value: &[u8]) -> f64 {
    f64::from_bits(u64::from_le_bytes(value[..8].try_into().expect("a stored score has 8 bytes")))
}

/// The key of `member` with `score` in a sorted set's score tree.
pub(crate) fn zkey(score: f64, member: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(8 + member.len());
    k.extend_from_slice(&score_key(score));
    k.extend_from_slice(member);
    k
}

impl Coll {
    pub(crate) fn empty(kind: Kind) -> Coll {
        match kind {
            Kind::Hash => Coll::Hash(PTree::new()),
            Kind::List => Coll::List(PTree::new()),
            Kind::Set => Coll::Set(PTree::new()),
            Kind::ZSet => Coll::ZSet(ZSet::default()),
            Kind::String => unreachable!("a string is not a collection"),
        }
    }

    pub(crate) fn kind(&self) -> Kind {
        match self {
            Coll::Hash(_) => Kind::Hash,
            Coll::List(_) => Kind::List,
            Coll::Set(_) => Kind::Set,
            Coll::ZSet(_) => Kind::ZSet,
        }
    }

    /// The number of elements (fields, members, list elements).
    pub(crate) fn len(&self) -> usize {
        match self {
            Coll::Hash(t) | Coll::List(t) | Coll::Set(t) => t.len(),
            Coll::ZSet(z) => z.members.len(),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes of the elements themselves (what `Stats::value_bytes` counts).
    pub(crate) fn data_bytes(&self) -> usize {
        match self {
            Coll::Hash(t) | Coll::List(t) | Coll::Set(t) => t.data_bytes(),
            Coll::ZSet(z) => z.members.data_bytes(),
        }
    }

    /// The heap its trees own (what `Stats::memory_bytes` counts for it).
    pub(crate) fn heap_bytes(&self) -> usize {
        std::mem::size_of::<Coll>()
            + match self {
                Coll::Hash(t) | Coll::List(t) | Coll::Set(t) => t.heap_bytes(),
                Coll::ZSet(z) => z.members.heap_bytes() + z.scores.heap_bytes(),
            }
    }

    /// The tree whose entries are the collection's elements as checkpoints store them: (field,
    /// value), (empty, element), (member, empty), (member, score value).
    pub(crate) fn elements(&self) -> &PTree {
        match self {
            Coll::Hash(t) | Coll::List(t) | Coll::Set(t) => t,
            Coll::ZSet(z) => &z.members,
        }
    }

    /// Rebuilds a collection from `elements` as `elements()` lists them, in that order. Returns
    /// None if they break the encoding's rules (out of order, a bad score), so that a damaged
    /// checkpoint is reported.
    pub(crate) fn from_elements(kind: Kind, elements: &[(&[u8], &[u8])]) -> Option<Coll> {
        let ordered = elements.windows(2).all(|w| w[0].0 < w[1].0);
        match kind {
            Kind::String => None,
            Kind::List => Some(Coll::List(PTree::from_sorted(elements.iter().copied()))),
            Kind::Hash if ordered => Some(Coll::Hash(PTree::from_sorted(elements.iter().copied()))),
            Kind::Set if ordered && elements.iter().all(|(_, v)| v.is_empty()) => {
                Some(Coll::Set(PTree::from_sorted(elements.iter().copied())))
            }
            Kind::ZSet if ordered => {
                let mut keys = Vec::with_capacity(elements.len());
                for (member, score) in elements {
                    if score.len() != 8 || score_of_value(score).is_nan() {
                        return None;
                    }
                    keys.push(zkey(score_of_value(score), member));
                }
                keys.sort_unstable();
                let scores = PTree::from_sorted(keys.iter().map(|k| (k.as_slice(), &[][..])));
                Some(Coll::ZSet(ZSet { members: PTree::from_sorted(elements.iter().copied()), scores }))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_keys_order_like_numbers() {
        let scores = [f64::NEG_INFINITY, -1e300, -2.5, -1.0, -1e-300, 0.0, 1e-300, 1.0, 2.5, 1e300, f64::INFINITY];
        for w in scores.windows(2) {
            assert!(score_key(w[0]) < score_key(w[1]), "{} < {}", w[0], w[1]);
        }
        for s in scores {
            assert_eq!(score_of_key(&score_key(s)), s);
            assert_eq!(score_of_value(&score_value(s)), s);
        }
        assert_eq!(score_key(-0.0), score_key(0.0));
    }
}
